package dev.layerdiff.archive.safetensors;

import dev.layerdiff.archive.AbstractFormat;
import dev.layerdiff.archive.Archive;
import java.io.IOException;
import java.nio.file.Path;

/** A .safetensors file. It has no magic: a little-endian u64 header length, then the JSON header's '{'. */
public final class SafetensorsFormat extends AbstractFormat {

    public SafetensorsFormat() {
        super("safetensors", ".safetensors", "safetensors");
    }

    @Override
    public Confidence recognise(Path path, byte[] head) {
        return head.length >= 9 && head[8] == '{' ? Confidence.LAYOUT : Confidence.NONE;
    }

    @Override
    public Archive open(Path path) throws IOException {
        return SafetensorsReader.open(path);
    }
}
