package dev.layerdiff.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layerdiff.stats.DiffMetrics;
import dev.layerdiff.stats.SideStats;

/** Exact-where-required, tolerant-where-allowed comparisons of results. */
final class Assertions2 {
    private Assertions2() {}

    /**
     * Sums agree within {@link CompareBackend#SUM_RELATIVE_TOLERANCE} relative to their magnitude; a
     * signed sum that cancels to near zero is compared against {@code scale} (the sum of magnitudes).
     */
    static void assertClose(String what, double expected, double actual, double scale) {
        if (Double.isNaN(expected) || Double.isInfinite(expected)) {
            assertExact(what, expected, actual);
            return;
        }
        double tol = CompareBackend.SUM_RELATIVE_TOLERANCE * Math.max(Math.abs(expected), scale) + 1e-300;
        assertThat(Math.abs(actual - expected)).as(what + ": expected " + expected + " got " + actual).isLessThanOrEqualTo(tol);
    }

    static void assertStats(String what, SideStats e, SideStats a) {
        assertThat(a.count()).as(what + " count").isEqualTo(e.count());
        assertThat(a.finite()).as(what + " finite").isEqualTo(e.finite());
        assertThat(a.nan()).as(what + " nan").isEqualTo(e.nan());
        assertThat(a.posInf()).as(what + " +inf").isEqualTo(e.posInf());
        assertThat(a.negInf()).as(what + " -inf").isEqualTo(e.negInf());
        assertExact(what + " min", e.min(), a.min());
        assertExact(what + " max", e.max(), a.max());
        assertExact(what + " zeroFraction", e.zeroFraction(), a.zeroFraction());
        double scale = Double.isNaN(e.std()) ? 0 : Math.abs(e.mean()) + e.std();
        assertClose(what + " mean", e.mean(), a.mean(), scale);
        // std comes from sumsq/n - mean^2: cancellation scales the error by (rms/std)^2.
        double rms2 = Double.isNaN(e.std()) ? 0 : e.mean() * e.mean() + e.std() * e.std();
        double stdScale = e.std() == 0 || Double.isNaN(e.std()) ? Math.sqrt(rms2) : rms2 / e.std();
        assertClose(what + " std", e.std(), a.std(), stdScale);
    }

    /** Bit-exact (NaN equals NaN; -0.0 differs from 0.0). */
    static void assertExact(String what, double expected, double actual) {
        assertThat(Double.doubleToLongBits(actual)).as(what + ": expected " + expected + " got " + actual)
                .isEqualTo(Double.doubleToLongBits(expected));
    }

    static void assertMetrics(DiffMetrics e, DiffMetrics a) {
        assertExact("maxAbs", e.maxAbs(), a.maxAbs());
        assertThat(a.maxAbsIndex()).as("maxAbsIndex").isEqualTo(e.maxAbsIndex());
        assertExact("maxRel", e.maxRel(), a.maxRel());
        assertThat(a.mismatched()).as("mismatched").isEqualTo(e.mismatched());
        assertThat(a.finitePairs()).as("finitePairs").isEqualTo(e.finitePairs());
        assertClose("meanAbs", e.meanAbs(), a.meanAbs(), 0);
        assertClose("rmse", e.rmse(), a.rmse(), 0);
        assertClose("cosine", e.cosine(), a.cosine(), 1);
        assertClose("sqnrDb", e.sqnrDb(), a.sqnrDb(), 1);
    }
}
