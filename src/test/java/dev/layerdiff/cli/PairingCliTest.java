package dev.layerdiff.cli;

import static dev.layerdiff.cli.CliTest.fixture;
import static dev.layerdiff.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.layerdiff.archive.Archive;
import dev.layerdiff.archive.Archives;
import dev.layerdiff.archive.safetensors.SafetensorsWriter;
import dev.layerdiff.cli.CliTest.Run;
import dev.layerdiff.tensor.TensorEntry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How compare pairs what users have: single tensors, dump layouts, --skip, --allow-unpaired, --match order, the hint. */
class PairingCliTest {
    @TempDir
    Path tmp;

    private static final long[][] SHAPES = {{2, 4, 3, 3}, {2, 4, 3, 3}, {2, 8, 2, 2}, {2, 5}};
    private static final String[] LAYERS = {"conv1", "relu1", "conv2", "fc"};

    /** A dump of four activations and their gradients, each name given a prefix. */
    private Path dump(String file, String prefix) throws IOException {
        Dumps d = new Dumps();
        for (int i = 0; i < LAYERS.length; i++) d.tensor(prefix + LAYERS[i], i, SHAPES[i]);
        for (int i = 0; i < LAYERS.length; i++) d.tensor("grad/" + prefix + LAYERS[i], 10 + i, SHAPES[i]);
        return d.write(tmp.resolve(file));
    }

    private static JsonNode json(Path file) throws IOException {
        return new ObjectMapper().readTree(file.toFile());
    }

    private static JsonNode layer(JsonNode root, String name) {
        for (JsonNode l : root.get("layers")) if (l.get("name").asText().equals(name)) return l;
        throw new AssertionError("no layer " + name);
    }

    @Test
    void twoSingleTensorFilesPairWhateverTheirNames() throws IOException {
        float[] ref = Dumps.values(1, 24);
        float[] cand = ref.clone();
        cand[23] += 0.5f;
        Path cpu = Dumps.npy(tmp.resolve("out_cpu.npy"), "<f4", ref, 2, 3, 4);
        Path gpu = Dumps.npy(tmp.resolve("out_gpu.npy"), "<f4", cand, 2, 3, 4);
        Path json = tmp.resolve("r.json");
        Run r = run("compare", cpu.toString(), gpu.toString(), "--json", json.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).containsPattern("(?m)^out_cpu ~ out_gpu +diverged ")
                .contains("paired the only tensor of each side: out_cpu ~ out_gpu")
                .doesNotContain("only_in");
        assertThat(r.out().strip().lines().reduce((a, b) -> b).orElseThrow()).contains("at out_cpu ~ out_gpu");
        JsonNode l = layer(json(json), "out_cpu");
        assertThat(l.get("candidate_name").asText()).isEqualTo("out_gpu");
        assertThat(l.get("paired_by").asText()).isEqualTo("single");

        Path a = new Dumps().tensor("x", 1, 2, 3).write(tmp.resolve("a.safetensors"));
        Path b = new Dumps().tensor("y", 1, 2, 3).write(tmp.resolve("b.safetensors"));
        assertThat(run("compare", a.toString(), b.toString(), "--quiet").exit()).isZero();
        Path two = new Dumps().tensor("y", 1, 2, 3).tensor("z", 2, 2, 3).write(tmp.resolve("two.safetensors"));
        assertThat(run("compare", a.toString(), two.toString(), "--quiet").out())
                .as("one tensor against two is not a single pair").startsWith("UNPAIRED: 1 only in reference; 2 only in candidate");
    }

