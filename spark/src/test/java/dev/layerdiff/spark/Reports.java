package dev.layerdiff.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.layerdiff.engine.CompareBackend;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Report equality as the engine promises it across backends: counts, extremes, indices, names, verdicts
 * and structure exactly; quantities made of sums within {@link CompareBackend#SUM_RELATIVE_TOLERANCE}.
 */
final class Reports {
    /** Fields derived from sums (means, norms), whose last bits depend on the order of additions. */
    private static final Set<String> SUMS = Set.of("mean_abs", "rmse", "cosine", "sqnr_db", "mean", "std",
            "relative_error", "error_units", "introduced_score", "score");

    private Reports() {}

    static void assertSameReport(JsonNode actual, JsonNode expected) {
        compare("$", null, actual, expected);
    }

    private static void compare(String where, String field, JsonNode a, JsonNode e) {
        if (e.isObject()) {
            assertThat(a.isObject()).as(where).isTrue();
            assertThat(fieldNames(a)).as(where).isEqualTo(fieldNames(e));
            for (Iterator<Map.Entry<String, JsonNode>> it = e.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                compare(where + "." + f.getKey(), f.getKey(), a.get(f.getKey()), f.getValue());
            }
        } else if (e.isArray()) {
            assertThat(a.isArray()).as(where).isTrue();
            assertThat(a.size()).as(where + " length").isEqualTo(e.size());
            for (int i = 0; i < e.size(); i++) compare(where + "[" + i + "]", field, a.get(i), e.get(i));
        } else if (e.isFloatingPointNumber() && SUMS.contains(field)) {
            assertThat(a.isNumber()).as(where).isTrue();
            double tolerance = CompareBackend.SUM_RELATIVE_TOLERANCE * Math.max(1e-300, Math.abs(e.asDouble()));
            assertThat(a.asDouble()).as(where).isCloseTo(e.asDouble(), within(tolerance));
        } else {
            assertThat(a).as(where).isEqualTo(e);
        }
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> names = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
