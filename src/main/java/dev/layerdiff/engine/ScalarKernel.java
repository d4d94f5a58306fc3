package dev.layerdiff.engine;

import dev.layerdiff.tensor.DType;
import java.nio.ByteBuffer;

/**
 * The reference kernel: decodes a block to double, then one plain loop per block. Handles every
 * dtype and byte order; the SIMD kernel defers to it for everything but its hot cases and for tails.
 */
final class ScalarKernel implements CpuKernel {

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void compare(ByteBuffer ref, DType refType, ByteBuffer cand, DType candType, int n, long firstIndex,
                        PairPartial acc) {
        KernelScratch s = KernelScratch.get();
        for (int off = 0; off < n; off += KernelScratch.BLOCK) {
            int len = Math.min(KernelScratch.BLOCK, n - off);
            Decoders.decode(ref, refType, off, len, s.r);
            Decoders.decode(cand, candType, off, len, s.c);
            compareBlock(s.r, s.c, 0, len, firstIndex + off, acc, s);
            if (acc.image != null) acc.image.accept(s.keys, len, firstIndex + off);
        }
        s.flush(acc);
    }

    @Override
    public void summarize(ByteBuffer values, DType type, int n, SidePartial acc) {
        KernelScratch s = KernelScratch.get();
        for (int off = 0; off < n; off += KernelScratch.BLOCK) {
            int len = Math.min(KernelScratch.BLOCK, n - off);
            Decoders.decode(values, type, off, len, s.r);
            sideBlock(s.r, 0, len, acc, s.rBins);
        }
        s.rBins.flushInto(acc.histogram);
    }

    /** Folds values {@code v[from..to)} of one side into {@code acc} and its pending bins. */
    public static void sideBlock(double[] v, int from, int to, SidePartial acc, BinCounts bins) {
        double min = acc.min, max = acc.max, sum = acc.sum, sumSq = acc.sumSq;
        for (int i = from; i < to; i++) {
            double x = v[i];
            bins.add(BinCounts.codeOf(x));
            if (Double.isFinite(x)) {
                min = Math.min(min, x);
                max = Math.max(max, x);
                sum += x;
                sumSq += x * x;
            }
        }
        acc.min = min;
        acc.max = max;
        acc.sum = sum;
        acc.sumSq = sumSq;
        acc.count += to - from;
    }

    /**
     * Folds pairs {@code (r[i], c[i])} for {@code i} in {@code [from, to)} into {@code acc}; element
     * {@code i} has flat index {@code index0 + i}. Writes image keys to {@code s.keys[i]} when the pair
     * has an image.
     */
    public static void compareBlock(double[] r, double[] c, int from, int to, long index0, PairPartial acc,
                                    KernelScratch s) {
        sideBlock(r, from, to, acc.ref, s.rBins);
        sideBlock(c, from, to, acc.cand, s.cBins);
        final double rtol = acc.rtol, atol = acc.atol;
        final boolean equalNan = acc.equalNan, image = acc.image != null;
        final BinCounts dBins = s.dBins;
        final double[] keys = s.keys;
        long finitePairs = acc.finitePairs, mismatched = acc.mismatched, maxIndex = acc.maxAbsIndex;
        double sumAbs = acc.sumAbs, sumSq = acc.sumSq, sumRR = acc.sumRR, sumCC = acc.sumCC, sumRC = acc.sumRC;
        double maxAbs = acc.maxAbs, maxRel = acc.maxRel;
        for (int i = from; i < to; i++) {
            double x = r[i], y = c[i];
            boolean equal = x == y;
            // Same infinities are equal, so their "difference" is 0 rather than IEEE's NaN.
            double a = equal ? 0 : Math.abs(y - x);
            dBins.add(BinCounts.codeOf(a));
            if (image) keys[i] = a < Double.POSITIVE_INFINITY ? a : Double.POSITIVE_INFINITY;
            if (Double.isFinite(x) && Double.isFinite(y)) {
                double d = y - x;
                double ad = Math.abs(d);
                finitePairs++;
                sumAbs += ad;
                sumSq += d * d;
                sumRR += x * x;
                sumCC += y * y;
                sumRC += x * y;
                if (ad > maxAbs || maxIndex < 0) {
                    maxAbs = ad;
                    maxIndex = index0 + i;
                }
                if (x != 0) maxRel = Math.max(maxRel, ad / Math.abs(x));
                // Multiply then add, never fused, so every backend rounds the tolerance identically.
                double tol = atol + rtol * Math.abs(x);
                if (!equal && ad > tol) mismatched++;
            } else if (!equal && !(equalNan && x != x && y != y)) {
                mismatched++;
            }
        }
        acc.finitePairs = finitePairs;
        acc.mismatched = mismatched;
        acc.maxAbsIndex = maxIndex;
        acc.sumAbs = sumAbs;
        acc.sumSq = sumSq;
        acc.sumRR = sumRR;
        acc.sumCC = sumCC;
        acc.sumRC = sumRC;
        acc.maxAbs = maxAbs;
        acc.maxRel = maxRel;
    }
}
