package dev.layerdiff.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.layerdiff.Fixtures;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The engine's metrics equal the float64 statistics that torch computed independently when the fixtures
 * were made (truth.json, {@code reference_stats_float64}; "a" is the reference, "b" the candidate).
 */
class ReferenceMetricsTest {

    @ParameterizedTest
    @ValueSource(strings = {"cnn_ref_cpu~cnn_bug_trainmode", "tf_ref_cpu~tf_bug_lneps"})
    void metricsMatchTorchFloat64(String pair) throws IOException {
        JsonNode truth = new ObjectMapper().readTree(Fixtures.path("truth.json").toFile())
                .get("reference_stats_float64").get(pair);
        String[] sides = pair.split("~");
        Report report = FirstDivergenceTest.compare(sides[0] + ".safetensors", sides[1] + ".safetensors");
        // truth.json records torch.allclose(rtol=1e-5, atol=1e-8) per layer.
        Report allclose = FirstDivergenceTest.compare(sides[0] + ".safetensors", sides[1] + ".safetensors",
                CompareOptions.builder().rtol(1e-5).atol(1e-8).build());
        int checked = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = truth.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode t = e.getValue();
            LayerReport l = report.layers().stream().filter(x -> x.name().equals(e.getKey())).findFirst().orElseThrow();
            long n = t.get("numel").asLong();
            assertThat(l.numel()).isEqualTo(n);
            // max_abs, min and max are exact; sums agree to double rounding.
            assertThat(l.metrics().maxAbs()).as(l.name() + " max_abs").isEqualTo(t.get("max_abs").asDouble());
            assertThat(l.referenceStats().min()).as(l.name() + " min").isEqualTo(t.get("a_min").asDouble());
            assertThat(l.referenceStats().max()).as(l.name() + " max").isEqualTo(t.get("a_max").asDouble());
            assertThat(l.metrics().meanAbs()).as(l.name() + " mean_abs").isCloseTo(t.get("mean_abs").asDouble(), rel(t.get("mean_abs")));
            assertThat(l.metrics().cosine()).as(l.name() + " cosine").isCloseTo(t.get("cosine").asDouble(), within(1e-12));
            assertThat(l.referenceStats().mean()).as(l.name() + " mean").isCloseTo(t.get("a_mean").asDouble(), within(1e-12));
            // torch's std divides by N-1; layerdiff reports the population std (divide by N).
            double populationStd = t.get("a_std").asDouble() * Math.sqrt((n - 1.0) / n);
            assertThat(l.referenceStats().std()).as(l.name() + " std").isCloseTo(populationStd, within(1e-9 * populationStd + 1e-15));
            assertThat(l.referenceStats().zeroFraction()).as(l.name() + " zero_fraction").isEqualTo(t.get("a_zero_frac").asDouble());
            LayerReport strict = allclose.layers().get(report.layers().indexOf(l));
            assertThat(strict.status() == Status.OK).as(l.name() + " allclose")
                    .isEqualTo(t.get("allclose_1e-5_1e-8").asBoolean());
            checked++;
        }
        assertThat(checked).isGreaterThan(10);
    }

    private static Offset<Double> rel(JsonNode expected) {
        return within(1e-12 * Math.abs(expected.asDouble()) + 1e-300);
    }
}
