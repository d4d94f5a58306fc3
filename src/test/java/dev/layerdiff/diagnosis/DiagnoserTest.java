package dev.layerdiff.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layerdiff.compare.Group;
import dev.layerdiff.compare.LayerReport;
import dev.layerdiff.compare.Report;
import dev.layerdiff.compare.Status;
import dev.layerdiff.compare.Tolerance;
import dev.layerdiff.stats.StatsArena;
import dev.layerdiff.stats.DiffMetrics;
import dev.layerdiff.stats.SideStats;
import dev.layerdiff.stats.SliceStats;
import dev.layerdiff.tensor.DType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pieces of the method on made-up numbers: localisation, structure, the floor, the budget. */
class DiagnoserTest {

    private static SliceStats slices(int dim, double[] sumSqDiff, long[] gross, long elements) {
        int n = sumSqDiff.length;
        double[] ref = new double[n];
        java.util.Arrays.fill(ref, 1);
        return new SliceStats(dim, sumSqDiff, ref, new long[n], gross, elements);
    }

    @Test
    void localisedWhereAFewIndicesCarryTheErrorAndTheRestAreTenTimesQuieter() {
        SliceStats dim0 = slices(0, new double[] {1e-6, 4, 3}, new long[3], 100);
        Localized where = ErrorShape.localize(List.of(dim0), 4, false);
        assertThat(where.dim()).isZero();
        assertThat(where.indices()).containsExactly(1, 2);
        assertThat(where.describe()).isEqualTo("batch elements 1, 2 of dim 0 (the other one clean)");
        // The rest only 3x quieter in RMS (9x in squares): not clean, so not localised.
        assertThat(ErrorShape.localize(List.of(slices(0, new double[] {0.5, 4, 4.5}, new long[3], 100)), 4, false)).isNull();
        // Every index carries it: nothing to localise.
        assertThat(ErrorShape.localize(List.of(slices(0, new double[] {1, 1, 1}, new long[3], 100)), 4, false)).isNull();
        assertThat(ErrorShape.localize(List.of(slices(0, new double[3], new long[3], 100)), 4, false)).isNull();
    }

    @Test
    void theDimensionNamingTheSmallerShareOfItsIndicesWins() {
        SliceStats dim0 = slices(0, new double[] {0, 5, 5, 0}, new long[4], 64); // 2 of 4
        double[] d1 = new double[16];
        d1[5] = 10; // 1 of 16
        Localized where = ErrorShape.localize(List.of(dim0, slices(1, d1, new long[16], 16)), 3, false);
        assertThat(where.dim()).isEqualTo(1);
        assertThat(where.indices()).containsExactly(5);
        assertThat(where.describe()).isEqualTo("dim 1 index 5 (the other 15 clean)");
    }

    @Test
    void structureIsTheFillOfTheWorstSliceBigEnoughToTell() {
        // 3 of 4 slices clean, one with 60 of 100 elements grossly off: structured.
        assertThat(ErrorShape.structuredFill(List.of(slices(0, new double[4], new long[] {0, 60, 0, 0}, 100)), 400))
                .isEqualTo(0.6);
        // Scattered: 2 gross elements in every slice of 100.
        assertThat(ErrorShape.structuredFill(List.of(slices(0, new double[4], new long[] {2, 2, 2, 2}, 100)), 400))
                .isEqualTo(0.02);
        // Slices of 4 elements are too small to tell a fill from one flip: the whole tensor's fraction.
        assertThat(ErrorShape.structuredFill(List.of(slices(0, new double[4], new long[] {1, 0, 0, 0}, 4)), 16))
                .isEqualTo(1 / 16.0);
    }

    /** A walk of float32 layers with these relative errors, every one diverged unless its error is 0. */
    private static Report report(double... errors) {
        List<LayerReport> layers = new ArrayList<>();
        StatsArena arena = new StatsArena();
        for (int i = 0; i < errors.length; i++) {
            double e = errors[i];
            double sqnr = e == 0 ? Double.POSITIVE_INFINITY : -20 * Math.log10(e);
            DiffMetrics m = new DiffMetrics(e, 0, e, e, e, 1, sqnr, e == 0 ? 0 : 1, 100);
            SideStats s = new SideStats(100, 100, 0, 0, 0, -1, 1, 0, 1, 0);
            layers.add(new LayerReport("l" + i, "l" + i, Group.ACTIVATIONS, i, e == 0 ? Status.OK : Status.DIVERGED,
                    new long[] {4, 25}, new long[] {4, 25}, DType.FLOAT32, DType.FLOAT32, 100, new Tolerance(1e-6, 1e-5),
                    m, arena.put(s, s, null, null, null), null));
        }
        return new Report("r", "c", "cpu", layers);
    }

