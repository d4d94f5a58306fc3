package dev.layerdiff.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.layerdiff.Fixtures;
import dev.layerdiff.archive.Archive;
import dev.layerdiff.archive.Archives;
import dev.layerdiff.compare.CompareOptions;
import dev.layerdiff.compare.Group;
import dev.layerdiff.compare.LayerDiff;
import dev.layerdiff.compare.PairingPlan;
import dev.layerdiff.compare.Report;
import dev.layerdiff.engine.CompareBackend;
import dev.layerdiff.engine.CpuBackend;
import dev.layerdiff.engine.CpuKernels;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The diagnosis on real runs made by PyTorch with planted bugs and precision noise (the table
 * of pairs, and every case of the diagnosis fixtures' truth.json), with default options: the verdict
 * and introducing layer of each named group, and the localisation where one is named.
 */
class DiagnosisFixturesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A case: what each named group must show. Groups not named are not judged. */
    record Case(String reference, String candidate, Map<String, String> verdict, Map<String, String> introducedAt,
                String localizedLayer, Integer localizedDim, List<Integer> localizedIndices) {
        @Override
        public String toString() { return reference + " ~ " + candidate; }
    }

    static Stream<Arguments> cases() throws IOException {
        List<Case> cases = new ArrayList<>(List.of(
                new Case("fixtures/cnn_ref_cpu", "fixtures/cnn_bug_deadrelu", Map.of("activations", "bug"),
                        Map.of("activations", "conv2"), "conv2", 1, List.of(0, 1, 2, 3)),
                new Case("fixtures/cnn_ref_cpu", "fixtures/cnn_bug_scale255", Map.of("activations", "bug"),
                        Map.of("activations", "conv1"), null, null, null),
                new Case("fixtures/cnn_ref_cpu", "fixtures/cnn_bug_trainmode", Map.of("activations", "bug"),
                        Map.of("activations", "bn1"), null, null, null),
                new Case("fixtures/cnn_ref_cpu", "fixtures/cnn_gpu_fp16", Map.of("activations", "noise", "gradients", "noise"),
                        Map.of(), null, null, null),
                new Case("fixtures/cnn_ref_cpu", "fixtures/cnn_gpu_tf32", Map.of("activations", "noise", "gradients", "noise"),
                        Map.of(), null, null, null),
                new Case("fixtures/cnn_ref_cpu", "fixtures/cnn_ref_cpu", Map.of("activations", "ok", "gradients", "ok"),
                        Map.of(), null, null, null),
                new Case("fixtures/tf_ref_cpu", "fixtures/tf_bug_gradbatch", Map.of("activations", "ok", "gradients", "bug"),
                        Map.of("gradients", "grad/layers.1.linear1"), "grad/layers.1.linear1", 0, List.of(1, 2)),
                new Case("fixtures/tf_ref_cpu", "fixtures/tf_bug_lneps", Map.of("activations", "bug"),
                        Map.of("activations", "layers.1.norm2"), null, null, null),
                new Case("fixtures/tf_ref_cpu", "fixtures/tf_bug_tokenizer", Map.of("activations", "bug"),
                        Map.of("activations", "embed"), "embed", 1, List.of(5)),
                new Case("fixtures/tf_ref_cpu", "fixtures/tf_gpu_tf32", Map.of("activations", "noise", "gradients", "noise"),
                        Map.of(), null, null, null),
                new Case("fixtures/tf_ref_cpu", "fixtures/tf_gpu_bf16", Map.of("activations", "noise", "gradients", "noise"),
                        Map.of(), null, null, null),
                new Case("fixtures/cnn_ref_cpu", "fixtures/cnn_gpu_fp16_bug_deadrelu", Map.of("activations", "bug"),
                        Map.of("activations", "conv2"), "conv2", 1, List.of(0, 1, 2, 3)),
                new Case("fixtures/tf_ref_cpu", "fixtures/tf_gpu_tf32_bug_lneps", Map.of("activations", "bug"),
                        Map.of("activations", "layers.1.norm2"), null, null, null)));
        cases.addAll(truthCases("diagnosis"));
        cases.addAll(truthCases("soundness"));
        return cases.stream().map(Arguments::of);
    }

    /**
     * The cases of a folder's truth.json, read as that file states them: the diagnosis fixtures', and
     * the soundness fixtures' (tools/make_soundness_fixtures.py: sparse bugs under an exact upstream,
     * a gradient-only bug under a bit-identical forward pass, mixed dtypes, NaN in one batch element,
     * and their noise-only twins).
     */
    private static List<Case> truthCases(String folder) throws IOException {
        JsonNode truth;
        try (InputStream in = DiagnosisFixturesTest.class.getResourceAsStream("/" + folder + "/truth.json")) {
            truth = JSON.readTree(in);
        }
        List<Case> cases = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = truth.get("cases").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String[] pair = e.getKey().split("~");
            JsonNode c = e.getValue();
            Map<String, String> verdict = JSON.convertValue(c.get("verdict"), Map.class);
            Map<String, String> at = c.has("introduced_at") ? JSON.convertValue(c.get("introduced_at"), Map.class) : Map.of();
            JsonNode s = c.get("slices");
            cases.add(new Case(folder + "/" + pair[0], folder + "/" + pair[1], verdict, at,
                    s == null ? null : s.get("layer").asText(), s == null ? null : s.get("dim").asInt(),
                    s == null ? null : JSON.convertValue(s.get("indices"), List.class)));
        }
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void verdictIntroducingLayerAndLocalisation(Case c) throws IOException {
        Diagnosis d = diagnose(c.reference(), c.candidate());
        for (Map.Entry<String, String> e : c.verdict().entrySet()) {
            GroupDiagnosis g = d.groups().get(group(e.getKey()));
            assertThat(g.verdict().jsonName()).as(e.getKey() + " verdict").isEqualTo(e.getValue());
            assertThat(g.introducedAt()).as(e.getKey() + " introduced at").isEqualTo(c.introducedAt().get(e.getKey()));
        }
        if (c.localizedLayer() != null) {
            Localized where = d.layers().get(c.localizedLayer()).localized();
            assertThat(where).as("localisation of " + c.localizedLayer()).isNotNull();
            assertThat(where.dim()).isEqualTo(c.localizedDim());
            assertThat(where.indices()).containsExactlyElementsOf(c.localizedIndices());
        }
    }

    /**
     * A run whose ReLU masks really flip (fp16 on a GPU): grad/bn1 is over its budget, and what carries
     * the excess is elements zero on one side only, flipped by the forward pass's differences; the sparse
     * bugs beside it are called bugs because nothing upstream could flip theirs.
     */
    @org.junit.jupiter.api.Test
    void maskFlipsAreNoiseOnlyWithACause() throws IOException {
        Diagnosis fp16 = diagnose("fixtures/cnn_ref_cpu", "fixtures/cnn_gpu_fp16");
        LayerDiagnosis bn1 = fp16.layers().get("grad/bn1");
        assertThat(bn1.score()).isGreaterThan(1);
        assertThat(bn1.role()).isEqualTo(Role.NOISE);
        assertThat(java.util.Arrays.stream(bn1.slices().get(0).flips()).sum()).isPositive();
        assertThat(fp16.groups().get(Group.GRADIENTS).suspects().get(0).reason())
                .contains("zero on one side only").contains("flipped by the forward pass's differences");
        Diagnosis pad = diagnose("soundness/pad128_ref", "soundness/pad128_reflect");
        assertThat(pad.groups().get(Group.ACTIVATIONS).suspects().get(0).reason())
                .contains("not mask flips: its upstream is exact, so no mask could flip");
        Diagnosis gelu = diagnose("soundness/gelu_ref", "soundness/gelu_tanhgrad");
        assertThat(gelu.source()).contains("the forward pass is bit-identical");
        assertThat(gelu.layers().get("grad/fc2").noiseFloor()).isEqualTo(0x1p-24);
        Diagnosis mixed = diagnose("soundness/mixed_ref", "soundness/mixed_logits");
        assertThat(mixed.layers().get("logits").noiseFloor()).isEqualTo(0x1p-24);
        assertThat(mixed.layers().get("probs").noiseFloor()).isEqualTo(0x1p-11);
        assertThat(mixed.source()).contains("u = 4.883e-04 for probs, from the dumps' dtypes (fp16)");
    }

    static Diagnosis diagnose(String reference, String candidate) throws IOException {
        CompareBackend backend = new CpuBackend(CpuKernels.scalar(), 2, 1 << 16);
        CompareOptions options = CompareOptions.defaults();
        try (Archive ref = Archives.open(file(reference)); Archive cand = Archives.open(file(candidate))) {
            PairingPlan plan = LayerDiff.plan(ref, cand, options);
            Report report = new LayerDiff(backend).run(plan, ref, cand, options, null);
            return new Diagnoser(null, SliceSource.of(backend, plan, ref, cand, options)).diagnose(report);
        }
    }

    static Path file(String name) {
        return name.startsWith("fixtures/") ? Fixtures.path(name.substring("fixtures/".length()) + ".safetensors")
                : Fixtures.resource("/" + name + ".safetensors");
    }

    static Group group(String json) {
        for (Group g : Group.values()) if (g.jsonName().equals(json)) return g;
        throw new IllegalArgumentException(json);
    }
}
