package dev.layerdiff.engine;

/**
 * Per-thread scratch of the CPU kernels: one block of decoded values, bin codes and histogram counts
 * (about 70 KB), reused for every chunk the thread processes so no chunk allocates.
 */
public final class KernelScratch {
    /** Elements per inner pass: small enough that every array here stays in L1/L2. */
    public static final int BLOCK = 1024;

    private static final ThreadLocal<KernelScratch> LOCAL = ThreadLocal.withInitial(KernelScratch::new);

    public final double[] r = new double[BLOCK];
    public final double[] c = new double[BLOCK];
    /** Per-pair image key: |d|, 0 where equal, +Inf where not finite. */
    public final double[] keys = new double[BLOCK];
    public final int[] rBits = new int[BLOCK];
    public final int[] cBits = new int[BLOCK];
    public final float[] rFinite = new float[BLOCK];
    public final float[] cFinite = new float[BLOCK];
    public final int[] rCodes = new int[BLOCK];
    public final int[] cCodes = new int[BLOCK];
    public final long[] dCodes = new long[BLOCK];
    public final BinCounts rBins = new BinCounts();
    public final BinCounts cBins = new BinCounts();
    public final BinCounts dBins = new BinCounts();
    /** Codes counted once for both sides (blocks where every ref code equals its cand code). */
    public final BinCounts bothBins = new BinCounts();
    /** SIMD vector lanes (elements of one vector, not BinCounts copies nor CUDA staging lanes) stored for a scalar reduction (see SimdKernel). */
    public final double[] lanes = new double[64];
    /** Int vector lanes stored for a scalar reduction. */
    public final int[] intLanes = new int[64];
    /** Set by a kernel per block: every ref code equals its cand code. */
    public boolean codesAgree;
    private double[] imageKeys;

    /** This thread's scratch. */
    public static KernelScratch get() {
        return LOCAL.get();
    }

    /** Image keys for {@code n} elements, for kernels that produce them in larger slices than a block. */
    public double[] imageKeys(int n) {
        if (imageKeys == null || imageKeys.length < n) imageKeys = new double[n];
        return imageKeys;
    }

    /** Moves the pending histogram counts of a pair into its partial. */
    public void flush(PairPartial acc) {
        rBins.flushInto(acc.ref.histogram);
        cBins.flushInto(acc.cand.histogram);
        dBins.flushInto(acc.diffHistogram);
        bothBins.flushInto(acc.ref.histogram, acc.cand.histogram);
    }
}