    /** Slices that say the error is dense: every element of every slice grossly off. */
    private static final SliceSource DENSE = (layer, test) ->
            new SliceStats[] {slices(0, new double[] {1, 1, 1, 1}, new long[] {25, 25, 25, 25}, 25)};

    @Test
    void theFloorComesFromTheDataWhenTheDtypeCannotSayIt() throws IOException {
        // bf16-sized errors in a float32 dump: judged in bf16, all noise.
        Diagnosis d = new Diagnoser(null, DENSE).diagnose(report(0.004, 0.003, 0.005, 0.004));
        assertThat(d.floor()).isEqualTo(0x1p-8);
        assertThat(d.groups().get(Group.ACTIVATIONS).verdict()).isEqualTo(Verdict.NOISE);
        // --precision says it outright.
        assertThat(new Diagnoser(Precision.BF16, DENSE).diagnose(report(1e-7)).floor()).isEqualTo(0x1p-8);
        // Errors past every precision say nothing of it: the dtype's floor, and a bug.
        Diagnosis bug = new Diagnoser(null, DENSE).diagnose(report(0, 0, 0.3, 0.2));
        assertThat(bug.floor()).isEqualTo(0x1p-24);
        assertThat(bug.groups().get(Group.ACTIVATIONS).introducedAt()).isEqualTo("l2");
        assertThat(bug.layers().get("l3").role()).isEqualTo(Role.INHERITED);
    }

    @Test
    void aLayerIntroducesErrorWhenItOutgrowsWhatItInheritsAndWhatItsRoundingAdds() throws IOException {
        // tf32-level noise, then a jump of 40x at l3: GROWTH * upstream + FROM_ZERO * u is far below it.
        Diagnosis d = new Diagnoser(Precision.TF32, DENSE).diagnose(report(4e-4, 5e-4, 4e-4, 0.02, 0.02));
        assertThat(d.groups().get(Group.ACTIVATIONS).introducedAt()).isEqualTo("l3");
        assertThat(d.layers().get("l0").role()).isEqualTo(Role.NOISE);
        assertThat(d.layers().get("l4").role()).isEqualTo(Role.INHERITED);
        // The same jump, sparse and scattered, in elements that are zero on one side only and carry
        // 99.9% of the squared error: a mask flipped by the upstream error, noise.
        SliceSource flipped = (layer, test) -> new SliceStats[] {new SliceStats(0, new double[] {1, 1, 1, 1},
                new double[] {1, 1, 1, 1}, new long[4], new long[] {1, 0, 1, 0}, new long[] {1, 0, 1, 0},
                new double[] {1.998, 0, 1.998, 0}, new long[4], 25)};
        Diagnosis flips = new Diagnoser(Precision.TF32, flipped).diagnose(report(4e-4, 5e-4, 4e-4, 0.02, 0.02));
        assertThat(flips.groups().get(Group.ACTIVATIONS).verdict()).isEqualTo(Verdict.NOISE);
        assertThat(flips.groups().get(Group.ACTIVATIONS).suspects().get(0).reason())
                .contains("2 of its elements are zero on one side only");
        // Just as sparse, but no element is zero on one side: however few, a bug.
        SliceSource sparse = (layer, test) ->
                new SliceStats[] {slices(0, new double[] {1, 1, 1, 1}, new long[] {1, 0, 1, 0}, 25)};
        Diagnosis bug = new Diagnoser(Precision.TF32, sparse).diagnose(report(4e-4, 5e-4, 4e-4, 0.02, 0.02));
        assertThat(bug.groups().get(Group.ACTIVATIONS).introducedAt()).isEqualTo("l3");
        assertThat(bug.groups().get(Group.ACTIVATIONS).suspects().get(0).reason()).contains("not mask flips");
        // Zero flips under an exact upstream: the diagnosis asks for none (reach 0), so none can explain it.
        double[] reach = new double[1];
        SliceSource probe = (layer, test) -> {
            reach[0] = test.reach();
            return flipped.slices(layer, test);
        };
        new Diagnoser(Precision.TF32, probe).diagnose(report(0, 0, 0.02));
        assertThat(reach[0]).isZero();
    }
}
