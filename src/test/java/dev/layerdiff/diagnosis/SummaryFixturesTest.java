package dev.layerdiff.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layerdiff.archive.Archive;
import dev.layerdiff.archive.Archives;
import dev.layerdiff.compare.CompareOptions;
import dev.layerdiff.engine.CpuBackend;
import dev.layerdiff.pipeline.Comparison;
import dev.layerdiff.stats.TensorSketch;
import dev.layerdiff.summary.SummaryFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Two runs compared through their summaries alone reach the verdicts and culprits of the comparison of
 * their values, on every pair of the diagnosis fixtures (real PyTorch runs with planted bugs and
 * precision noise, and the soundness fixtures), with one exception, stated and checked: where the values
 * show that a layer's excess is carried by mask flips (elements zero on one side only), which a summary
 * cannot see, the summary calls it a bug. A summary never misses a bug the values show.
 */
class SummaryFixturesTest {
    @TempDir
    static Path tmp;

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> cases() throws IOException {
        return DiagnosisFixturesTest.cases();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void summariesReachTheVerdictsOfTheValues(DiagnosisFixturesTest.Case c) throws IOException {
        Diagnosis full = DiagnosisFixturesTest.diagnose(c.reference(), c.candidate());
        Path ref = summary(c.reference()), cand = summary(c.candidate());
        Diagnosis estimated;
        try (CpuBackend cpu = new CpuBackend(); Comparison comparison = Comparison.open(ref, cand, CompareOptions.defaults(), cpu)) {
            estimated = comparison.diagnose();
        }
        for (Map.Entry<String, String> e : c.verdict().entrySet()) {
            GroupDiagnosis values = full.groups().get(DiagnosisFixturesTest.group(e.getKey()));
            GroupDiagnosis sketches = estimated.groups().get(DiagnosisFixturesTest.group(e.getKey()));
            if (values.verdict() == Verdict.BUG) assertThat(sketches.verdict()).as(c + ": " + e.getKey() + " bug").isEqualTo(Verdict.BUG);
            boolean flips = values.suspects().stream().anyMatch(s -> s.reason().contains("zero on one side only"));
            if (flips && sketches.verdict() == Verdict.BUG) continue; // the one difference: flips are not in a summary
            assertThat(sketches.verdict()).as(c + ": " + e.getKey() + " verdict").isEqualTo(values.verdict());
            assertThat(sketches.introducedAt()).as(c + ": " + e.getKey() + " introduced at").isEqualTo(values.introducedAt());
        }
        // Where the values localise a culprit by its error, its slices' sketches do too (a culprit localised
        // by where its NaN are is not: a sketch holds finite values, and a summary no per-slice NaN counts).
        boolean byNonfinite = full.groups().values().stream().flatMap(g -> g.suspects().stream())
                .anyMatch(s -> s.name().equals(c.localizedLayer()) && s.reason().contains("NaN or Inf"));
        if (c.localizedLayer() != null && !byNonfinite) {
            Localized fromValues = full.layers().get(c.localizedLayer()).localized();
            Localized fromSketches = estimated.layers().get(c.localizedLayer()).localized();
            assertThat(fromSketches).as(c + ": localisation").isNotNull();
            assertThat(fromSketches.dim()).isEqualTo(fromValues.dim());
            assertThat(fromSketches.indices()).as(c + ": localised indices").isEqualTo(fromValues.indices());
        }
    }

    private static Path summary(String name) throws IOException {
        Path out = tmp.resolve(name.replace('/', '_') + ".summary.safetensors");
        if (out.toFile().exists()) return out;
        try (CpuBackend cpu = new CpuBackend(); Archive a = Archives.open(DiagnosisFixturesTest.file(name))) {
            SummaryFile.write(out, a.path().toString(), TensorSketch.DEFAULT_BUCKETS, a.tensors(),
                    cpu.digest(a.tensors(), TensorSketch.DEFAULT_BUCKETS));
        }
        return out;
    }
}
