package dev.layerdiff.diagnosis;

import dev.layerdiff.tensor.DType;
import java.util.Locale;

/**
 * A floating-point format a run computes in, by its unit roundoff u: the largest relative error of
 * one rounding (bf16 keeps 8 significant bits, so u = 2^-8; fp16 and tf32 keep 11, u = 2^-11).
 */
public enum Precision {
    FP64(0x1p-53),
    FP32(0x1p-24),
    TF32(0x1p-11),
    FP16(0x1p-11),
    BF16(0x1p-8);

    private final double unit;

    Precision(double unit) { this.unit = unit; }

    /** The unit roundoff. */
    public double unit() { return unit; }

    /** The name the command line uses: {@code fp64}, {@code tf32}, ... */
    public String cliName() { return name().toLowerCase(Locale.ROOT); }

    /**
     * The unit roundoff of values stored in {@code dtype}: what a dump's own dtype says about the run
     * that wrote it. Integer, boolean and 8-bit float types carry no rounding model (0).
     */
    public static double unitOf(DType dtype) {
        return switch (dtype) {
            case FLOAT64 -> FP64.unit;
            case FLOAT32 -> FP32.unit;
            case FLOAT16 -> FP16.unit;
            case BFLOAT16 -> BF16.unit;
            default -> 0;
        };
    }

    /** Parses a command-line name (case-insensitive). */
    public static Precision parse(String s) {
        for (Precision p : values()) if (p.cliName().equalsIgnoreCase(s.trim())) return p;
        throw new IllegalArgumentException("unknown precision '" + s + "': use fp64, fp32, tf32, fp16 or bf16");
    }
}
