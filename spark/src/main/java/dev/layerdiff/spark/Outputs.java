package dev.layerdiff.spark;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.layerdiff.Version;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Writes what the job found under {@code --out} (any Hadoop URI): {@code reports/pair-NNNNN.json}, one
 * per pair in the JSON of {@code layerdiff compare --json}; {@code summary.json}; {@code layers.parquet}.
 * Each JSON file is written beside its target and renamed over it, so a reader never sees half of one.
 */
final class Outputs {
    static final String SUMMARY = "summary.json";
    static final String REPORTS = "reports";
    static final String LAYERS = "layers.parquet";

    private static final JsonFactory JSON = new ObjectMapper().getFactory();

    private final Path out;
    private final FileSystem fs;

    Outputs(String out, Configuration conf) throws IOException {
        this.out = new Path(out);
        this.fs = this.out.getFileSystem(conf);
        fs.setWriteChecksum(false); // no .crc files beside the reports on a local disk
    }

    /** A pair's report path, relative to the output folder. */
    static String reportPath(int index) {
        return String.format("%s/pair-%05d.json", REPORTS, index);
    }

    void write(SparkSession spark, List<ArchivePair> pairs, List<Outcome> outcomes, LayersTable table) throws IOException {
        fs.mkdirs(new Path(out, REPORTS));
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            Outcome o = outcomes.get(i);
            if (o.report() == null) continue;
            atomically(new Path(out, reportPath(o.index())), s -> s.write(o.report()));
            rows.addAll(table.rows(pairs.get(i), o));
        }
        atomically(new Path(out, SUMMARY), s -> summary(pairs, outcomes, s));
        // The table has more columns than Spark prints in a plan by default; it would warn once per job.
        spark.conf().set("spark.sql.debug.maxToStringFields", Math.max(100, table.schema().size()));
        spark.createDataFrame(rows, table.schema()).coalesce(1).write().mode(SaveMode.Overwrite)
                .parquet(new Path(out, LAYERS).toString());
    }

    private static void summary(List<ArchivePair> pairs, List<Outcome> outcomes, OutputStream stream) throws IOException {
        try (JsonGenerator g = JSON.createGenerator(stream, JsonEncoding.UTF8)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("layerdiff_version", Version.get());
            g.writeArrayFieldStart("pairs");
            for (int i = 0; i < pairs.size(); i++) {
                ArchivePair p = pairs.get(i);
                Outcome o = outcomes.get(i);
                g.writeStartObject();
                g.writeObjectFieldStart("labels");
                for (Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> e : p.labels().entrySet()) {
                    g.writeFieldName(e.getKey());
                    g.writeTree(e.getValue());
                }
                g.writeEndObject();
                g.writeStringField("reference", p.input().reference());
                g.writeStringField("candidate", p.input().candidate());
                g.writeStringField("report", o.report() == null ? null : reportPath(o.index()));
                g.writeStringField("verdict", o.verdict());
                stringMap(g, "first_divergence", o.firstDivergence());
                stringMap(g, "diagnosis", o.diagnosis());
                g.writeStringField("error", o.error());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    private static void stringMap(JsonGenerator g, String field, Map<String, String> values) throws IOException {
        if (values == null) {
            g.writeNullField(field);
            return;
        }
        g.writeObjectFieldStart(field);
        for (Map.Entry<String, String> e : values.entrySet()) g.writeStringField(e.getKey(), e.getValue());
        g.writeEndObject();
    }

    private interface Body {
        void write(OutputStream out) throws IOException;
    }

    private void atomically(Path target, Body body) throws IOException {
        Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp");
        try (FSDataOutputStream s = fs.create(tmp, true)) {
            body.write(s);
        }
        if (fs.exists(target) && !fs.delete(target, false)) throw new IOException(target + ": cannot replace it");
        if (!fs.rename(tmp, target)) throw new IOException(target + ": cannot rename " + tmp + " to it");
    }
}
