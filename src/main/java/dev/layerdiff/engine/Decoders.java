package dev.layerdiff.engine;

import dev.layerdiff.tensor.DType;
import java.nio.ByteBuffer;

/**
 * Element decoding from bytes to double for every {@link DType}, in the buffer's byte order. Every
 * conversion is exact except int64/uint64 above 2^53, which round to nearest like a C cast.
 */
public final class Decoders {
    private Decoders() {}

    /** Float16 bits to value; a 64K table because the branchy conversion costs more than an L2 hit. */
    private static final float[] F16 = new float[1 << 16];
    private static final double[] E4M3FN = new double[256];
    private static final double[] E5M2 = new double[256];
    private static final double[] E8M0 = new double[256];

    static {
        for (int b = 0; b < F16.length; b++) F16[b] = (float) halfToDouble(b);
        for (int b = 0; b < 256; b++) {
            E4M3FN[b] = e4m3fnToDouble(b);
            E5M2[b] = halfToDouble(b << 8); // E5M2 is the top byte of an IEEE half.
            E8M0[b] = b == 0xFF ? Double.NaN : Math.scalb(1.0, b - 127);
        }
    }

    /** IEEE 754 binary16: bias 15, subnormals, infinities, NaN. */
    public static double halfToDouble(int bits) {
        int sign = (bits >>> 15) & 1;
        int exp = (bits >>> 10) & 0x1F;
        int mant = bits & 0x3FF;
        double v;
        if (exp == 0x1F) v = mant == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        else if (exp == 0) v = Math.scalb((double) mant, -24);
        else v = Math.scalb((double) (mant | 0x400), exp - 25);
        return sign == 0 ? v : -v;
    }

    /** OCP FP8 E4M3FN: bias 7, subnormals, no infinities, S.1111.111 is NaN. */
    public static double e4m3fnToDouble(int bits) {
        int sign = (bits >>> 7) & 1;
        int exp = (bits >>> 3) & 0xF;
        int mant = bits & 0x7;
        double v;
        if (exp == 0xF && mant == 0x7) v = Double.NaN;
        else if (exp == 0) v = Math.scalb((double) mant, -9);
        else v = Math.scalb((double) (mant | 0x8), exp - 10);
        return sign == 0 ? v : -v;
    }

    /** Unsigned 64-bit to double, correctly rounded: halve with a sticky bit, convert, double. */
    public static double unsignedLongToDouble(long x) {
        if (x >= 0) return x;
        return ((double) ((x >>> 1) | (x & 1))) * 2.0;
    }

    /** Decodes elements {@code [first, first + n)} of {@code buf} into {@code out[0..n)}. */
    public static void decode(ByteBuffer buf, DType type, int first, int n, double[] out) {
        switch (type) {
            case FLOAT64 -> { for (int i = 0; i < n; i++) out[i] = buf.getDouble((first + i) << 3); }
            case FLOAT32 -> { for (int i = 0; i < n; i++) out[i] = buf.getFloat((first + i) << 2); }
            case FLOAT16 -> { for (int i = 0; i < n; i++) out[i] = F16[buf.getShort((first + i) << 1) & 0xFFFF]; }
            case BFLOAT16 -> {
                for (int i = 0; i < n; i++) out[i] = Float.intBitsToFloat(buf.getShort((first + i) << 1) << 16);
            }
            case FLOAT8_E4M3FN -> { for (int i = 0; i < n; i++) out[i] = E4M3FN[buf.get(first + i) & 0xFF]; }
            case FLOAT8_E5M2 -> { for (int i = 0; i < n; i++) out[i] = E5M2[buf.get(first + i) & 0xFF]; }
            case FLOAT8_E8M0FNU -> { for (int i = 0; i < n; i++) out[i] = E8M0[buf.get(first + i) & 0xFF]; }
            case INT64 -> { for (int i = 0; i < n; i++) out[i] = buf.getLong((first + i) << 3); }
            case INT32 -> { for (int i = 0; i < n; i++) out[i] = buf.getInt((first + i) << 2); }
            case INT16 -> { for (int i = 0; i < n; i++) out[i] = buf.getShort((first + i) << 1); }
            case INT8 -> { for (int i = 0; i < n; i++) out[i] = buf.get(first + i); }
            case UINT64 -> {
                for (int i = 0; i < n; i++) out[i] = unsignedLongToDouble(buf.getLong((first + i) << 3));
            }
            case UINT32 -> { for (int i = 0; i < n; i++) out[i] = buf.getInt((first + i) << 2) & 0xFFFFFFFFL; }
            case UINT16 -> { for (int i = 0; i < n; i++) out[i] = buf.getShort((first + i) << 1) & 0xFFFF; }
            case UINT8 -> { for (int i = 0; i < n; i++) out[i] = buf.get(first + i) & 0xFF; }
            // numpy and torch store bool as one byte 0/1; any non-zero byte reads as true.
            case BOOL -> { for (int i = 0; i < n; i++) out[i] = buf.get(first + i) != 0 ? 1 : 0; }
        }
    }
}
