package dev.layerdiff.benchmarks;

/** float to float16 / bfloat16 bits, round to nearest even (Java 17 has no Float.floatToFloat16). */
final class Halfs {
    private Halfs() {}

    static short toBfloat16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) 0x7FC0;
        bits += 0x7FFF + ((bits >>> 16) & 1);
        return (short) (bits >>> 16);
    }

    static short toHalf(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        float a = Math.abs(f);
        if (Float.isNaN(f)) return (short) (sign | 0x7E00);
        if (a >= 65520f) return (short) (sign | 0x7C00);
        if (a < 0x1p-24f / 2) return (short) sign;
        if (a < 0x1p-14f) return (short) (sign | Math.round(a * 0x1p24f));
        int e = Math.getExponent(a);
        int m = Math.round((a / (float) Math.scalb(1.0, e) - 1f) * 1024f);
        if (m == 1024) {
            m = 0;
            e++;
        }
        return (short) (sign | ((e + 15) << 10) | m);
    }
}
