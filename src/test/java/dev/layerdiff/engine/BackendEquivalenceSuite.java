package dev.layerdiff.engine;

import dev.layerdiff.stats.PairResult;
import dev.layerdiff.stats.TensorSummary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layerdiff.tensor.DType;
import dev.layerdiff.tensor.TensorEntry;
import dev.layerdiff.stats.DiffMetrics;
import dev.layerdiff.stats.SideStats;
import dev.layerdiff.stats.GrossTest;
import dev.layerdiff.stats.SliceStats;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * One suite every backend runs (as Lucene's BaseVectorizationTestCase): the single-thread scalar CPU
 * backend is the reference; counts, histograms, min, max, max_abs (and its index), max_rel and image
 * bytes must match exactly, sums within {@link CompareBackend#SUM_RELATIVE_TOLERANCE}.
 */
public abstract class BackendEquivalenceSuite {
    /** Chunk size of the CPU backends here: small, so the sizes below straddle chunk boundaries. */
    protected static final int CHUNK = 4096;

    /** The backend under test. */
    protected abstract CompareBackend backend();

    /** The reference: the scalar kernel on one thread. */
    protected final CompareBackend reference = new CpuBackend(CpuKernels.scalar(), 1, CHUNK);

    private static final int[] SIZES = {0, 1, 7, 8, 9, 31, 32, 33, 255, 256, 257, 1023, 1024, 1025, 1031, 2039,
        CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 5, 65537};

    private static TensorEntry randomTensor(Random rnd, DType t, long[] shape, ByteOrder order, double[] floats) {
        int n = (int) dev.layerdiff.tensor.Shapes.numel(shape);
        ByteBuffer bytes = switch (t) {
            case FLOAT32, FLOAT64 -> TestTensors.encode(t, order, floats);
            default -> TestTensors.randomBytes(rnd, n * t.byteSize(), order);
        };
        return TestTensors.entry("x", t, shape, order, TestTensors.of(bytes));
    }

    private static long[] shapeFor(int n, int variant) {
        if (n > 0 && variant % 3 == 1 && n % 7 == 0) return new long[] {7, n / 7};
        if (n > 0 && variant % 3 == 2 && n % 3 == 0) return new long[] {3, 1, n / 3};
        return new long[] {n};
    }

    private List<PairTask> tasks(Random rnd, DType rt, DType ct, ByteOrder order, boolean sequential) {
        return tasks(rnd, rt, ct, order, sequential, 0.02);
    }

    private List<PairTask> tasks(Random rnd, DType rt, DType ct, ByteOrder order, boolean sequential,
                                 double specials) {
        List<PairTask> tasks = new ArrayList<>();
        int v = 0;
        for (int n : SIZES) {
            double[] r = TestTensors.activations(rnd, n, specials);
            double[] c = TestTensors.perturbed(rnd, r, specials);
            long[] shape = shapeFor(n, v++);
            TensorEntry re = randomTensor(rnd, rt, shape, order, r);
            TensorEntry ce = randomTensor(rnd, ct, shape, order, c);
            if (sequential) {
                re = TestTensors.entry("r", rt, shape, order, TestTensors.sequential(re.data()));
                ce = TestTensors.entry("c", ct, shape, order, TestTensors.sequential(ce.data()));
            }
            tasks.add(new PairTask(re, ce, 1e-3, 1e-5, v % 2 == 0, true));
        }
        return tasks;
    }

    /** Runs the tasks on the reference and on the backend under test; asserts equivalent results. */
    protected void assertSame(List<PairTask> tasks) throws IOException {
        assertSameResults(tasks, reference.compare(tasks), backend().compare(tasks));
    }

    /** Asserts that {@code actual} (any backend's results for {@code tasks}) is equivalent to {@code expected}. */
    protected static void assertSameResults(List<PairTask> tasks, List<PairResult> expected, List<PairResult> actual) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            PairResult e = expected.get(i), a = actual.get(i);
            String what = "pair " + i + " (" + tasks.get(i).reference() + " vs " + tasks.get(i).candidate() + ")";
            assertMetricsEquivalent(what, e.metrics(), a.metrics());
            assertStatsEquivalent(what + " ref", e.referenceStats(), a.referenceStats());
            assertStatsEquivalent(what + " cand", e.candidateStats(), a.candidateStats());
            assertThat(a.referenceHistogram()).as(what + " ref histogram").isEqualTo(e.referenceHistogram());
            assertThat(a.candidateHistogram()).as(what + " cand histogram").isEqualTo(e.candidateHistogram());
            assertThat(a.diffHistogram()).as(what + " diff histogram").isEqualTo(e.diffHistogram());
            if (e.image() == null) {
                assertThat(a.image()).as(what + " image").isNull();
                continue;
            }
            assertThat(a.image().width()).as(what + " width").isEqualTo(e.image().width());
            assertThat(a.image().height()).as(what + " height").isEqualTo(e.image().height());
            assertThat(a.image().blockMax()).as(what + " image").isEqualTo(e.image().blockMax());
        }
    }

    static void assertMetricsEquivalent(String what, DiffMetrics e, DiffMetrics a) {
        Assertions2.assertExact(what + " maxAbs", e.maxAbs(), a.maxAbs());
        assertThat(a.maxAbsIndex()).as(what + " maxAbsIndex").isEqualTo(e.maxAbsIndex());
        Assertions2.assertExact(what + " maxRel", e.maxRel(), a.maxRel());
        assertThat(a.mismatched()).as(what + " mismatched").isEqualTo(e.mismatched());
        assertThat(a.finitePairs()).as(what + " finitePairs").isEqualTo(e.finitePairs());
        Assertions2.assertClose(what + " meanAbs", e.meanAbs(), a.meanAbs(), 0);
        Assertions2.assertClose(what + " rmse", e.rmse(), a.rmse(), 0);
        Assertions2.assertClose(what + " cosine", e.cosine(), a.cosine(), 1);
        Assertions2.assertClose(what + " sqnr", e.sqnrDb(), a.sqnrDb(), 1);
    }

    static void assertStatsEquivalent(String what, SideStats e, SideStats a) {
        Assertions2.assertStats(what, e, a);
    }

    /**
     * The slice breakdowns of the diagnosis: counts equal the reference's exactly, sums within the
     * suite's tolerance, and the slices of each dimension add up to the pair's own mismatches and
     * squared error as the backend's one-pass compare computed them.
     */
    @Test
    void sliceBreakdownsAddUpToThePair() throws IOException {
        Random rnd = new Random(21);
        List<PairTask> tasks = new ArrayList<>(tasks(rnd, DType.FLOAT32, DType.FLOAT32, ByteOrder.LITTLE_ENDIAN, false));
        tasks.addAll(tasks(rnd, DType.FLOAT32, DType.BFLOAT16, ByteOrder.LITTLE_ENDIAN, false));
        List<PairResult> results = backend().compare(tasks);
        for (int i = 0; i < tasks.size(); i++) {
            PairTask t = tasks.get(i);
            GrossTest test = new GrossTest(0x1p-8, 0.5, 1);
            SliceStats[] expected = reference.slices(t, test);
            SliceStats[] actual = backend().slices(t, test);
            assertThat(actual).as("dims of task " + i).hasSameSizeAs(expected);
            DiffMetrics m = results.get(i).metrics();
            for (int k = 0; k < actual.length; k++) {
                String what = "task " + i + " dim " + k;
                assertThat(actual[k].mismatched()).as(what + " mismatched").isEqualTo(expected[k].mismatched());
                assertThat(actual[k].gross()).as(what + " gross").isEqualTo(expected[k].gross());
                assertThat(actual[k].flips()).as(what + " flips").isEqualTo(expected[k].flips());
                assertThat(actual[k].nonfinite()).as(what + " nonfinite").isEqualTo(expected[k].nonfinite());
                for (int j = 0; j < actual[k].size(); j++) {
                    Assertions2.assertClose(what + " sumSqDiff " + j, expected[k].sumSqDiff()[j], actual[k].sumSqDiff()[j], 0);
                    Assertions2.assertClose(what + " sumSqRef " + j, expected[k].sumSqRef()[j], actual[k].sumSqRef()[j], 0);
                }
                assertThat(java.util.Arrays.stream(actual[k].mismatched()).sum()).as(what + " adds up").isEqualTo(m.mismatched());
                double sumSq = java.util.Arrays.stream(actual[k].sumSqDiff()).sum();
                double pairSumSq = m.rmse() * m.rmse() * m.finitePairs();
                Assertions2.assertClose(what + " squared error", pairSumSq, sumSq, 0);
            }
        }
    }

    @Test
    void float32LittleEndian() throws IOException {
        assertSame(tasks(new Random(11), DType.FLOAT32, DType.FLOAT32, ByteOrder.LITTLE_ENDIAN, false));
    }

    @Test
    void float32Sequential() throws IOException {
        assertSame(tasks(new Random(12), DType.FLOAT32, DType.FLOAT32, ByteOrder.LITTLE_ENDIAN, true));
    }

    @Test
    void float32BigEndian() throws IOException {
        assertSame(tasks(new Random(13), DType.FLOAT32, DType.FLOAT32, ByteOrder.BIG_ENDIAN, false));
    }

    @Test
    void everyDtypeAgainstItself() throws IOException {
        Random rnd = new Random(14);
        for (DType t : DType.values()) {
            assertSame(tasks(rnd, t, t, rnd.nextBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN, false));
        }
    }

    @Test
    void mixedDtypes() throws IOException {
        Random rnd = new Random(15);
        assertSame(tasks(rnd, DType.FLOAT32, DType.FLOAT16, ByteOrder.LITTLE_ENDIAN, false));
        assertSame(tasks(rnd, DType.FLOAT32, DType.FLOAT64, ByteOrder.LITTLE_ENDIAN, true));
        assertSame(tasks(rnd, DType.BFLOAT16, DType.FLOAT32, ByteOrder.LITTLE_ENDIAN, false));
    }

    @Test
    void randomLargeSizesAndShapes() throws IOException {
        Random rnd = new Random(16);
        List<PairTask> tasks = new ArrayList<>();
        for (long[] shape : new long[][] {{1 + rnd.nextInt(3_000_000)}, {37, 101, 211}, {2, 3, 1025, 1031}, {1, 1}, {5, 0, 3}}) {
            int n = (int) dev.layerdiff.tensor.Shapes.numel(shape);
            double[] r = TestTensors.activations(rnd, n, 0.001);
            double[] c = TestTensors.perturbed(rnd, r, 0.001);
            tasks.add(new PairTask(randomTensor(rnd, DType.FLOAT32, shape, ByteOrder.LITTLE_ENDIAN, r),
                    randomTensor(rnd, DType.FLOAT32, shape, ByteOrder.LITTLE_ENDIAN, c), 1e-4, 1e-6, false, true));
        }
        assertSame(tasks);
    }

    /** Blocks with no NaN or infinity: what accelerated kernels take their fast paths on. */
    @Test
    void float32WithoutSpecials() throws IOException {
        assertSame(tasks(new Random(18), DType.FLOAT32, DType.FLOAT32, ByteOrder.LITTLE_ENDIAN, false, 0));
        assertSame(tasks(new Random(19), DType.FLOAT32, DType.FLOAT32, ByteOrder.LITTLE_ENDIAN, false, 1e-5));
    }

    /** float16 and bfloat16 from random finite bit patterns (subnormals, both zeros), and mixed with float32. */
    @Test
    void narrowFloatsWithoutSpecials() throws IOException {
        Random rnd = new Random(20);
        List<PairTask> tasks = new ArrayList<>();
        for (int n : SIZES) {
            for (DType[] types : new DType[][] {{DType.FLOAT16, DType.FLOAT16}, {DType.BFLOAT16, DType.BFLOAT16},
                {DType.FLOAT32, DType.FLOAT16}, {DType.BFLOAT16, DType.FLOAT32}}) {
                tasks.add(new PairTask(finiteTensor(rnd, types[0], n), finiteTensor(rnd, types[1], n), 1e-2, 1e-3,
                        false, true));
            }
        }
        assertSame(tasks);
    }

    /** A finite tensor: random bits with any all-ones exponent field (NaN, Inf) cleared to a smaller one. */
    protected static TensorEntry finiteTensor(Random rnd, DType t, int n) {
        ByteBuffer b = TestTensors.randomBytes(rnd, n * t.byteSize(), ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            switch (t) {
                case FLOAT16 -> { if ((b.getShort(2 * i) & 0x7C00) == 0x7C00) b.putShort(2 * i, (short) (b.getShort(2 * i) & ~0x4000)); }
                case BFLOAT16 -> { if ((b.getShort(2 * i) & 0x7F80) == 0x7F80) b.putShort(2 * i, (short) (b.getShort(2 * i) & ~0x4000)); }
                case FLOAT32 -> b.putFloat(4 * i, (float) (rnd.nextGaussian() * Math.scalb(1.0, rnd.nextInt(40) - 20)));
                default -> throw new IllegalArgumentException(t.toString());
            }
        }
        return TestTensors.entry("f", t, new long[] {n}, ByteOrder.LITTLE_ENDIAN, TestTensors.of(b));
    }

    /**
     * Candidates one ulp off in a sixteenth of the elements (both sides' bins agree, most |d| are 0),
     * identical ones, tolerances that no block exceeds, and tensors of signed zeros only.
     */
    @Test
    void nearlyIdenticalAndSignedZeros() throws IOException {
        Random rnd = new Random(21);
        List<PairTask> tasks = new ArrayList<>();
        for (int n : SIZES) {
            double[] r = TestTensors.rounded(DType.FLOAT32, TestTensors.activations(rnd, n, 0));
            double[] c = r.clone();
            for (int i = 0; i < n; i++) if (rnd.nextInt(16) == 0) c[i] = Math.nextUp((float) r[i]);
            tasks.add(new PairTask(TestTensors.tensor(DType.FLOAT32, ByteOrder.LITTLE_ENDIAN, r),
                    TestTensors.tensor(DType.FLOAT32, ByteOrder.LITTLE_ENDIAN, c), 1.3e-6, 1e-5, false, true));
            tasks.add(new PairTask(TestTensors.tensor(DType.FLOAT32, ByteOrder.LITTLE_ENDIAN, r),
                    TestTensors.tensor(DType.FLOAT32, ByteOrder.LITTLE_ENDIAN, r), 0, 0, false, true));
            tasks.add(new PairTask(TestTensors.tensor(DType.FLOAT32, ByteOrder.LITTLE_ENDIAN, r),
                    TestTensors.tensor(DType.FLOAT32, ByteOrder.LITTLE_ENDIAN, c), 0.5, 1, false, false));
            double[] negZeros = new double[n], mixedZeros = new double[n];
            java.util.Arrays.fill(negZeros, -0.0);
            for (int i = 0; i < n; i++) mixedZeros[i] = rnd.nextBoolean() ? 0.0 : -0.0;
            tasks.add(new PairTask(TestTensors.tensor(DType.FLOAT32, ByteOrder.LITTLE_ENDIAN, negZeros),
                    TestTensors.tensor(DType.FLOAT32, ByteOrder.LITTLE_ENDIAN, mixedZeros), 0, 0, false, true));
        }
        assertSame(tasks);
    }

    /**
     * Pairs whose two sides have the same sign and binary exponent element by element (the kernels'
     * fast path), at the edges of float32: identical blocks (max_rel stays 0), subnormals and signed
     * zeros, tiny normals whose differences are subnormal, huge values whose differences clamp to the
     * top |d| bin.
     */
    @Test
    void sameBinadePairsAtTheEdges() throws IOException {
        List<PairTask> tasks = new ArrayList<>();
        for (int n : new int[] {3 * CHUNK + 5, 65537}) {
            double[][] pair = sameBinade(new Random(n), n);
            tasks.add(new PairTask(TestTensors.tensor(DType.FLOAT32, ByteOrder.LITTLE_ENDIAN, pair[0]),
                    TestTensors.tensor(DType.FLOAT32, ByteOrder.LITTLE_ENDIAN, pair[1]), 1.3e-6, 1e-5, false, true));
            tasks.add(new PairTask(TestTensors.tensor(DType.FLOAT32, ByteOrder.LITTLE_ENDIAN, pair[0]),
                    TestTensors.tensor(DType.FLOAT32, ByteOrder.LITTLE_ENDIAN, pair[1]), 0, 0, false, false));
        }
        assertSame(tasks);
    }

    /**
     * max_rel that a later block beats by very little, in every chunk (4096 elements: two 2048-element
     * blocks). In one pair 3/513 is beaten by 3/512, where the kernels' conservative test multiplies into
     * the subnormal range and rounds up to |d| itself; in the other 2^-4 is beaten by 2^-4 + 2^-23, a
     * factor of 1 + 2^-19.
     */
    @Test
    void maxRelBeatenByAHair() throws IOException {
        assertSame(List.of(hairPair(513 * 0x1p-149, 516 * 0x1p-149, 512 * 0x1p-149, 515 * 0x1p-149),
                hairPair(1, 1 + 0x1p-4, 1, 1 + 0x1p-4 + 0x1p-23)));
    }

    private static PairTask hairPair(double r0, double c0, double r1, double c1) {
        int n = 4 * CHUNK;
        Random rnd = new Random(5);
        double[] r = new double[n], c = new double[n];
        for (int i = 0; i < n; i++) r[i] = c[i] = (float) rnd.nextGaussian();
        for (int b = 0; b < n; b += 4096) {
            r[b + 1] = r0;
            c[b + 1] = c0;
            r[b + 2048 + 1] = r1;
            c[b + 2048 + 1] = c1;
        }
        return new PairTask(TestTensors.tensor(DType.FLOAT32, ByteOrder.LITTLE_ENDIAN, r),
                TestTensors.tensor(DType.FLOAT32, ByteOrder.LITTLE_ENDIAN, c), 1.3e-6, 1e-5, false, false);
    }

    /** Reference and candidate of {@link #sameBinadePairsAtTheEdges}: a regime per 2048 elements. */
    static double[][] sameBinade(Random rnd, int n) {
        double[] r = new double[n], c = new double[n];
        for (int i = 0; i < n; i++) {
            int block = (i / 2048) % 6, sign = rnd.nextBoolean() ? 0 : 0x80000000;
            int bits = switch (block) {
                case 0, 5 -> Float.floatToRawIntBits((float) (rnd.nextGaussian() * 0.7));
                case 1 -> sign | (rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(1 << 23));        // subnormal or zero
                case 2 -> sign | (1 + rnd.nextInt(26)) << 23 | rnd.nextInt(1 << 23);       // 2^-126 .. 2^-100
                case 3 -> sign | (228 + rnd.nextInt(27)) << 23 | rnd.nextInt(1 << 23);     // 2^101 .. 2^127
                default -> sign | (1 + rnd.nextInt(40)) << 23 | rnd.nextInt(1 << 23);      // 2^-126 .. 2^-87
            };
            boolean zero = (bits << 1) == 0;
            // the same sign and exponent field with another mantissa: the fast path's precondition holds
            int other = block == 0 || zero ? bits : (bits & 0xFF800000) | rnd.nextInt(1 << 23);
            if (block == 1 && !zero && (other << 1) == 0) other |= 1;    // a subnormal stays one
            if (block == 5 && rnd.nextInt(16) != 0) other = bits;        // a sixteenth differ
            r[i] = Float.intBitsToFloat(bits);
            c[i] = Float.intBitsToFloat(other);
        }
        return new double[][] {r, c};
    }

    @Test
    void summarizeMatches() throws IOException {
        Random rnd = new Random(17);
        List<TensorEntry> tensors = new ArrayList<>();
        for (int n : SIZES) {
            double[] v = TestTensors.activations(rnd, n, 0.02);
            tensors.add(randomTensor(rnd, DType.FLOAT32, new long[] {n}, ByteOrder.LITTLE_ENDIAN, v));
            tensors.add(randomTensor(rnd, DType.BFLOAT16, new long[] {n}, ByteOrder.LITTLE_ENDIAN, v));
            TensorEntry seq = randomTensor(rnd, DType.FLOAT32, new long[] {n}, ByteOrder.LITTLE_ENDIAN, v);
            tensors.add(TestTensors.entry("s", DType.FLOAT32, new long[] {n}, ByteOrder.LITTLE_ENDIAN, TestTensors.sequential(seq.data())));
            tensors.add(finiteTensor(rnd, DType.FLOAT16, n));
            tensors.add(finiteTensor(rnd, DType.FLOAT32, n));
            double[] clean = TestTensors.activations(rnd, n, 0);
            tensors.add(randomTensor(rnd, DType.FLOAT32, new long[] {n}, ByteOrder.LITTLE_ENDIAN, clean));
        }
        List<TensorSummary> e = reference.summarize(tensors), a = backend().summarize(tensors);
        for (int i = 0; i < e.size(); i++) {
            assertStatsEquivalent("tensor " + i, e.get(i).stats(), a.get(i).stats());
            assertThat(a.get(i).histogram()).as("tensor " + i + " histogram").isEqualTo(e.get(i).histogram());
        }
    }

    @Test
    void zeroIndicesMatch() throws IOException {
        Random rnd = new Random(22);
        for (int n : SIZES) {
            if (n == 0) continue;
            for (long[] shape : new long[][] {{1, n}, {n, 1}, n % 3 == 0 ? new long[] {3, n / 3, 1} : new long[] {n, 1, 1}}) {
                double[] v = TestTensors.activations(rnd, n, 0.02);
                for (int i = 0; i < n; i += 3) v[i] = 0;
                for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT16}) {
                    TensorEntry e = randomTensor(rnd, t, shape, ByteOrder.LITTLE_ENDIAN, v);
                    assertThat(backend().zeroIndices(e, 1, Long.MAX_VALUE)).as("%s %s", t, java.util.Arrays.toString(shape))
                            .usingRecursiveComparison().isEqualTo(reference.zeroIndices(e, 1, Long.MAX_VALUE));
                }
            }
        }
    }
}
