package dev.layerdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.layerdiff.ChildJvm;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dump of a million tensors is compared, listed, summarised and checked within a heap of a gigabyte
 * ({@code LAYERDIFF_JAVA_OPTS=-Xmx1g}), the JSON report streamed to its file (issue 29). The pair is
 * generated here (2 x 93 MB, never committed): float32 tensors of four elements named like a model's
 * layers, the candidate's first element of tensor 500,000 off by 0.5, nothing else. A minute or more on
 * two cores: tagged slow, run by {@code ./test}.
 */
@Tag("slow")
class MillionTensorsCliTest {
    private static final int TENSORS = 1_000_000;
    private static final int PLANTED = 500_000;

    @TempDir
    Path tmp;

    @Test
    void aMillionTensorPairFitsAGigabyteOfHeap() throws IOException, InterruptedException {
        Path ref = dump(tmp.resolve("ref.safetensors"), false), cand = dump(tmp.resolve("cand.safetensors"), true);
        Path json = tmp.resolve("report.json");

        Run compare = run("compare", ref.toString(), cand.toString(), "--quiet", "--json", json.toString());
        assertThat(compare.exit).as(compare.err).isEqualTo(1);
        assertThat(compare.out.strip()).startsWith("DIVERGED (bug): activations: bug introduced at layers.62500.op0")
                .endsWith("1 of 1000000 paired layers diverged");
        assertThat(compare.err).isEmpty();
        // The report whole: every layer once, in order, the planted one diverged and no other.
        List<String> diverged = new ArrayList<>();
        int layers = 0;
        try (JsonParser p = new JsonFactory().createParser(json.toFile())) {
            String field = null, name = null;
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.FIELD_NAME) field = p.currentName();
                else if (t == JsonToken.VALUE_STRING && "name".equals(field) && p.getParsingContext().getNestingDepth() == 3) name = p.getText();
                else if (t == JsonToken.VALUE_STRING && "status".equals(field) && p.getParsingContext().getNestingDepth() == 3) {
                    layers++;
                    if (p.getText().equals("diverged")) diverged.add(name);
                }
            }
        }
        assertThat(layers).isEqualTo(TENSORS);
        assertThat(diverged).containsExactly(name(PLANTED));

        Run ls = run("ls", cand.toString());
        assertThat(ls.exit).as(ls.err).isZero();
        assertThat(ls.out.lines().count()).isEqualTo(TENSORS + 1);
        Run stats = run("stats", cand.toString(), "--json", tmp.resolve("stats.json").toString());
        assertThat(stats.exit).as(stats.err).isZero();
        assertThat(Files.size(tmp.resolve("stats.json"))).isGreaterThan(TENSORS * 100L);
        Run check = run("check", cand.toString());
        assertThat(check.exit).as(check.err).isZero();
        assertThat(check.out.strip()).isEqualTo("OK: no finding in 1000000 tensors of " + cand);
    }

    private record Run(int exit, String out, String err) {}

    private Run run(String... args) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx1g", "--add-modules", "jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        Process p = ChildJvm.of(command).redirectOutput(tmp.resolve("out.txt").toFile()).redirectError(tmp.resolve("err.txt").toFile()).start();
        assertThat(p.waitFor(600, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), Files.readString(tmp.resolve("out.txt")),
                Files.readString(tmp.resolve("err.txt")).replaceAll("(?m)^WARNING: Using incubator modules.*\\R", ""));
    }

    private static String name(int i) {
        return "layers." + i / 8 + ".op" + i % 8;
    }

    /** Writes the header and the data in one stream: a writer holding a million entries is not what is tested. */
    private static Path dump(Path file, boolean candidate) throws IOException {
        StringBuilder header = new StringBuilder("{");
        for (int i = 0; i < TENSORS; i++) {
            if (i > 0) header.append(',');
            long at = i * 16L;
            header.append('"').append(name(i)).append("\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[")
                    .append(at).append(',').append(at + 16).append("]}");
        }
        header.append('}');
        while (header.length() % 8 != 0) header.append(' ');
        byte[] json = header.toString().getBytes(StandardCharsets.US_ASCII);
        ByteBuffer data = ByteBuffer.allocate(TENSORS * 16).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < TENSORS; i++) {
            float bump = candidate && i == PLANTED ? 0.5f : 0f;
            data.putFloat(1 + (i % 1000) / 1000f + bump).putFloat(-1).putFloat(0.25f).putFloat(i % 7);
        }
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, json.length);
            for (ByteBuffer b : List.of(length, ByteBuffer.wrap(json), data.flip())) while (b.hasRemaining()) out.write(b);
        }
        return file;
    }
}
