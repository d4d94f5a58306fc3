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

    @Test
    void comparesSummariesAsItComparesDumpsMarkingWhatIsEstimated() throws Exception {
        Path ref = tmp.resolve("ref.summary.safetensors"), bug = tmp.resolve("bug.summary.safetensors");
        assertThat(CliTest.run("summarize", Fixtures.path("cnn_ref_cpu.safetensors").toString(), "-o", ref.toString()).exit()).isZero();
        assertThat(CliTest.run("summarize", Fixtures.path("cnn_bug_deadrelu.safetensors").toString(), "-o", bug.toString()).exit()).isZero();

        Path json = tmp.resolve("report.json");
        CliTest.Run both = CliTest.run("compare", ref.toString(), bug.toString(), "--json", json.toString());
        assertThat(both.exit()).as(both.err()).isEqualTo(1);
        assertThat(both.out()).containsPattern("(?m)^conv2 +diverged +- +- +~0\\.9\\d+ +\\?/9216 .* ~2\\.\\d+e\\+01 .*introduced")
                .contains("(~ estimated from a summary's sketches, >= a lower bound from recorded statistics; ? what they cannot count;")
                .containsPattern("(?m)^conv1 +ok +0 +0 +1\\.000000 +0/18432 ")
                .contains("estimated from summaries, between");
        assertThat(both.out().strip().lines().reduce((a, b) -> b).orElseThrow()).startsWith("DIVERGED (bug): activations: bug introduced at conv2, in dim 1 indices 0-3 (the other 12 clean);");
        com.fasterxml.jackson.databind.JsonNode layers = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile()).get("layers");
        com.fasterxml.jackson.databind.JsonNode conv1 = layers.get(0), conv2 = layers.get(3);
        assertThat(conv1.get("estimated").get("identical").asBoolean()).isTrue();
        assertThat(conv1.get("status").asText()).isEqualTo("ok");
        assertThat(conv2.get("name").asText()).isEqualTo("conv2");
        assertThat(conv2.get("mismatched").isNull()).isTrue();
        assertThat(conv2.get("max_abs").isNull()).isTrue();
        double low = conv2.get("estimated").get("relative_error_low").asDouble(), high = conv2.get("estimated").get("relative_error_high").asDouble();
        // The exact relative error of conv2, from the comparison of the values: 25.2.
        assertThat(25.2).isBetween(low, high);

        // The page: the estimate and its bounds beside each estimated layer.
        Path html = tmp.resolve("report.html");
        assertThat(CliTest.run("compare", ref.toString(), bug.toString(), "--html", html.toString(), "--quiet").exit()).isEqualTo(1);
        com.fasterxml.jackson.databind.JsonNode estimated = dev.layerdiff.report.html.HtmlReportTest.data(Files.readString(html))
                .path("layers").path("estimated");
        assertThat(estimated.get(0).isNull()).as("conv1, identical").isTrue();
        // (the page writes five significant digits)
        assertThat(estimated.get(3).get(1).asDouble()).isCloseTo(low, org.assertj.core.data.Percentage.withPercentage(0.01));
        assertThat(estimated.get(3).get(2).asDouble()).isCloseTo(high, org.assertj.core.data.Percentage.withPercentage(0.01));

        // One side a dump, the other its summary: the same verdict; a run against its own summary: identical.
        CliTest.Run mixed = CliTest.run("compare", Fixtures.path("cnn_ref_cpu.safetensors").toString(), bug.toString(), "--quiet");
        assertThat(mixed.out()).startsWith("DIVERGED (bug): activations: bug introduced at conv2, in dim 1 indices 0-3 (the other 12 clean);");
        CliTest.Run same = CliTest.run("compare", Fixtures.path("cnn_ref_cpu.safetensors").toString(), ref.toString(), "--quiet");
        assertThat(same.exit()).as(same.out() + same.err()).isZero();

        Path narrow = tmp.resolve("narrow.summary.safetensors");
        CliTest.run("summarize", Fixtures.path("cnn_bug_deadrelu.safetensors").toString(), "-o", narrow.toString(), "--buckets", "256");
        CliTest.Run apart = CliTest.run("compare", ref.toString(), narrow.toString());
        assertThat(apart.exit()).isEqualTo(2);
        assertThat(apart.err().strip()).isEqualTo("layerdiff: " + ref + " was summarised with --buckets 1024 and " + narrow
                + " with 256: their sketches cannot be compared; summarise both with the same --buckets");
    }
}