    /** cnn_ref_cpu.pt nests activations/, gradients/ and param_grads/; the safetensors dump of the same run is flat. */
    @Test
    void aTorchSaveDumpPairsWithAFlatSafetensorsDumpByDefault() throws IOException {
        Path json = tmp.resolve("r.json");
        Run r = run("compare", fixture("cnn_ref_cpu.pt"), fixture("cnn_bug_deadrelu.safetensors"), "--json", json.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).containsPattern("(?m)^activations/conv2 +diverged .*<- first divergence \\(activations\\)$")
                .containsPattern("(?m)^gradients/fc +diverged .*<- first divergence \\(gradients\\)$")
                .contains("paired across dump layouts: 25 layers (e.g. activations/conv1 ~ conv1)")
                .doesNotContain("only_in_candidate");
        JsonNode root = json(json);
        assertThat(root.get("summary").get("only_in_reference").asInt()).as("the parameter gradients").isEqualTo(14);
        JsonNode grad = layer(root, "gradients/conv1");
        assertThat(grad.get("candidate_name").asText()).isEqualTo("grad/conv1");
        assertThat(grad.get("paired_by").asText()).isEqualTo("layout");
        assertThat(grad.get("group").asText()).isEqualTo("gradients");
        assertThat(layer(root, "activations/conv1").get("paired_by").asText()).isEqualTo("layout");
    }

