package dev.layerdiff.engine;

import dev.layerdiff.stats.TensorSketch;
import dev.layerdiff.tensor.DType;
import java.nio.ByteBuffer;

/**
 * Folds a chunk of a tensor into its {@link TensorSketch}, by the definition written there: the
 * elements' hash terms and their signed adds to the sketch's and the slices' buckets (the Java kernel:
 * the native one does the same in {@code ld_sketch}, for the float types it takes).
 */
final class SketchKernel {
    private static final int BLOCK = 4096;

    private SketchKernel() {}

    /** Folds elements {@code [first, first + n)} of a tensor, held in {@code buf} (from its position 0), into {@code p}. */
    static void accumulate(ByteBuffer buf, DType type, int n, long first, SketchPartial p) {
        double[] values = new double[Math.min(BLOCK, n)];
        long[] bits = new long[values.length];
        // Each element's slices along dims 0 and 1, kept by counting rather than by two divisions per element.
        long inner0 = p.inner0 > 0 ? p.inner0 : 1, inner1 = p.inner1 > 0 ? p.inner1 : 1;
        long at0 = first % inner0, at1 = first % inner1;
        int slice0 = (int) (first / inner0), slice1 = p.count1 > 0 ? (int) ((first / inner1) % p.count1) : 0;
        for (int at = 0; at < n; at += BLOCK) {
            int len = Math.min(BLOCK, n - at);
            if (type == DType.FLOAT32) {
                for (int e = 0; e < len; e++) {
                    int b = buf.getInt((at + e) << 2);
                    bits[e] = b & 0xFFFFFFFFL;
                    values[e] = Float.intBitsToFloat(b);
                }
            } else {
                Decoders.decode(buf, type, at, len, values);
                rawBits(buf, type, at, len, bits);
            }
            long hashTerms = 0;
            double[] buckets = p.buckets, dim0 = p.dim0, dim1 = p.dim1;
            int kMask = p.k - 1, ks0 = p.ks0, ks1 = p.ks1, s0Mask = ks0 - 1, s1Mask = ks1 - 1;
            long index = first + at;
            for (int e = 0; e < len; e++, index++) {
                long h = TensorSketch.mix(index ^ TensorSketch.SEED);
                hashTerms += TensorSketch.mix(bits[e] ^ h);
                double x = values[e];
                if (Double.isFinite(x)) {
                    // The sign from h's top bit, by flipping x's: a branch on it would mispredict half the time.
                    double v = Double.longBitsToDouble(Double.doubleToRawLongBits(x) ^ (h & Long.MIN_VALUE));
                    buckets[(int) h & kMask] += v;
                    int slot = (int) (h >>> 32);
                    if (dim0 != null) dim0[slice0 * ks0 + (slot & s0Mask)] += v;
                    if (dim1 != null) dim1[slice1 * ks1 + (slot & s1Mask)] += v;
                }
                if (++at1 == inner1) {
                    at1 = 0;
                    if (++slice1 == p.count1) slice1 = 0;
                }
                if (++at0 == inner0) {
                    at0 = 0;
                    slice0++;
                }
            }
            p.hashTerms += hashTerms;
        }
    }

    /** Each element's bits, zero-extended. */
    private static void rawBits(ByteBuffer buf, DType type, int first, int n, long[] out) {
        switch (type.byteSize()) {
            case 8 -> { for (int e = 0; e < n; e++) out[e] = buf.getLong((first + e) << 3); }
            case 4 -> { for (int e = 0; e < n; e++) out[e] = buf.getInt((first + e) << 2) & 0xFFFFFFFFL; }
            case 2 -> { for (int e = 0; e < n; e++) out[e] = buf.getShort((first + e) << 1) & 0xFFFFL; }
            case 1 -> { for (int e = 0; e < n; e++) out[e] = buf.get(first + e) & 0xFFL; }
            default -> throw new IllegalArgumentException(type + ": elements of " + type.byteSize() + " bytes");
        }
    }
}
