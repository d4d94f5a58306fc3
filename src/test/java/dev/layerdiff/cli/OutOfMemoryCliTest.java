package dev.layerdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layerdiff.ChildJvm;
import dev.layerdiff.archive.safetensors.SafetensorsWriter;
import dev.layerdiff.tensor.DType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Running out of memory is a limit, not a verdict (issue 29): a comparison of 100,000 tiny tensors in a
 * 64 MiB heap ends as one line that names the heap and how to give it more, exit 2, never the JVM's
 * stack trace and exit 1, which a CI job would read as "diverged".
 */
class OutOfMemoryCliTest {
    @TempDir
    Path tmp;

    @Test
    void aHeapTooSmallIsOneLineAndExit2() throws IOException, InterruptedException {
        Path ref = dump(tmp.resolve("ref.safetensors"), 0f), cand = dump(tmp.resolve("cand.safetensors"), 0.5f);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = ChildJvm.of(List.of(java.toString(), "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "compare", ref.toString(), cand.toString(), "--quiet")).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out + err).isEqualTo(2);
        assertThat(err.strip()).startsWith("layerdiff: out of memory: the Java heap of ")
                .contains("LAYERDIFF_JAVA_OPTS=-Xmx").doesNotContain("\n").doesNotContain("Exception in thread");
    }

    /** 100,000 tensors of 4 float32 values each; {@code bump} added to the first of every tensor. */
    private static Path dump(Path file, float bump) throws IOException {
        SafetensorsWriter w = new SafetensorsWriter();
        for (int i = 0; i < 100_000; i++) {
            ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            b.putFloat(i + bump).putFloat(1).putFloat(2).putFloat(3);
            w.add("layers." + i + ".out", DType.FLOAT32, new long[] {4}, b.array());
        }
        w.write(file);
        return file;
    }
}
