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
public class CliTest {
    @TempDir
    Path tmp;

    public record Run(int exit, String out, String err) {}

    public static Run run(String... args) {
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
                .startsWith("DIVERGED (bug): activations: bug introduced at conv2, in dim 1 indices 0-3 (the other 12 clean)");
        assertThat(r.out()).containsPattern("(?m)^conv2 +diverged .* introduced +<- first divergence")
                .containsPattern("(?m)^bn2 +diverged .* inherited *$")
                .contains("activations: bug, introduced at conv2");
    }

    /** A layer with no finite pair has no max_abs or cosine to show; NaN and Inf counts appear when not zero. */
    @Test
    void aLayerWithoutFinitePairsShowsDashesAndItsNonFiniteCounts() throws IOException {
        float nan = Float.NaN;
        Path ref = safetensors(tmp.resolve("r.safetensors"), new float[] {1, 2, 3, 4}, new float[] {nan, nan, nan, nan});
        Path cand = safetensors(tmp.resolve("c.safetensors"), new float[] {1, 2, 3, 4.5f},
                new float[] {nan, nan, Float.POSITIVE_INFINITY, nan});
        Run r = run("compare", ref.toString(), cand.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).containsPattern("(?m)^layer .* nan/inf ref\\|cand$")
                .containsPattern("(?m)^b +diverged +- +- +- +4/4 .* 4/0\\|3/1$")
                .containsPattern("(?m)^a +diverged .* 0/0\\|0/0  <- first divergence \\(activations\\)$")
                .contains("bug introduced at a, in element 3 of dim 0 (the other 3 clean)");
    }

    /** Finite values whose difference overflows a double are a result (overflow), not "no finite pair". */
    @Test
    void anOverflowingDifferenceIsToldApartFromNoFinitePair() throws IOException {
        String header = "{\"x\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]},"
                + "\"y\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[16,32]}}";
        Path ref = writeF64(tmp.resolve("r64.safetensors"), header, 1e308, 1, Double.NaN, Double.NaN);
        Path cand = writeF64(tmp.resolve("c64.safetensors"), header, -1e308, 1, Double.NaN, Double.NaN);
        Path json = tmp.resolve("o.json");
        run("compare", ref.toString(), cand.toString(), "--json", json.toString(), "--quiet");
        JsonNode layers = new ObjectMapper().readTree(json.toFile()).get("layers");
        JsonNode x = layers.get(0), y = layers.get(1);
        assertThat(x.get("finite_pairs").asLong()).isEqualTo(2);
        assertThat(x.get("max_abs").isNull()).isTrue();
        assertThat(x.get("overflow").asBoolean()).isTrue();
        assertThat(y.get("finite_pairs").asLong()).isZero();
        assertThat(y.get("max_abs").isNull()).isTrue();
        assertThat(y.has("overflow")).isFalse();
    }

    private static Path writeF64(Path file, String header, double... values) throws IOException {
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(8 + header.length() + 8 * values.length)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        buf.putLong(header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
        for (double v : values) buf.putDouble(v);
        return Files.write(file, buf.array());
    }

    /** Two float32 tensors "a" and "b" of four elements each. */
    private static Path safetensors(Path file, float[] a, float[] b) throws IOException {
        String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[16,32]}}";
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(8 + header.length() + 32).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        buf.putLong(header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
        for (float v : a) buf.putFloat(v);
        for (float v : b) buf.putFloat(v);
        return Files.write(file, buf.array());
    }

    /** compare checks the health of both sides too, from the statistics it already has. */
    @Test
    void compareShowsEachSidesHealth() throws IOException {
        Path json = tmp.resolve("h.json");
        Run r = run("compare", fixture("cnn_ref_cpu.safetensors"), fixture("cnn_bug_deadrelu.safetensors"),
                "--json", json.toString());
        assertThat(r.out()).contains("health of the candidate: dead_units at relu2: 6 of 16 indices of dim 1 (0-3, 12, 14)")
                .contains("health of the reference: dead_units at relu2: 3 of 16 indices of dim 1 (3, 12, 14)");
        JsonNode health = new ObjectMapper().readTree(json.toFile()).get("diagnosis").get("health");
        JsonNode dead = null;
        for (JsonNode f : health.get("candidate").get("findings")) {
            if (f.get("kind").asText().equals("dead_units") && f.get("layer").asText().equals("relu2")) dead = f;
        }
        assertThat(dead.get("indices")).hasSize(6);
        assertThat(health.get("reference").get("unread").asInt()).isZero();
    }

