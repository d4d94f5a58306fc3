package dev.layerdiff.engine;

import dev.layerdiff.tensor.DType;

/**
 * The element type codes of the native kernels (CPU and CUDA): {@code LD_DT_<name>} of
 * {@code src/main/native/include/layerdiff_codes.h}, which is the position of the type in {@link DType}.
 * That header is the one table; NativeCodesTest parses it, so neither side can change alone.
 */
public final class NativeCodes {
    private NativeCodes() {}

    /** The code of {@code t}. */
    public static int dtype(DType t) {
        return t.ordinal();
    }
}
