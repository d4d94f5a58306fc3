package dev.layerdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layerdiff.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code layerdiff summarize}: writes the summary and says how much smaller it is; bad input is one line, exit 2. */
class SummarizeCliTest {
    @TempDir
    Path tmp;

    @Test
    void summarisesADumpIntoAFileOfAFewKilobytesPerTensor() throws Exception {
        Path out = tmp.resolve("run.summary.safetensors");
        CliTest.Run r = CliTest.run("summarize", Fixtures.path("cnn_ref_cpu.safetensors").toString(), "-o", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("25 tensors (776.7 KB) summarised into " + out);
        assertThat(Files.size(out)).isLessThan(25 * 16 * 1024L);
        assertThat(CliTest.run("ls", out.toString()).out()).contains("sketch_offsets", "histogram");

        CliTest.Run again = CliTest.run("summarize", out.toString(), "-o", tmp.resolve("twice.safetensors").toString());
        assertThat(again.exit()).isEqualTo(2);
        assertThat(again.err().strip()).isEqualTo("layerdiff: " + out + ": is already a summary");
        assertThat(tmp.resolve("twice.safetensors")).doesNotExist();

        CliTest.Run buckets = CliTest.run("summarize", Fixtures.path("cnn_ref_cpu.safetensors").toString(), "-o", out.toString(),
                "--buckets", "1000");
        assertThat(buckets.exit()).isEqualTo(2);
        assertThat(buckets.err().strip()).isEqualTo("layerdiff: --buckets 1000: a power of two from 1 to 1048576");
    }
}
