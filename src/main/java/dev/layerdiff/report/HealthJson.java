package dev.layerdiff.report;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.layerdiff.Version;
import dev.layerdiff.diagnosis.Finding;
import dev.layerdiff.diagnosis.Health;
import dev.layerdiff.io.AtomicFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * Writes the {@code check} command's report: {@code {"archive", "tensors", "findings": [{"kind",
 * "layer", "dim", "indices", "detail"}], "initialised": [NAME...]}}, with {@code dim} and {@code indices}
 * null where they do not apply; {@code initialised} lists the tensors constant as initialisation leaves
 * parameters and buffers, which are not findings.
 */
public final class HealthJson {
    private static final JsonFactory FACTORY = new JsonFactory();

    private HealthJson() {}

    /** Writes a health report to {@code file} atomically. */
    public static void write(Health health, Path file) throws IOException {
        AtomicFiles.write(file, out -> write(health, out));
    }

    /** Writes a health report to a stream. */
    public static void write(Health health, OutputStream out) throws IOException {
        try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            g.setPrettyPrinter(new JsonLayout());
            g.writeStartObject();
            g.writeStringField("layerdiff_version", Version.get());
            g.writeStringField("archive", health.archive());
            g.writeNumberField("tensors", health.tensors());
            g.writeArrayFieldStart("findings");
            for (Finding f : health.findings()) writeFinding(g, f);
            g.writeEndArray();
            g.writeArrayFieldStart("initialised");
            for (String name : health.initialised()) g.writeString(name);
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    /** One finding; also what a comparison report writes for each side's findings. */
    static void writeFinding(JsonGenerator g, Finding f) throws IOException {
        g.writeStartObject();
        g.writeStringField("kind", f.kind().jsonName());
        g.writeStringField("layer", f.layer());
        if (f.dim() == null) g.writeNullField("dim");
        else g.writeNumberField("dim", f.dim());
        g.writeFieldName("indices");
        if (f.indices() == null) {
            g.writeNull();
        } else {
            g.writeStartArray();
            for (int i : f.indices()) g.writeNumber(i);
            g.writeEndArray();
        }
        g.writeStringField("detail", f.detail());
        g.writeEndObject();
    }
}
