package dev.layerdiff.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.layerdiff.Fixtures;
import dev.layerdiff.archive.Archive;
import dev.layerdiff.archive.Archives;
import dev.layerdiff.engine.CpuBackend;
import dev.layerdiff.report.JsonReport;
import dev.layerdiff.stats.PairResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A report assembled from results computed elsewhere is the report {@code run} makes. */
class AssembleTest {

    @Test
    void resultsComputedApartAssembleToTheSameReport() throws IOException {
        CpuBackend backend = new CpuBackend();
        LayerDiff diff = new LayerDiff(backend);
        CompareOptions options = CompareOptions.builder().mappings(List.of(NameMapping.parse("^activations/="))).build();
        try (Archive ref = Archives.open(Fixtures.path("cnn_ref_cpu.safetensors"));
             Archive cand = Archives.open(Fixtures.path("cnn_bug_trainmode.pt"))) {
            PairingPlan plan = LayerDiff.plan(ref, cand, options);
            List<PairResult> results = backend.compare(LayerDiff.tasks(plan.compared(), ref, cand, options));
            assertThat(json(diff.assemble(plan, ref, cand, results))).isEqualTo(json(diff.run(plan, ref, cand, options, null)));
            assertThat(plan.pairs().size()).isGreaterThan(plan.compared().size()); // unpaired layers too

            assertThatThrownBy(() -> diff.assemble(plan, ref, cand, results.subList(1, results.size())))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("results for a plan of");
        }
    }

    private static String json(Report report) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonReport.write(report, out);
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }
}
