package dev.layerdiff.compare;

import dev.layerdiff.tensor.DType;

/**
 * An allclose tolerance: a pair is equal when {@code |cand - ref| <= atol + rtol * |ref|}.
 *
 * @param rtol relative tolerance
 * @param atol absolute tolerance
 */
public record Tolerance(double rtol, double atol) implements java.io.Serializable {

    public Tolerance {
        if (!(rtol >= 0) || !(atol >= 0) || Double.isInfinite(rtol) || Double.isInfinite(atol)) {
            throw new IllegalArgumentException("tolerances must be finite and >= 0, got rtol=" + rtol + " atol=" + atol);
        }
    }

    /**
     * torch.testing.assert_close's default for a dtype: float16 1e-3/1e-5, bfloat16 1.6e-2/1e-5,
     * float32 1.3e-6/1e-5, float64 1e-7/1e-7, integers and bool exact. torch has no entry for the 8-bit
     * floats; we use half their machine epsilon as rtol (e4m3 2^-4, e5m2 2^-3, e8m0 2^-1), so one unit of
     * rounding passes, with atol 1e-5 like the other low-precision types.
     */
    public static Tolerance defaultFor(DType dtype) {
        return DEFAULTS.get(dtype);
    }

    private static final java.util.Map<DType, Tolerance> DEFAULTS = defaults();

    private static java.util.Map<DType, Tolerance> defaults() {
        java.util.Map<DType, Tolerance> m = new java.util.EnumMap<>(DType.class);
        for (DType d : DType.values()) m.put(d, of(d));
        return m;
    }

    private static Tolerance of(DType dtype) {
        return switch (dtype) {
            case FLOAT16 -> new Tolerance(1e-3, 1e-5);
            case BFLOAT16 -> new Tolerance(1.6e-2, 1e-5);
            case FLOAT32 -> new Tolerance(1.3e-6, 1e-5);
            case FLOAT64 -> new Tolerance(1e-7, 1e-7);
            case FLOAT8_E4M3FN -> new Tolerance(0x1p-4, 1e-5);
            case FLOAT8_E5M2 -> new Tolerance(0x1p-3, 1e-5);
            case FLOAT8_E8M0FNU -> new Tolerance(0x1p-1, 1e-5);
            default -> new Tolerance(0, 0);
        };
    }

    /** The default for a pair of dtypes: the looser of the two in each component. */
    public static Tolerance defaultFor(DType reference, DType candidate) {
        Tolerance a = defaultFor(reference);
        Tolerance b = defaultFor(candidate);
        if (reference == candidate) return a;
        return new Tolerance(Math.max(a.rtol, b.rtol), Math.max(a.atol, b.atol));
    }
}
