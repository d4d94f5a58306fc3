package dev.layerdiff.engine;

import dev.layerdiff.tensor.DType;
import dev.layerdiff.stats.Histogram;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernel for the hot case, little-endian float32 on both sides; every other case goes to
 * {@link ScalarKernel}. Loaded by reflection from {@code CpuKernels}; nothing in the core links here.
 *
 * <p>Per block of {@link KernelScratch#BLOCK} elements: (1) bulk-copy both sides' bits to int arrays
 * (a memcpy, and portable across JDKs, unlike {@code fromByteBuffer} which JDK 21 removed); (2) per
 * side, in 8 int lanes: histogram codes from the float bits, min/max, and a copy with non-finite values
 * zeroed; (3) per pair, in 4 double lanes: sums, maxima, mismatches, |d| codes and image keys;
 * (4) scalar counting of the codes into interleaved sub-histograms.
 *
 * <p>Exactness: codes, counts, min, max, maxAbs and maxRel are exact (comparisons and single correctly
 * rounded operations in the same double arithmetic as the scalar kernel), so they match bit for bit.
 * Sums differ from the scalar kernel only in order: 4 lanes each sum at most 1/4 of a block, lanes
 * are reduced per block and blocks added to a double; for the non-negative sums the relative error is
 * bounded by (terms per partial sum + blocks per chunk + chunks) * 2^-53 ~ 2^11 * 2^-53, far inside
 * {@code SUM_RELATIVE_TOLERANCE}. Sums use FMA where it saves an operation, which only lowers error.
 */
final class SimdKernel implements CpuKernel {
    /** The highest exponent bin (Histogram's): larger exponents clamp to it. */
    private static final int TOP_BIN = Histogram.BINS - 1;
    /** A double's biased exponent field minus this is its bin: bias 1023, bins from 2^MIN_EXPONENT. */
    private static final int DOUBLE_BIAS_TO_BIN = 1023 + Histogram.MIN_EXPONENT;
    /** The same for a float's exponent field (bias 127). */
    private static final int FLOAT_BIAS_TO_BIN = 127 + Histogram.MIN_EXPONENT;
    private static final VectorSpecies<Integer> I256 = IntVector.SPECIES_256;
    private static final VectorSpecies<Integer> I128 = IntVector.SPECIES_128;
    private static final VectorSpecies<Float> F128 = FloatVector.SPECIES_128;
    private static final VectorSpecies<Double> D256 = DoubleVector.SPECIES_256;
    private static final int FLOAT_INF = 0x7F800000;
    private static final long DOUBLE_INF = 0x7FF0000000000000L;

    private final ScalarKernel scalar = new ScalarKernel();

    /** Refuses (softly) where the hardware has no 256-bit vectors: the fallback lanes would be slower. */
    public SimdKernel() {
        int bits = IntVector.SPECIES_PREFERRED.vectorBitSize();
        if (bits < 256) {
            throw new UnsupportedOperationException("the CPU's preferred vector size is " + bits
                    + " bits; the SIMD kernel needs 256 (AVX2)");
        }
    }

    @Override
    public String name() {
        return "simd";
    }

    private static boolean hot(ByteBuffer b, DType t) {
        return t == DType.FLOAT32 && b.order() == ByteOrder.LITTLE_ENDIAN;
    }

    @Override
    public void compare(ByteBuffer ref, DType refType, ByteBuffer cand, DType candType, int n, long firstIndex,
                        PairPartial acc) {
        if (!hot(ref, refType) || !hot(cand, candType)) {
            scalar.compare(ref, refType, cand, candType, n, firstIndex, acc);
            return;
        }
        KernelScratch s = KernelScratch.get();
        var ri = ref.asIntBuffer();
        var ci = cand.asIntBuffer();
        // Non-negative tolerances make tol >= 0, so an equal pair (|d| = 0) can never count as a
        // mismatch and the fast path needs no equality mask.
        final boolean fastOk = acc.rtol >= 0 && acc.atol >= 0;
        // The joint table costs a 270 KB scan per call, so small calls count per histogram instead.
        final JointCounts joint = n >= JointCounts.MIN_ELEMENTS ? JointCounts.get() : null;
        for (int off = 0; off < n; off += KernelScratch.BLOCK) {
            int len = Math.min(KernelScratch.BLOCK, n - off);
            ri.get(off, s.rBits, 0, len);
            ci.get(off, s.cBits, 0, len);
            int n8 = len & ~7;
            if (fastOk && n8 == len && fastSides(s, len, acc, joint != null)) {
                widen(s, len);
                fastPairs(s, len, firstIndex + off, acc);
                if (s.codesAgree && joint != null) joint.count(s.rCodes, s.dCodes, len);
                else s.dBins.countAll(s.dCodes, len);
                if (acc.image != null) acc.image.accept(s.keys, len, firstIndex + off);
                continue;
            }
            side(s.rBits, n8, s.rCodes, s.rFinite, acc.ref);
            side(s.cBits, n8, s.cCodes, s.cFinite, acc.cand);
            s.rBins.countAll(s.rCodes, n8);
            s.cBins.countAll(s.cCodes, n8);
            // A scalar widening loop: C2 in JDK 17 does not intrinsify the F2D convertShape, which costs
            // more than everything else in the kernel.
            for (int i = 0; i < n8; i++) {
                s.r[i] = Float.intBitsToFloat(s.rBits[i]);
                s.c[i] = Float.intBitsToFloat(s.cBits[i]);
            }
            pairs(s, n8, firstIndex + off, acc);
            s.dBins.countAll(s.dCodes, n8);
            if (n8 < len) {
                for (int i = n8; i < len; i++) {
                    s.r[i] = Float.intBitsToFloat(s.rBits[i]);
                    s.c[i] = Float.intBitsToFloat(s.cBits[i]);
                }
                ScalarKernel.compareBlock(s.r, s.c, n8, len, firstIndex + off, acc, s);
            }
            if (acc.image != null) acc.image.accept(s.keys, len, firstIndex + off);
        }
        if (joint != null) joint.flushInto(s.bothBins, s.dBins);
        s.flush(acc);
    }

    @Override
    public void summarize(ByteBuffer values, DType type, int n, SidePartial acc) {
        if (!hot(values, type)) {
            scalar.summarize(values, type, n, acc);
            return;
        }
        KernelScratch s = KernelScratch.get();
        var vi = values.asIntBuffer();
        for (int off = 0; off < n; off += KernelScratch.BLOCK) {
            int len = Math.min(KernelScratch.BLOCK, n - off);
            vi.get(off, s.rBits, 0, len);
            int n8 = len & ~7;
            side(s.rBits, n8, s.rCodes, s.rFinite, acc);
            s.rBins.countAll(s.rCodes, n8);
            DoubleVector sum = DoubleVector.zero(D256), sumSq = DoubleVector.zero(D256);
            for (int i = 0; i < n8; i++) s.r[i] = s.rFinite[i];
            for (int i = 0; i < n8; i += 4) {
                DoubleVector v = DoubleVector.fromArray(D256, s.r, i);
                sum = sum.add(v);
                sumSq = v.fma(v, sumSq);
            }
            acc.sum += sum.reduceLanes(VectorOperators.ADD);
            acc.sumSq += sumSq.reduceLanes(VectorOperators.ADD);
            for (int i = n8; i < len; i++) s.r[i] = Float.intBitsToFloat(s.rBits[i]);
            ScalarKernel.sideBlock(s.r, n8, len, acc, s.rBins);
        }
        s.rBins.flushInto(acc.histogram);
    }

    // ---- Fast path: a block with no NaN or infinity on either side (the overwhelming case). ----

    private static final IntVector ZERO_I = IntVector.zero(I256);

    /**
     * Per side, in 8 int lanes: histogram codes, min and max, for a block assumed free of specials.
     * Returns false, having changed nothing in {@code acc}, if either side holds a NaN or infinity
     * (exponent field 255); the caller then runs the general path. When every ref code equals its cand
     * code (ref ~ cand, the usual case) the codes are counted once into {@code bothBins}.
     */
    private static boolean fastSides(KernelScratch s, int len, PairPartial acc, boolean joint) {
        // Min/max on order-preserving int keys: vpminsd/vpmaxsd are one instruction, while Java's
        // float min/max (NaN and -0.0 rules) is a 4-5 instruction blend sequence on AVX2.
        IntVector rMin = IntVector.broadcast(I256, Integer.MAX_VALUE), rMax = IntVector.broadcast(I256, Integer.MIN_VALUE);
        IntVector cMin = rMin, cMax = rMax;
        IntVector absMax = ZERO_I, codeDiff = ZERO_I;
        final int[] rBits = s.rBits, cBits = s.cBits, rCodes = s.rCodes, cCodes = s.cCodes;
        for (int i = 0; i < len; i += 8) {
            IntVector rb = IntVector.fromArray(I256, rBits, i), cb = IntVector.fromArray(I256, cBits, i);
            IntVector ra = rb.and(0x7FFFFFFF), ca = cb.and(0x7FFFFFFF);
            absMax = absMax.max(ra).max(ca);
            // Written out, not in helper methods: once a helper is compiled on its own, C2 refuses to
            // inline it ("callee is too large") and every vector crossing the call is boxed.
            IntVector rc = ra.lanewise(VectorOperators.LSHR, 23).sub(FLOAT_BIAS_TO_BIN).max(0).min(TOP_BIN)
                    .or(rb.lanewise(VectorOperators.LSHR, 24).and(0x80)).blend(BinCounts.ZERO, ra.eq(0));
            IntVector cc = ca.lanewise(VectorOperators.LSHR, 23).sub(FLOAT_BIAS_TO_BIN).max(0).min(TOP_BIN)
                    .or(cb.lanewise(VectorOperators.LSHR, 24).and(0x80)).blend(BinCounts.ZERO, ca.eq(0));
            codeDiff = codeDiff.or(rc.lanewise(VectorOperators.XOR, cc));
            rc.intoArray(rCodes, i);
            cc.intoArray(cCodes, i);
            // Order keys: negative floats get their magnitude bits flipped (see fromOrderKey).
            IntVector rk = rb.lanewise(VectorOperators.XOR, rb.lanewise(VectorOperators.ASHR, 31).and(0x7FFFFFFF));
            IntVector ck = cb.lanewise(VectorOperators.XOR, cb.lanewise(VectorOperators.ASHR, 31).and(0x7FFFFFFF));
            rMin = rMin.min(rk);
            rMax = rMax.max(rk);
            cMin = cMin.min(ck);
            cMax = cMax.max(ck);
        }
        // Lanes reduced in scalar code: these come after a large loop body, where C2's inlining node
        // budget is spent, and a reduceLanes that is not inlined runs the boxed Java fallback.
        final int[] t = s.intLanes;
        absMax.intoArray(t, 0);
        rMin.intoArray(t, 8);
        rMax.intoArray(t, 16);
        cMin.intoArray(t, 24);
        cMax.intoArray(t, 32);
        codeDiff.intoArray(t, 40);
        int am = 0, rlo = Integer.MAX_VALUE, rhi = Integer.MIN_VALUE, clo = Integer.MAX_VALUE, chi = Integer.MIN_VALUE;
        int diff = 0;
        for (int l = 0; l < 8; l++) {
            am = Math.max(am, t[l]);
            rlo = Math.min(rlo, t[8 + l]);
            rhi = Math.max(rhi, t[16 + l]);
            clo = Math.min(clo, t[24 + l]);
            chi = Math.max(chi, t[32 + l]);
            diff |= t[40 + l];
        }
        if (am >= FLOAT_INF) return false;
        SidePartial r = acc.ref, c = acc.cand;
        r.min = Math.min(r.min, fromOrderKey(rlo));
        r.max = Math.max(r.max, fromOrderKey(rhi));
        c.min = Math.min(c.min, fromOrderKey(clo));
        c.max = Math.max(c.max, fromOrderKey(chi));
        r.count += len;
        c.count += len;
        // Each count is a load+store on one of few hot counters; counting once for both sides halves them.
        s.codesAgree = diff == 0;
        if (!s.codesAgree) {
            s.rBins.countAll(rCodes, len);
            s.cBins.countAll(cCodes, len);
        } else if (!joint) {
            s.bothBins.countAll(rCodes, len);
        }
        return true;
    }

    private static double sum4(double[] t, int at) {
        return (t[at] + t[at + 1]) + (t[at + 2] + t[at + 3]);
    }

    /**
     * Inverse of the order key: a signed-int order that is the float order of {@link Math#min}
     * (-0.0 below 0.0), made by flipping the magnitude bits of negative floats (an involution).
     */
    private static double fromOrderKey(int k) {
        return Float.intBitsToFloat(k ^ ((k >> 31) & 0x7FFFFFFF));
    }

    /**
     * Widens the block's floats to doubles. convertShape F2D (vcvtps2pd) measured 2x faster than a
     * scalar loop on JDK 17 here, once it is in a small method of its own.
     */
    private static void widen(KernelScratch s, int len) {
        final int[] rBits = s.rBits, cBits = s.cBits;
        final double[] r = s.r, c = s.c;
        for (int i = 0; i < len; i += 4) {
            widen(rBits, i).intoArray(r, i);
            widen(cBits, i).intoArray(c, i);
        }
    }

    /** 1 - 2^-40: scales the running max_rel down so a rounded product can never hide a new maximum. */
    private static final double REL_SLACK = 1 - 0x1p-40;

    /**
     * Per pair, in 4 double lanes, for a block with only finite values: no finiteness masks, every pair
     * counts, and sumRR/sumCC are the sides' sums of squares. max_rel avoids a division per element
     * (vdivpd is ~4-5 cycles per 4 lanes): a lane can only raise the running maximum M if
     * |d|/|r| > M, i.e. |d| > M*|r| exactly; testing against (M*(1-2^-40))*|r| is conservative despite
     * rounding, and only blocks with such a lane compute the exact quotients.
     */
    private static void fastPairs(KernelScratch s, int len, long index0, PairPartial acc) {
        final DoubleVector zero = DoubleVector.zero(D256);
        final DoubleVector one = DoubleVector.broadcast(D256, 1);
        final double rtol = acc.rtol, atol = acc.atol;
        final DoubleVector relBound = DoubleVector.broadcast(D256, acc.maxRel * REL_SLACK);
        final double[] rs = s.r, cs = s.c, keys = s.keys;
        final long[] dCodes = s.dCodes;
        DoubleVector rSum = zero, rSq = zero, cSum = zero, cSq = zero;
        DoubleVector sAbs = zero, sSq = zero, sRC = zero;
        // Counted through blends, not carried as a VectorMask: JDK 17 C2 does not keep a loop-carried
        // mask in a register (it boxes it).
        DoubleVector maxAbs = zero, mism = zero, relHits = zero;
        for (int i = 0; i < len; i += 4) {
            DoubleVector r = DoubleVector.fromArray(D256, rs, i), c = DoubleVector.fromArray(D256, cs, i);
            rSum = rSum.add(r);
            rSq = r.fma(r, rSq);
            cSum = cSum.add(c);
            cSq = c.fma(c, cSq);
            sRC = r.fma(c, sRC);
            DoubleVector ad = c.sub(r).abs();
            sAbs = sAbs.add(ad);
            sSq = ad.fma(ad, sSq);
            maxAbs = maxAbs.blend(ad, ad.compare(VectorOperators.GT, maxAbs));
            DoubleVector ra = r.abs();
            relHits = relHits.add(zero.blend(one, ad.compare(VectorOperators.GT, ra.mul(relBound))
                    .and(ra.compare(VectorOperators.GT, zero))));
            // Multiply then add, not FMA: the tolerance must round as in every other backend.
            DoubleVector tol = ra.mul(rtol).add(atol);
            mism = mism.add(zero.blend(one, ad.compare(VectorOperators.GT, tol)));
            // |d| code; |d| is finite here, and 0 for an equal pair.
            LongVector lb = ad.reinterpretAsLongs();
            LongVector code = lb.lanewise(VectorOperators.LSHR, 52).sub(DOUBLE_BIAS_TO_BIN);
            code = code.blend(0, code.compare(VectorOperators.LT, 0));
            code = code.blend(TOP_BIN, code.compare(VectorOperators.GT, TOP_BIN));
            code = code.blend(BinCounts.ZERO, lb.eq(0));
            code.intoArray(dCodes, i);
            ad.intoArray(keys, i);
        }
        // Reduced in scalar code, as in fastSides.
        final double[] t = s.lanes;
        rSum.intoArray(t, 0);
        rSq.intoArray(t, 4);
        cSum.intoArray(t, 8);
        cSq.intoArray(t, 12);
        sAbs.intoArray(t, 16);
        sSq.intoArray(t, 20);
        sRC.intoArray(t, 24);
        mism.intoArray(t, 28);
        relHits.intoArray(t, 32);
        maxAbs.intoArray(t, 36);
        double rSqSum = sum4(t, 4), cSqSum = sum4(t, 12);
        acc.ref.sum += sum4(t, 0);
        acc.ref.sumSq += rSqSum;
        acc.cand.sum += sum4(t, 8);
        acc.cand.sumSq += cSqSum;
        acc.sumRR += rSqSum;
        acc.sumCC += cSqSum;
        acc.sumAbs += sum4(t, 16);
        acc.sumSq += sum4(t, 20);
        acc.sumRC += sum4(t, 24);
        acc.finitePairs += len;
        acc.mismatched += (long) sum4(t, 28);
        if (sum4(t, 32) != 0) {
            // Rare once the maximum has settled: the exact quotients, as the scalar kernel computes them.
            double m = acc.maxRel;
            for (int i = 0; i < len; i++) {
                double x = rs[i];
                if (x != 0) m = Math.max(m, Math.abs(cs[i] - x) / Math.abs(x));
            }
            acc.maxRel = m;
        }
        double blockMax = Math.max(Math.max(t[36], t[37]), Math.max(t[38], t[39]));
        if (acc.maxAbsIndex < 0 || blockMax > acc.maxAbs) {
            for (int i = 0; i < len; i++) {
                if (Math.abs(cs[i] - rs[i]) == blockMax) {
                    acc.maxAbs = blockMax;
                    acc.maxAbsIndex = index0 + i;
                    break;
                }
            }
        }
    }

    private static DoubleVector widen(float[] a, int i) {
        return (DoubleVector) FloatVector.fromArray(F128, a, i).convertShape(VectorOperators.F2D, D256, 0);
    }

    private static DoubleVector widen(int[] bits, int i) {
        return (DoubleVector) IntVector.fromArray(I128, bits, i).reinterpretAsFloats()
                .convertShape(VectorOperators.F2D, D256, 0);
    }

    /**
     * Histogram codes, min and max of {@code bits[0..n8)}, and a copy with non-finite values zeroed for
     * the sums. For a float the exponent field minus 127 equals Math.getExponent of the widened double
     * for normals; subnormal floats (field 0) land in the lowest bin either way, as -126 < -64.
     */
    private static void side(int[] bits, int n8, int[] codes, float[] finite, SidePartial acc) {
        FloatVector min = FloatVector.broadcast(FloatVector.SPECIES_256, Float.POSITIVE_INFINITY);
        FloatVector max = FloatVector.broadcast(FloatVector.SPECIES_256, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < n8; i += 8) {
            IntVector b = IntVector.fromArray(I256, bits, i);
            IntVector abs = b.and(0x7FFFFFFF);
            IntVector e = abs.lanewise(VectorOperators.LSHR, 23);
            IntVector sign = b.lanewise(VectorOperators.LSHR, 31);
            IntVector code = e.sub(FLOAT_BIAS_TO_BIN).max(0).min(TOP_BIN).or(sign.lanewise(VectorOperators.LSHL, 7));
            VectorMask<Integer> nonFinite = e.eq(255);
            VectorMask<Integer> inf = abs.eq(FLOAT_INF);
            code = code.blend(BinCounts.ZERO, abs.eq(0));
            code = code.blend(sign.add(BinCounts.POS_INF), inf);
            code = code.blend(BinCounts.NAN, nonFinite.andNot(inf));
            code.intoArray(codes, i);
            b.blend(0, nonFinite).reinterpretAsFloats().intoArray(finite, i);
            min = min.min(b.blend(FLOAT_INF, nonFinite).reinterpretAsFloats());
            max = max.max(b.blend(0xFF800000, nonFinite).reinterpretAsFloats());
        }
        acc.min = Math.min(acc.min, min.reduceLanes(VectorOperators.MIN));
        acc.max = Math.max(acc.max, max.reduceLanes(VectorOperators.MAX));
        acc.count += n8;
    }

    /** Everything per pair for elements {@code [0, n8)}; sides' sums come along from the zeroed copies. */
    private static void pairs(KernelScratch s, int n8, long index0, PairPartial acc) {
        final DoubleVector zero = DoubleVector.zero(D256);
        final DoubleVector one = DoubleVector.broadcast(D256, 1);
        final DoubleVector inf = DoubleVector.broadcast(D256, Double.POSITIVE_INFINITY);
        final double rtol = acc.rtol, atol = acc.atol;
        final boolean equalNan = acc.equalNan, image = acc.image != null;
        DoubleVector rSum = zero, rSq = zero, cSum = zero, cSq = zero;
        DoubleVector sAbs = zero, sSq = zero, sRR = zero, sCC = zero, sRC = zero;
        DoubleVector maxAbs = zero, maxRel = zero, pairs = zero, mism = zero;
        for (int i = 0; i < n8; i += 4) {
            DoubleVector r = DoubleVector.fromArray(D256, s.r, i), c = DoubleVector.fromArray(D256, s.c, i);
            DoubleVector rf = zero.blend(r, r.abs().lt(inf)), cf = zero.blend(c, c.abs().lt(inf));
            rSum = rSum.add(rf);
            rSq = rf.fma(rf, rSq);
            cSum = cSum.add(cf);
            cSq = cf.fma(cf, cSq);

            DoubleVector ad = c.sub(r).abs();
            // A float's double difference cannot overflow, so |d| is finite exactly when both sides are.
            VectorMask<Double> both = ad.lt(inf);
            VectorMask<Double> eq = r.eq(c);
            DoubleVector adz = zero.blend(ad, both);
            DoubleVector rp = zero.blend(r, both), cp = zero.blend(c, both);
            pairs = pairs.add(zero.blend(one, both)); // blend+add: masked add is slow in JDK 17 C2
            sAbs = sAbs.add(adz);
            sSq = adz.fma(adz, sSq);
            sRR = rp.fma(rp, sRR);
            sCC = cp.fma(cp, sCC);
            sRC = rp.fma(cp, sRC);
            maxAbs = maxAbs.blend(adz, adz.compare(VectorOperators.GT, maxAbs));
            DoubleVector ra = rp.abs();
            DoubleVector rel = zero.blend(adz.div(ra), ra.compare(VectorOperators.GT, 0));
            maxRel = maxRel.blend(rel, rel.compare(VectorOperators.GT, maxRel));
            // Multiply then add, not FMA: the tolerance must round as in every other backend.
            DoubleVector tol = ra.mul(rtol).add(atol);
            VectorMask<Double> bad = both.and(ad.compare(VectorOperators.GT, tol));
            VectorMask<Double> nanOk = equalNan ? r.test(VectorOperators.IS_NAN).and(c.test(VectorOperators.IS_NAN))
                                                : eq.and(eq.not());
            bad = bad.or(both.not().andNot(nanOk)).andNot(eq);
            mism = mism.add(zero.blend(one, bad));

            // |d| for the histogram and image: 0 where equal (also equal infinities), else |c - r|.
            DoubleVector a = ad.blend(zero, eq);
            LongVector lb = a.reinterpretAsLongs().and(Long.MAX_VALUE);
            // Compare-and-blend, not min/max: AVX2 has no 64-bit min/max, and C2 falls back to Java for them.
            LongVector code = lb.lanewise(VectorOperators.LSHR, 52).sub(DOUBLE_BIAS_TO_BIN);
            code = code.blend(0, code.compare(VectorOperators.LT, 0));
            code = code.blend(TOP_BIN, code.compare(VectorOperators.GT, TOP_BIN));
            code = code.blend(BinCounts.ZERO, lb.eq(0));
            code = code.blend(BinCounts.POS_INF, lb.eq(DOUBLE_INF));
            code = code.blend(BinCounts.NAN, lb.compare(VectorOperators.GT, DOUBLE_INF));
            code.intoArray(s.dCodes, i);
            if (image) inf.blend(a, a.lt(inf)).intoArray(s.keys, i);
        }
        acc.ref.sum += rSum.reduceLanes(VectorOperators.ADD);
        acc.ref.sumSq += rSq.reduceLanes(VectorOperators.ADD);
        acc.cand.sum += cSum.reduceLanes(VectorOperators.ADD);
        acc.cand.sumSq += cSq.reduceLanes(VectorOperators.ADD);
        acc.sumAbs += sAbs.reduceLanes(VectorOperators.ADD);
        acc.sumSq += sSq.reduceLanes(VectorOperators.ADD);
        acc.sumRR += sRR.reduceLanes(VectorOperators.ADD);
        acc.sumCC += sCC.reduceLanes(VectorOperators.ADD);
        acc.sumRC += sRC.reduceLanes(VectorOperators.ADD);
        long blockPairs = (long) pairs.reduceLanes(VectorOperators.ADD);
        acc.finitePairs += blockPairs;
        acc.mismatched += (long) mism.reduceLanes(VectorOperators.ADD);
        acc.maxRel = Math.max(acc.maxRel, maxRel.reduceLanes(VectorOperators.MAX));
        double blockMax = maxAbs.reduceLanes(VectorOperators.MAX);
        if (blockPairs > 0 && (acc.maxAbsIndex < 0 || blockMax > acc.maxAbs)) {
            // Rare after the first blocks: find the first finite pair reaching the block maximum.
            for (int i = 0; i < n8; i++) {
                double r = Float.intBitsToFloat(s.rBits[i]), c = Float.intBitsToFloat(s.cBits[i]);
                if (Double.isFinite(r) && Double.isFinite(c) && Math.abs(c - r) == blockMax) {
                    acc.maxAbs = blockMax;
                    acc.maxAbsIndex = index0 + i;
                    break;
                }
            }
        }
    }
}