    @Test
    void withoutDiagnosisTheTableIsTheToleranceCheckAlone() {
        Run r = run("compare", fixture("cnn_ref_cpu.safetensors"), fixture("cnn_bug_deadrelu.safetensors"), "--no-diagnosis");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).doesNotContain("role").doesNotContain("introduced");
        assertThat(r.out().strip().lines().reduce((a, b) -> b).orElseThrow())
                .startsWith("DIVERGED: activations first diverge at conv2");
    }

    @Test
    void failOnBugLetsPrecisionNoisePass() {
        Run noise = run("compare", fixture("tf_ref_cpu.safetensors"), fixture("tf_gpu_bf16.safetensors"), "--fail-on", "bug", "--quiet");
        assertThat(noise.exit()).as(noise.out()).isZero();
        assertThat(noise.out()).startsWith("DIVERGED (noise only): ");
        Run bug = run("compare", fixture("tf_ref_cpu.safetensors"), fixture("tf_gpu_tf32_bug_lneps.safetensors"), "--fail-on", "bug", "--quiet");
        assertThat(bug.exit()).isEqualTo(1);
        assertThat(bug.out()).startsWith("DIVERGED (bug): activations: bug introduced at layers.1.norm2");
        Run plain = run("compare", fixture("tf_ref_cpu.safetensors"), fixture("tf_gpu_bf16.safetensors"), "--quiet");
        assertThat(plain.exit()).as("tolerance divergence stays the default failure").isEqualTo(1);
    }

    @Test
    void diagnosisOptionsAreCheckedInOneLine() {
        Run precision = run("compare", fixture("tf_ref_cpu.safetensors"), fixture("tf_ref_cpu.safetensors"), "--precision", "fp8");
        assertThat(precision.exit()).isEqualTo(2);
        assertThat(precision.err().strip()).isEqualTo("layerdiff: unknown precision 'fp8': use fp64, fp32, tf32, fp16 or bf16");
        Run failOn = run("compare", fixture("tf_ref_cpu.safetensors"), fixture("tf_ref_cpu.safetensors"), "--fail-on", "nan");
        assertThat(failOn.exit()).isEqualTo(2);
        assertThat(failOn.err().strip()).isEqualTo("layerdiff: --fail-on nan: use divergence or bug");
    }

    @Test
    void precisionRaisesTheFloorForARunStoredWiderThanItComputed() throws IOException {
        Path json = tmp.resolve("p.json");
        run("compare", fixture("tf_ref_cpu.safetensors"), fixture("tf_gpu_bf16.safetensors"), "--precision", "bf16",
                "--json", json.toString(), "--quiet");
        JsonNode d = new ObjectMapper().readTree(json.toFile()).get("diagnosis");
        assertThat(d.get("activations").get("noise_floor").asDouble()).isEqualTo(0x1p-8);
        assertThat(d.get("noise_floor_source").asText()).isEqualTo("--precision bf16");
        assertThat(d.get("activations").get("verdict").asText()).isEqualTo("noise");
    }

    /** A float64 capture of the same model and inputs (made by capture --dtype float64) as the referee. */
    @Test
    void refereeJudgesBothRunsAgainstAHigherPrecisionOne() throws IOException {
        String gold = fixture("cnn_gold_fp64.safetensors");
        Run noise = run("compare", fixture("cnn_ref_cpu.safetensors"), fixture("cnn_gpu_fp16.safetensors"), "--referee", gold, "--quiet");
        assertThat(noise.out()).startsWith("DIVERGED (noise only)");
        Path json = tmp.resolve("r.json");
        Run bug = run("compare", fixture("cnn_ref_cpu.safetensors"), fixture("cnn_gpu_fp16_bug_deadrelu.safetensors"),
                "--referee", gold, "--json", json.toString(), "--quiet");
        assertThat(bug.out()).startsWith("DIVERGED (bug): activations: bug introduced at conv2");
        JsonNode suspect = new ObjectMapper().readTree(json.toFile()).get("diagnosis").get("activations").get("suspects").get(0);
        assertThat(suspect.get("reason").asText()).contains("against the referee", "cnn_gold_fp64.safetensors");
        Run missing = run("compare", fixture("cnn_ref_cpu.safetensors"), fixture("cnn_gpu_fp16.safetensors"),
                "--referee", tmp.resolve("gold.safetensors").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("gold.safetensors: no such file");
    }

    @Test
    void jsonCarriesTheDiagnosis() throws IOException {
        Path json = tmp.resolve("d.json");
        run("compare", fixture("tf_ref_cpu.safetensors"), fixture("tf_bug_gradbatch.safetensors"), "--json", json.toString(), "--quiet");
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        JsonNode grads = root.get("diagnosis").get("gradients");
        assertThat(grads.get("verdict").asText()).isEqualTo("bug");
        assertThat(grads.get("introduced_at").asText()).isEqualTo("grad/layers.1.linear1");
        assertThat(grads.get("suspects").get(0).get("name").asText()).isEqualTo("grad/layers.1.linear1");
        assertThat(grads.get("suspects").get(0).get("reason").asText()).contains("batch elements 1, 2 of dim 0");
        assertThat(root.get("diagnosis").get("activations").get("verdict").asText()).isEqualTo("ok");
        assertThat(root.get("diagnosis").get("param_grads").isNull()).isTrue();
        JsonNode culprit = null;
        for (JsonNode l : root.get("layers")) if (l.get("name").asText().equals("grad/layers.1.linear1")) culprit = l;
        assertThat(culprit.get("role").asText()).isEqualTo("introduced");
        assertThat(culprit.get("relative_error").asDouble()).isGreaterThan(1);
        assertThat(culprit.get("localized").get("dim").asInt()).isZero();
        assertThat(culprit.get("localized").get("indices")).hasSize(2);
        JsonNode dim0 = culprit.get("slices").get("dim0");
        assertThat(dim0).hasSize(3);
        assertThat(dim0.get(0).get("relative_error").asDouble()).isZero();
        assertThat(dim0.get(1).get("mismatched").asLong()).isPositive();
        assertThat(culprit.get("slices").get("dim1")).hasSize(16);
    }

    @Test
    void identicalArchivesExitZero() {
        Run r = run("compare", fixture("tf_ref_cpu.safetensors"), fixture("tf_ref_cpu.safetensors"), "--quiet");
        assertThat(r.exit()).isZero();
        assertThat(r.out().strip()).startsWith("OK: all 35 layers within tolerance");
    }

    @Test
    void jsonReportFollowsTheSchema() throws IOException {
        Path json = Files.createDirectory(tmp.resolve("sub")).resolve("report.json");
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
    void htmlPageCarriesTheVerdictAndTheCulpritsImage() throws IOException {
        Path html = Files.createDirectory(tmp.resolve("pages")).resolve("report.html");
        Run r = run("compare", fixture("cnn_ref_cpu.safetensors"), fixture("cnn_bug_deadrelu.safetensors"), "--html",
                html.toString(), "--quiet");
        assertThat(r.exit()).isEqualTo(1);
        String page = Files.readString(html, StandardCharsets.UTF_8);
        JsonNode data = new ObjectMapper().readTree(page.replaceFirst(
                "(?s).*<script type=\"application/json\" id=\"layerdiff-data\">(.*?)</script>.*", "$1"));
        assertThat(data.path("verdictLine").asText()).isEqualTo(r.out().strip());
        List<String> names = new ArrayList<>();
        data.path("layers").path("name").forEach(n -> names.add(n.asText()));
        int conv2 = names.indexOf("conv2");
        assertThat(data.path("groups").get(0).path("introducedAt").asInt()).isEqualTo(conv2);
        assertThat(data.path("images").has(Integer.toString(conv2))).isTrue();
        assertThat(data.path("images").has(Integer.toString(names.indexOf("conv1")))).as("within tolerance").isFalse();
        assertThat(data.path("images").size() + data.path("imagesLeftOut").asInt()).isEqualTo(22);
    }

    @Test
    void helpOfBothComparingCommandsOffersTheHtmlPage() {
        assertThat(run("compare", "--help").out()).contains("--html=FILE");
        assertThat(run("compare-model", "--help").out()).contains("--html=FILE");
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