    @Test
    void skipLeavesTensorsOutOfPairingAndReportOnEitherSide() throws IOException {
        Run r = run("compare", fixture("cnn_ref_cpu.pt"), fixture("cnn_ref_cpu.safetensors"), "--skip", "param_grads/*");
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).doesNotContain("param_grads").contains("OK: all 25 layers within tolerance");
        Path ref = dump("ref.safetensors", "");
        Path cand = new Dumps().tensor("conv1", 0, SHAPES[0]).tensor("extra.dropout", 3, 7).write(tmp.resolve("c.safetensors"));
        Run skipped = run("compare", ref.toString(), cand.toString(), "--skip", "*dropout", "--skip", "relu1", "--skip", "conv2",
                "--skip", "fc", "--skip", "grad/*", "--quiet");
        assertThat(skipped.exit()).as(skipped.out()).isZero();
        assertThat(skipped.out()).startsWith("OK: all 1 layers within tolerance");
    }

    @Test
    void allowUnpairedReportsThemWithoutFailing() throws IOException {
        Path json = tmp.resolve("r.json");
        Run r = run("compare", fixture("cnn_ref_cpu.pt"), fixture("cnn_ref_cpu.safetensors"), "--allow-unpaired",
                "--json", json.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).containsPattern("(?m)^param_grads/fc\\.bias +only_in_reference ");
        assertThat(r.out().strip().lines().reduce((a, b) -> b).orElseThrow())
                .matches("OK: all 25 layers within tolerance \\(cpu-[a-z]+\\); 14 only in reference \\(allowed\\)");
        JsonNode root = json(json);
        assertThat(root.get("exit_code").asInt()).isZero();
        assertThat(root.get("verdict").asText()).isEqualTo("ok");
        assertThat(root.get("unpaired_allowed").asBoolean()).isTrue();

        Run diverged = run("compare", fixture("cnn_ref_cpu.pt"), fixture("cnn_bug_deadrelu.safetensors"), "--allow-unpaired", "--quiet");
        assertThat(diverged.exit()).as("a divergence still fails").isEqualTo(1);

        // --fail-on bug: noise alone passes, and unpaired layers fail only without --allow-unpaired.
        Run noise = run("compare", fixture("tf_ref_cpu.pt"), fixture("tf_gpu_bf16.safetensors"), "--fail-on", "bug", "--quiet");
        assertThat(noise.exit()).as(noise.out()).isEqualTo(1);
        Run allowed = run("compare", fixture("tf_ref_cpu.pt"), fixture("tf_gpu_bf16.safetensors"), "--fail-on", "bug",
                "--allow-unpaired", "--quiet");
        assertThat(allowed.exit()).as(allowed.out()).isZero();
        assertThat(allowed.out()).startsWith("DIVERGED (noise only): ").contains("only in reference (allowed)");
    }

    @Test
    void matchOrderPairsByPositionAndShapeAndSaysWhichPairsItMade() throws IOException {
        Path ref = dump("ref.safetensors", "");
        // A port: other names, and one layer the reference does not have, which must shift nothing after it.
        String[] port = {"Conv_0", "Relu_0", "Conv_1", "Dense_0"};
        Dumps d = new Dumps();
        for (int i = 0; i < 2; i++) d.tensor(port[i], i, SHAPES[i]);
        d.tensor("Dropout_0", 9, 2, 4, 6);
        for (int i = 2; i < 4; i++) d.tensor(port[i], i, SHAPES[i]);
        for (int i = 0; i < 4; i++) d.tensor("grad/" + port[i], 10 + i, SHAPES[i]);
        Path cand = d.write(tmp.resolve("port.safetensors"));

        Run byName = run("compare", ref.toString(), cand.toString());
        assertThat(byName.out()).startsWith("layer").contains("UNPAIRED: 8 only in reference; 9 only in candidate");
        assertThat(byName.err()).contains("layerdiff: hint: only 0 of 8 reference and 9 candidate tensors paired; --match order would pair 8");

        Path json = tmp.resolve("r.json");
        Run r = run("compare", ref.toString(), cand.toString(), "--match", "order", "--json", json.toString());
        assertThat(r.out()).containsPattern("(?m)^conv2 ~ Conv_1 +ok ")
                .containsPattern("(?m)^grad/fc ~ grad/Dense_0 +ok ")
                .containsPattern("(?m)^Dropout_0 +only_in_candidate ")
                .contains("paired by position and shape (--match order): 8 layers, shown as REFERENCE ~ CANDIDATE");
        assertThat(r.exit()).as("the extra layer is unpaired").isEqualTo(1);
        JsonNode l = layer(json(json), "fc");
        assertThat(l.get("candidate_name").asText()).isEqualTo("Dense_0");
        assertThat(l.get("paired_by").asText()).isEqualTo("order");
        assertThat(run("compare", ref.toString(), cand.toString(), "--match", "order", "--allow-unpaired", "--quiet").exit()).isZero();

        Run bad = run("compare", ref.toString(), cand.toString(), "--match", "shape");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err().strip()).isEqualTo("layerdiff: --match shape: use name or order");
    }

    @Test
    void whenLittlePairsAHintGivesTheMapThatPairsMore() throws IOException {
        Path ref = dump("ref.safetensors", "");
        Path wrapped = dump("ddp.safetensors", "module."); // DataParallel's prefix, also inside grad/
        Run r = run("compare", ref.toString(), wrapped.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo(
                "layerdiff: hint: only 0 of 8 reference and 8 candidate tensors paired; --map 'module\\.=' would pair 8");
        Run mapped = run("compare", ref.toString(), wrapped.toString(), "--map", "module\\.=", "--quiet");
        assertThat(mapped.exit()).as("the hint's map works as printed").isZero();

        // Across layouts too: the torch.save dump's containers are set aside, the prefix is what is left.
        Path prefixed = tmp.resolve("model.safetensors");
        try (Archive flat = Archives.open(Path.of(fixture("cnn_ref_cpu.safetensors")))) {
            SafetensorsWriter w = new SafetensorsWriter();
            for (TensorEntry t : flat.tensors()) w.add(t.name().replace("grad/", "grad/model.").replaceFirst("^(?!grad/)", "model."),
                    t.dtype(), t.shape(), t.byteOrder(), t.data());
            w.write(prefixed);
        }
        Run nested = run("compare", fixture("cnn_ref_cpu.pt"), prefixed.toString());
        assertThat(nested.err().strip()).isEqualTo(
                "layerdiff: hint: only 0 of 39 reference and 25 candidate tensors paired; --map 'model\\.=' would pair 25");

        Run enough = run("compare", ref.toString(), ref.toString());
        assertThat(enough.err()).isEmpty();
        List<String> quiet = new ArrayList<>(List.of("compare", ref.toString(), wrapped.toString(), "--quiet"));
        assertThat(run(quiet.toArray(String[]::new)).err()).as("--quiet prints the verdict only").isEmpty();
    }
}
