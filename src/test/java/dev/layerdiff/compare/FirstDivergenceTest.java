package dev.layerdiff.compare;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layerdiff.Fixtures;
import dev.layerdiff.archive.Archive;
import dev.layerdiff.archive.Archives;
import dev.layerdiff.engine.CpuBackend;
import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every planted bug of the fixtures (truth.json, made by PyTorch on an H100) is found at its layer, in
 * every format the pair was saved in, with the default (torch.testing) tolerances.
 */
class FirstDivergenceTest {

    static Stream<Arguments> plantedBugs() {
        return Stream.of(
                bug("cnn_ref_cpu", "cnn_bug_trainmode", "bn1", "pt", "npz", "safetensors"),
                bug("cnn_ref_cpu", "cnn_bug_scale255", "conv1", "npz", "safetensors"),
                bug("cnn_ref_cpu", "cnn_bug_deadrelu", "conv2", "safetensors"),
                bug("tf_ref_cpu", "tf_bug_tokenizer", "embed", "pt", "safetensors"),
                bug("tf_ref_cpu", "tf_bug_lneps", "layers.1.norm2", "pt", "npz", "safetensors"))
                .flatMap(s -> s);
    }

    private static Stream<Arguments> bug(String ref, String cand, String layer, String... formats) {
        return Stream.of(formats).map(f -> Arguments.of(ref + "." + f, cand + "." + f, layer));
    }

    @ParameterizedTest(name = "{1} first diverges at {2}")
    @MethodSource("plantedBugs")
    void findsThePlantedLayer(String ref, String cand, String layer) throws IOException {
        Report report = compare(ref, cand);
        String expected = ref.endsWith(".pt") ? "activations/" + layer : layer;
        assertThat(report.firstDivergence().get(Group.ACTIVATIONS)).isNotNull()
                .extracting(LayerReport::name).isEqualTo(expected);
        assertThat(report.exitCode()).isEqualTo(Report.EXIT_DIVERGED);
        // Everything the forward pass computed before the bug is bit-identical on the CPU.
        for (LayerReport l : report.layers()) {
            if (l.group() != Group.ACTIVATIONS) continue;
            if (l.name().equals(expected)) break;
            assertThat(l.status()).as(l.name()).isEqualTo(Status.OK);
            assertThat(l.metrics().maxAbs()).as(l.name()).isZero();
        }
    }

    @ParameterizedTest(name = "{0}: gradients first diverge at {1}")
    @org.junit.jupiter.params.provider.CsvSource({
            "safetensors, grad/layers.1.linear1",
            "pt, gradients/layers.1.linear1"})
    void gradientBugIsFoundWalkingBackwardFromTheOutput(String format, String expected) throws IOException {
        Report report = compare("tf_ref_cpu." + format, "tf_bug_gradbatch." + format);
        assertThat(report.firstDivergence().get(Group.ACTIVATIONS)).isNull();
        assertThat(report.firstDivergence().get(Group.GRADIENTS)).extracting(LayerReport::name).isEqualTo(expected);
        if (format.equals("pt")) {
            // Parameter gradients upstream of the corrupted gradient are wrong too; the walk starts at the head.
            assertThat(report.firstDivergence().get(Group.PARAM_GRADS)).isNotNull();
        }
    }

    @ParameterizedTest(name = "{0} against itself")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"cnn_ref_cpu.safetensors", "cnn_ref_cpu.pt", "tf_ref_cpu.npz", "tf_ref_cpu"})
    void identicalArchivesPass(String archive) throws IOException {
        Report report = compare(archive, archive);
        assertThat(report.passed()).isTrue();
        assertThat(report.exitCode()).isZero();
        assertThat(report.layers()).allSatisfy(l -> assertThat(l.metrics().maxAbs()).isZero());
    }

    @org.junit.jupiter.api.Test
    void theSameDumpInTwoFormatsPairsByName() throws IOException {
        Report report = compare("cnn_ref_cpu", "cnn_ref_cpu.npz");
        assertThat(report.passed()).isTrue();
        assertThat(report.layers()).hasSize(13);
    }

    @org.junit.jupiter.api.Test
    void unpairedTensorsAreReportedAndFail() throws IOException {
        // The safetensors dump also holds gradients, which the npz dump lacks.
        Report report = compare("cnn_ref_cpu.safetensors", "cnn_ref_cpu.npz");
        assertThat(report.count(Status.ONLY_IN_REFERENCE)).isEqualTo(12);
        assertThat(report.count(Status.OK)).isEqualTo(13);
        assertThat(report.exitCode()).isEqualTo(Report.EXIT_DIVERGED);
    }

    @org.junit.jupiter.api.Test
    void mapRulesPairTorchSaveNamesWithSafetensorsNames() throws IOException {
        CompareOptions options = CompareOptions.builder().mappings(java.util.List.of(
                NameMapping.parse("^activations/="), NameMapping.parse("^gradients/=grad/"),
                NameMapping.parse("^param_grads/.*=ignored/$0"))).build();
        Report report = compare("cnn_ref_cpu.safetensors", "cnn_bug_trainmode.pt", options);
        assertThat(report.firstDivergence().get(Group.ACTIVATIONS)).extracting(LayerReport::name).isEqualTo("bn1");
        assertThat(report.count(Status.ONLY_IN_REFERENCE)).isZero();
        assertThat(report.layers()).filteredOn(l -> l.name().equals("bn1")).singleElement()
                .extracting(LayerReport::candidateName).isEqualTo("activations/bn1");
    }

    static Report compare(String ref, String cand) throws IOException {
        return compare(ref, cand, CompareOptions.defaults());
    }

    static Report compare(String ref, String cand, CompareOptions options) throws IOException {
        try (Archive r = Archives.open(Fixtures.path(ref)); Archive c = Archives.open(Fixtures.path(cand))) {
            return new LayerDiff(new CpuBackend()).compare(r, c, options);
        }
    }
}
