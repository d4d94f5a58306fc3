package dev.layerdiff.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** What is packed is what is read back, bit for bit, whatever the values and however many threads append. */
class StatsArenaTest {

    @Test
    void everyStatisticAndBinReadsBackExactly() {
        StatsArena arena = new StatsArena();
        SplittableRandom random = new SplittableRandom(3);
        List<Object[]> packed = new ArrayList<>();
        List<LayerStats> handles = new ArrayList<>();
        for (int i = 0; i < 3000; i++) { // past the first chunks, which grow
            SideStats r = i % 7 == 0 ? null : side(random), c = i % 11 == 0 ? null : side(random);
            Histogram rh = r == null ? null : histogram(random), ch = c == null ? null : histogram(random),
                    dh = i % 5 == 0 ? null : histogram(random);
            packed.add(new Object[] {r, c, rh, ch, dh});
            handles.add(arena.put(r, c, rh, ch, dh));
        }
        for (int i = 0; i < handles.size(); i++) {
            LayerStats s = handles.get(i);
            Object[] expected = packed.get(i);
            assertThat(new Object[] {s.referenceStats(), s.candidateStats(), s.referenceHistogram(), s.candidateHistogram(),
                    s.diffHistogram()}).as("layer %d", i).isEqualTo(expected);
            assertThat(s.hasReference()).isEqualTo(expected[0] != null);
            assertThat(s.hasCandidate()).isEqualTo(expected[1] != null);
            if (expected[0] != null) assertThat(s.reference().stats()).isEqualTo(expected[0]);
        }
    }

    @Test
    void theExtremesOfEveryFieldSurvive() {
        StatsArena arena = new StatsArena();
        SideStats extreme = new SideStats(Long.MAX_VALUE, 0, Long.MAX_VALUE - 1, 1L << 62, 127, -0.0, Double.NaN,
                Double.NEGATIVE_INFINITY, Double.MIN_VALUE, 1);
        Histogram full = new Histogram();
        for (int b = 0; b < Histogram.BINS; b++) {
            full.addNegative(b, Long.MAX_VALUE - b);
            full.addPositive(b, 128L + b);
        }
        full.addSpecial(Long.MAX_VALUE, 0, 1, 1L << 40);
        Histogram empty = new Histogram();
        LayerStats s = arena.put(extreme, extreme, full, empty, full);
        assertThat(s.referenceStats()).isEqualTo(extreme);
        assertThat(Double.doubleToRawLongBits(s.candidateStats().min())).isEqualTo(Double.doubleToRawLongBits(-0.0));
        assertThat(s.referenceHistogram()).isEqualTo(full);
        assertThat(s.candidateHistogram()).isEqualTo(empty);
        assertThat(s.diffHistogram()).isEqualTo(full);
    }

    @Test
    void threadsAppendingAtOnceEachReadTheirOwn() {
        StatsArena arena = new StatsArena();
        List<LayerStats> handles = IntStream.range(0, 20_000).parallel()
                .mapToObj(i -> arena.put(new SideStats(i, i, 0, 0, 0, -i, i, 0, 1, 0), null, null, null, null)).toList();
        for (int i = 0; i < handles.size(); i++) assertThat(handles.get(i).referenceStats().count()).isEqualTo(i);
    }

    private static SideStats side(SplittableRandom random) {
        long count = random.nextLong(1L << random.nextInt(1, 40));
        return new SideStats(count, random.nextLong(count + 1), random.nextLong(1000), random.nextInt(3), random.nextInt(3),
                random.nextGaussian(), random.nextGaussian(), random.nextGaussian(), random.nextDouble(), random.nextDouble());
    }

    private static Histogram histogram(SplittableRandom random) {
        Histogram h = new Histogram();
        int n = random.nextInt(0, 200);
        for (int i = 0; i < n; i++) h.add(random.nextGaussian() * Math.scalb(1.0, random.nextInt(-70, 70)));
        if (random.nextInt(4) == 0) h.add(Double.NaN);
        if (random.nextInt(4) == 0) h.add(Double.POSITIVE_INFINITY);
        if (random.nextInt(4) == 0) h.add(-0.0);
        return h;
    }
}
