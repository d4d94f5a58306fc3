package dev.layerdiff.tensor;

/**
 * Element types that archives can hold, as the engine sees them. Complex types are exposed by the
 * readers as their real component type with a trailing dimension of 2 (as torch.view_as_real does).
 */
public enum DType {
    FLOAT64("float64", 8, Kind.FLOAT),
    FLOAT32("float32", 4, Kind.FLOAT),
    FLOAT16("float16", 2, Kind.FLOAT),
    BFLOAT16("bfloat16", 2, Kind.FLOAT),
    /** OCP FP8 E4M3 ("fn": no infinities, one NaN pattern per sign). */
    FLOAT8_E4M3FN("float8_e4m3fn", 1, Kind.FLOAT),
    /** OCP FP8 E5M2 (IEEE-like: infinities and NaNs). */
    FLOAT8_E5M2("float8_e5m2", 1, Kind.FLOAT),
    /** OCP MX scale type E8M0: value 2^(bits-127), 0xFF is NaN. */
    FLOAT8_E8M0FNU("float8_e8m0fnu", 1, Kind.FLOAT),
    INT64("int64", 8, Kind.INTEGER),
    INT32("int32", 4, Kind.INTEGER),
    INT16("int16", 2, Kind.INTEGER),
    INT8("int8", 1, Kind.INTEGER),
    UINT64("uint64", 8, Kind.INTEGER),
    UINT32("uint32", 4, Kind.INTEGER),
    UINT16("uint16", 2, Kind.INTEGER),
    UINT8("uint8", 1, Kind.INTEGER),
    BOOL("bool", 1, Kind.BOOL);

    /** Broad class of a dtype; decides default tolerances. */
    public enum Kind { FLOAT, INTEGER, BOOL }

    private final String displayName;
    private final int byteSize;
    private final Kind kind;

    DType(String displayName, int byteSize, Kind kind) {
        this.displayName = displayName;
        this.byteSize = byteSize;
        this.kind = kind;
    }

    /** Name as PyTorch prints it without the {@code torch.} prefix, e.g. {@code bfloat16}. */
    public String displayName() { return displayName; }

    /** The dtype whose {@link #displayName()} is {@code name}, or null if none is. */
    public static DType byDisplayName(String name) {
        for (DType d : values()) if (d.displayName.equals(name)) return d;
        return null;
    }

    /** Bytes per element. */
    public int byteSize() { return byteSize; }

    /** Float, integer or bool. */
    public Kind kind() { return kind; }

    /** True for floating-point types (which alone can hold NaN or infinities). */
    public boolean isFloatingPoint() { return kind == Kind.FLOAT; }

    @Override
    public String toString() { return displayName; }
}
