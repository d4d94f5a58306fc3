package dev.layerdiff.engine;

import dev.layerdiff.stats.Histogram;
import java.util.Arrays;

/**
 * A kernel's per-thread histogram scratch: int counts indexed by a bin code, in {@value #COPIES}
 * interleaved copies. Value histograms are concentrated in a few bins, so consecutive increments of
 * one array hit the same counter and serialize on store-to-load forwarding (about 5 cycles each);
 * rotating over independent copies lets them overlap. Counts are flushed into a {@link Histogram}
 * after each chunk, so an int never holds more than one chunk's elements.
 *
 * <p>Codes, as {@code LD_*} of {@code src/main/native/include/layerdiff_codes.h} (NativeCodesTest checks
 * them against it): {@code 0..127} positive bins, {@link #NEGATIVE}{@code ..255} negative bins (bin =
 * exponent + 64, clamped), then {@link #ZERO}, {@link #NAN}, {@link #POS_INF}, {@link #NEG_INF}.
 */
final class BinCounts {
    /** Code of the first negative bin (bit 7: a bin's sign). */
    public static final int NEGATIVE = Histogram.BINS;
    /** Code of a zero of either sign. */
    public static final int ZERO = 2 * Histogram.BINS;
    /** Code of a NaN. */
    public static final int NAN = ZERO + 1;
    /** Code of +Inf; -Inf is {@code POS_INF + 1}, so {@code POS_INF + signBit} picks either. */
    public static final int POS_INF = ZERO + 2;
    /** Code of -Inf. */
    public static final int NEG_INF = ZERO + 3;
    /** Codes in all. */
    public static final int CODES = NEG_INF + 1;
    /** Distance between the interleaved copies (padded past the 260 codes). */
    public static final int STRIDE = 264;
    /** Interleaved copies. */
    public static final int COPIES = 4;

    private final int[] counts = new int[STRIDE * COPIES];

    /** The code of a value, binned exactly as {@link Histogram#add(double)} does. */
    public static int codeOf(double x) {
        long bits = Double.doubleToRawLongBits(x);
        long abs = bits & Long.MAX_VALUE;
        int sign = (int) (bits >>> 63);
        int e = (int) (abs >>> 52);
        if (e == 0x7ff) return abs == 0x7ff0000000000000L ? POS_INF + sign : NAN;
        if (abs == 0) return ZERO;
        // Math.getExponent is e - 1023 for normals and -1023 for subnormals; bin = exponent + 64, clamped.
        int bin = Math.min(Math.max(e - (1023 + Histogram.MIN_EXPONENT), 0), Histogram.BINS - 1);
        return bin + sign * NEGATIVE;
    }

    /** Counts one code. */
    public void add(int code) {
        counts[code]++;
    }

    /** Counts one code {@code n} times. */
    public void add(int code, int n) {
        counts[code] += n;
    }

    /** Counts {@code codes[0..n)}. */
    public void countAll(int[] codes, int n) {
        int[] h = counts;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            h[codes[i]]++;
            h[STRIDE + codes[i + 1]]++;
            h[2 * STRIDE + codes[i + 2]]++;
            h[3 * STRIDE + codes[i + 3]]++;
        }
        for (; i < n; i++) h[codes[i]]++;
    }

    /** Counts {@code codes[0..n)} held as longs (codes computed in 64-bit lanes). */
    public void countAll(long[] codes, int n) {
        int[] h = counts;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            h[(int) codes[i]]++;
            h[STRIDE + (int) codes[i + 1]]++;
            h[2 * STRIDE + (int) codes[i + 2]]++;
            h[3 * STRIDE + (int) codes[i + 3]]++;
        }
        for (; i < n; i++) h[(int) codes[i]]++;
    }

    /** Adds the counts to both targets and clears them. */
    public void flushInto(Histogram first, Histogram second) {
        addTo(first);
        flushInto(second);
    }

    /** Adds the counts to {@code target} and clears them. */
    public void flushInto(Histogram target) {
        addTo(target);
        Arrays.fill(counts, 0);
    }

    private void addTo(Histogram target) {
        int[] h = counts;
        for (int b = 0; b < Histogram.BINS; b++) {
            long pos = 0, neg = 0;
            for (int l = 0; l < COPIES; l++) {
                pos += h[l * STRIDE + b];
                neg += h[l * STRIDE + NEGATIVE + b];
            }
            if (pos != 0) target.addPositive(b, pos);
            if (neg != 0) target.addNegative(b, neg);
        }
        long[] special = new long[4];
        for (int s = 0; s < 4; s++) {
            for (int l = 0; l < COPIES; l++) special[s] += h[l * STRIDE + ZERO + s];
        }
        target.addSpecial(special[0], special[1], special[2], special[3]);
    }
}
