package dev.layerdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.layerdiff.Fixtures;
import dev.layerdiff.archive.Archive;
import dev.layerdiff.archive.Archives;
import dev.layerdiff.archive.safetensors.SafetensorsWriter;
import dev.layerdiff.tensor.DType;
import dev.layerdiff.tensor.TensorEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * msprobe's statistics dumps ({@code "task": "statistics"}, level L0, with and without its md5 mode's
 * CRC-32), written here in msprobe's documented dump.json format from the bundled example run and two
 * planted bugs: a layer's weights scaled (its output doubled), which the statistics show, and two
 * channels of a layer's output swapped, which leaves every statistic as it was: not determined from
 * statistics, found from the layerdiff summaries of the same two runs.
 */
class MsprobeStatisticsCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void scaledWeightsAreFoundFromStatisticsSwappedChannelsOnlyFromSummaries() throws IOException {
        Map<String, float[]> ref = read(Fixtures.path("cnn_ref_cpu.safetensors"));
        Map<String, float[]> scaled = planted(ref, "conv2", v -> { for (int i = 0; i < v.length; i++) v[i] *= 2; return v; });
        // conv2's output is [4, 16, 12, 12]: channels 0 and 1 of every batch element swapped.
        Map<String, float[]> swapped = planted(ref, "conv2", v -> {
            int plane = 12 * 12;
            for (int b = 0; b < 4; b++) {
                for (int i = 0; i < plane; i++) {
                    int c0 = b * 16 * plane + i, c1 = c0 + plane;
                    float t = v[c0];
                    v[c0] = v[c1];
                    v[c1] = t;
                }
            }
            return v;
        });

        Path refStats = statistics("ref", ref, true), scaledStats = statistics("scaled", scaled, true);
        CliTest.Run s = CliTest.run("compare", refStats.toString(), scaledStats.toString(), "--quiet");
        assertThat(s.exit()).as(s.err()).isEqualTo(1);
        assertThat(s.out()).startsWith("DIVERGED (bug): activations: bug introduced at Module.conv2.Layer.forward.0.output.0;");
        CliTest.Run table = CliTest.run("compare", refStats.toString(), scaledStats.toString());
        assertThat(table.out()).contains("error of at least 1.00 (").contains("a lower bound from the recorded statistics");
        // Without md5, the same: the statistics of conv2 differ.
        CliTest.Run plain = CliTest.run("compare", statistics("ref-plain", ref, false).toString(),
                statistics("scaled-plain", scaled, false).toString(), "--quiet");
        assertThat(plain.out()).startsWith("DIVERGED (bug): activations: bug introduced at Module.conv2.Layer.forward.0.output.0;");

        CliTest.Run w = CliTest.run("compare", refStats.toString(), statistics("swapped", swapped, true).toString());
        assertThat(w.exit()).as(w.err()).isEqualTo(1);
        assertThat(w.out()).contains("activations: not determined (a layer differs by more than its statistics can bound");
        assertThat(w.out()).containsPattern("(?m)^Module\\.conv2\\.Layer\\.forward\\.0\\.output\\.0 +diverged .*not_determined");
        CliTest.Run same = CliTest.run("compare", refStats.toString(), statistics("again", ref, true).toString(), "--quiet");
        assertThat(same.exit()).as(same.out()).isZero();

        Path refSummary = tmp.resolve("ref.summary.safetensors"), swappedSummary = tmp.resolve("swapped.summary.safetensors");
        CliTest.run("summarize", write("ref.safetensors", ref).toString(), "-o", refSummary.toString());
        CliTest.run("summarize", write("swapped.safetensors", swapped).toString(), "-o", swappedSummary.toString());
        CliTest.Run found = CliTest.run("compare", refSummary.toString(), swappedSummary.toString(), "--quiet");
        // ... the two channels named, by the slices' sketches.
        assertThat(found.out()).startsWith("DIVERGED (bug): activations: bug introduced at conv2, in dim 1 indices 0, 1 (the other 14 clean);");
    }

    private static Map<String, float[]> read(Path file) throws IOException {
        Map<String, float[]> out = new LinkedHashMap<>();
        try (Archive a = Archives.open(file)) {
            for (TensorEntry e : a.tensors()) {
                ByteBuffer b = e.data().read(0, (int) e.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
                float[] v = new float[(int) e.numel()];
                b.asFloatBuffer().get(v);
                out.put(e.name(), v);
            }
        }
        return out;
    }

    private static Map<String, float[]> planted(Map<String, float[]> ref, String layer, UnaryOperator<float[]> bug) {
        Map<String, float[]> out = new LinkedHashMap<>(ref);
        out.put(layer, bug.apply(ref.get(layer).clone()));
        return out;
    }

    private static final Map<String, long[]> SHAPES = new LinkedHashMap<>();

    private Path write(String name, Map<String, float[]> tensors) throws IOException {
        SafetensorsWriter w = new SafetensorsWriter();
        for (Map.Entry<String, float[]> e : tensors.entrySet()) w.add(e.getKey(), DType.FLOAT32, shape(e.getKey()), bytes(e.getValue()));
        Path file = tmp.resolve(name);
        w.write(file);
        return file;
    }

    /** msprobe's dump.json of task statistics, level L0: one module call per activation, its output's Max, Min, Mean, Norm. */
    private Path statistics(String run, Map<String, float[]> tensors, boolean md5) throws IOException {
        ObjectNode root = JSON.createObjectNode().put("task", "statistics").put("level", "L0").put("framework", "pytorch")
                .put("dump_data_dir", (String) null);
        ObjectNode data = root.putObject("data");
        for (Map.Entry<String, float[]> e : tensors.entrySet()) {
            if (e.getKey().startsWith("grad/")) continue;
            float[] v = e.getValue();
            double max = Double.NEGATIVE_INFINITY, min = Double.POSITIVE_INFINITY, sum = 0, sq = 0;
            for (float x : v) {
                max = Math.max(max, x);
                min = Math.min(min, x);
                sum += x;
                sq += (double) x * x;
            }
            ObjectNode t = data.putObject("Module." + e.getKey() + ".Layer.forward.0").putArray("output").addObject();
            t.put("type", "torch.Tensor").put("dtype", "torch.float32");
            ArrayNode shape = t.putArray("shape");
            for (long d : shape(e.getKey())) shape.add(d);
            // msprobe computes in float32 and writes Python floats.
            t.put("Max", (double) (float) max).put("Min", (double) (float) min).put("Mean", (double) (float) (sum / v.length))
                    .put("Norm", (double) (float) Math.sqrt(sq)).put("requires_grad", true);
            if (md5) {
                CRC32 crc = new CRC32();
                crc.update(bytes(v));
                t.put("md5", String.format(Locale.ROOT, "%08x", crc.getValue()));
            }
        }
        Path dir = Files.createDirectories(tmp.resolve(run));
        Path json = dir.resolve("dump.json");
        JSON.writerWithDefaultPrettyPrinter().writeValue(json.toFile(), root);
        return json;
    }

    private static long[] shape(String name) throws IOException {
        if (SHAPES.isEmpty()) {
            try (Archive a = Archives.open(Fixtures.path("cnn_ref_cpu.safetensors"))) {
                for (TensorEntry e : a.tensors()) SHAPES.put(e.name(), e.shape());
            }
        }
        return SHAPES.get(name);
    }

    private static byte[] bytes(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }
}
