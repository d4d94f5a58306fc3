package dev.layerdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.layerdiff.Fixtures;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line end to end: exit codes, the table, JSON, images and one-line errors. */
class CliTest {
    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    static String fixture(String name) { return Fixtures.path(name).toString(); }

    @Test
    void divergenceExitsOneAndMarksTheFirstLayer() {
        Run r = run("compare", fixture("cnn_ref_cpu.safetensors"), fixture("cnn_bug_deadrelu.safetensors"), "--device", "cpu");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).containsPattern("(?m)^conv2 +diverged .*<- first divergence \\(activations\\)$");
        assertThat(r.out()).containsPattern("(?m)^conv1 +ok ");
        assertThat(r.out().strip().lines().reduce((a, b) -> b).orElseThrow())
                .startsWith("DIVERGED: activations first diverge at conv2");
    }

    @Test
    void identicalArchivesExitZero() {
        Run r = run("compare", fixture("tf_ref_cpu.safetensors"), fixture("tf_ref_cpu.safetensors"), "--quiet");
        assertThat(r.exit()).isZero();
        assertThat(r.out().strip()).startsWith("OK: all 35 layers within tolerance");
    }

    @Test
    void jsonReportFollowsTheSchema() throws IOException {
        Path json = tmp.resolve("sub/report.json");
        Run r = run("compare", fixture("cnn_ref_cpu.npz"), fixture("cnn_bug_trainmode.npz"), "--json", json.toString(), "--quiet");
        assertThat(r.exit()).isEqualTo(1);
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertThat(root.get("reference").asText()).endsWith("cnn_ref_cpu.npz");
        assertThat(root.get("first_divergence").get("activations").asText()).isEqualTo("bn1");
        assertThat(root.get("first_divergence").get("gradients").isNull()).isTrue();
        assertThat(root.get("first_divergence").has("param_grads")).isTrue();
        JsonNode bn1 = root.get("layers").get(1);
        assertThat(bn1.get("name").asText()).isEqualTo("bn1");
        for (String key : List.of("name", "group", "order", "status", "shape", "dtype", "numel", "max_abs", "max_abs_index",
                "mean_abs", "max_rel", "rmse", "cosine", "sqnr_db", "mismatched", "rtol", "atol", "nan", "inf",
                "reference_stats", "candidate_stats", "histograms")) {
            assertThat(bn1.has(key)).as(key).isTrue();
        }
        assertThat(bn1.get("status").asText()).isEqualTo("diverged");
        assertThat(bn1.get("dtype").get("reference").asText()).isEqualTo("float32");
        assertThat(bn1.get("shape").get("reference").toString()).isEqualTo("[4,8,24,24]");
        assertThat(bn1.get("rtol").asDouble()).isEqualTo(1.3e-6);
        assertThat(bn1.get("reference_stats").get("zero_fraction").asDouble()).isZero();
        long histogramTotal = 0;
        JsonNode h = bn1.get("histograms").get("reference");
        for (JsonNode c : h.get("positive")) histogramTotal += c.asLong();
        for (JsonNode c : h.get("negative")) histogramTotal += c.asLong();
        histogramTotal += h.get("zero").asLong();
        assertThat(histogramTotal).isEqualTo(bn1.get("numel").asLong());
        assertThat(tmp.resolve("sub")).isDirectoryContaining(p -> p.getFileName().toString().equals("report.json"));
        try (Stream<Path> files = Files.list(tmp.resolve("sub"))) {
            assertThat(files.count()).as("no temporary files left").isEqualTo(1);
        }
    }

    @Test
    void imagesAreWrittenForDivergedLayersOnly() throws IOException {
        Path dir = tmp.resolve("img");
        Run r = run("compare", fixture("cnn_ref_cpu.safetensors"), fixture("cnn_bug_deadrelu.safetensors"), "--images", dir.toString(), "--quiet");
        assertThat(r.exit()).isEqualTo(1);
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(p -> names.add(p.getFileName().toString()));
        }
        assertThat(names).contains("0003_conv2.png").doesNotContain("0000_conv1.png");
        var img = ImageIO.read(dir.resolve("0003_conv2.png").toFile());
        assertThat(img.getWidth()).isGreaterThan(16);
    }

    @Test
    void lsListsOrderNameDtypeShapeBytes() {
        Run r = run("ls", fixture("dtypes.safetensors"));
        assertThat(r.exit()).isZero();
        assertThat(r.out()).containsPattern("(?m)^\\s+\\d+  bf16\\s+bfloat16\\s+\\[64, 64\\]\\s+8192$");
    }

    @Test
    void statsPrintsEveryLayer() throws IOException {
        Path json = tmp.resolve("stats.json");
        Run r = run("stats", fixture("dtypes.npz"), "--json", json.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("nanny");
        JsonNode nanny = null;
        for (JsonNode t : new ObjectMapper().readTree(json.toFile()).get("tensors")) if (t.get("name").asText().equals("nanny")) nanny = t;
        assertThat(nanny.get("nan").asLong()).isEqualTo(1);
        assertThat(nanny.get("inf").asLong()).isEqualTo(2);
    }

    @Test
    void badInputIsOneLineNamingTheFileWithExitTwo() throws IOException {
        Path empty = Files.createFile(tmp.resolve("empty.safetensors"));
        Path garbage = Files.write(tmp.resolve("garbage.npz"), "not a zip at all".getBytes(StandardCharsets.US_ASCII));
        for (String[] args : List.of(
                new String[] {"compare", empty.toString(), fixture("cnn_ref_cpu.safetensors")},
                new String[] {"compare", fixture("cnn_ref_cpu.safetensors"), garbage.toString()},
                new String[] {"compare", tmp.resolve("missing.pt").toString(), fixture("cnn_ref_cpu.safetensors")},
                new String[] {"ls", empty.toString()},
                new String[] {"stats", garbage.toString()})) {
            Run r = run(args);
            assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
            assertThat(r.err()).startsWith("layerdiff: ").doesNotContain("Exception").doesNotContain("\tat ");
        }
        assertThat(run("compare", empty.toString(), empty.toString()).err()).contains("empty.safetensors");
        assertThat(run("compare", tmp.resolve("missing.pt").toString(), empty.toString()).err()).contains("missing.pt: no such file");
    }

    @Test
    void verboseAddsTheStackTraceOnEveryCommand() {
        String missing = tmp.resolve("missing.pt").toString();
        for (String[] args : List.of(
                new String[] {"compare", missing, missing, "--verbose"},
                new String[] {"ls", missing, "--verbose"},
                new String[] {"stats", missing, "--verbose"},
                new String[] {"compare-model", missing, missing, "--input", missing, "--verbose"})) {
            Run r = run(args);
            assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.err()).as(r.err()).startsWith("layerdiff: ").contains("\tat dev.layerdiff.");
        }
    }

    @Test
    void usageErrorsExitTwo() {
        assertThat(run("compare", "only-one").exit()).isEqualTo(2);
        assertThat(run("compare", "a", "b", "--device", "tpu").err()).contains("unknown device 'tpu'");
        if (dev.layerdiff.engine.Backends.cudaUnavailabilityCause() != null) {
            Run cuda = run("compare", fixture("cnn_ref_cpu.npz"), fixture("cnn_ref_cpu.npz"), "--device", "cuda");
            assertThat(cuda.exit()).isEqualTo(2);
            assertThat(cuda.err()).startsWith("layerdiff: CUDA backend unavailable: ").doesNotContain("Exception");
        }
        assertThat(run("compare", fixture("cnn_ref_cpu.npz"), fixture("cnn_ref_cpu.npz"), "--tol", "conv*").err()).contains("GLOB=RTOL,ATOL");
        assertThat(run("compare", fixture("cnn_ref_cpu.npz"), fixture("cnn_ref_cpu.npz"), "--map", "(=x").err()).contains("bad regex");
        assertThat(run("nonsense").exit()).isEqualTo(2);
    }

    @Test
    void toleranceRulesAndMapsApply() {
        // conv2 is wildly off in the dead-ReLU dump: a per-layer tolerance of 1e9 lets it pass, and the next layer is then first.
        Run r = run("compare", fixture("cnn_ref_cpu.safetensors"), fixture("cnn_bug_deadrelu.safetensors"), "--tol", "conv2=0,1e9", "--quiet");
        assertThat(r.out()).contains("activations first diverge at bn2");
    }

    @Test
    void versionPrints() {
        Run r = run("--version");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("layerdiff ");
    }
}
