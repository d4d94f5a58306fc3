package dev.layerdiff.engine;

import dev.layerdiff.tensor.DType;
import java.nio.ByteBuffer;

/**
 * The CPU kernel boundary: folds the elements of one chunk into a partial result. Implementations
 * (scalar, SIMD, native) assume valid input; {@link CpuBackend} chunks, reads, validates and merges.
 */
public interface CpuKernel {

    /** Short name for logs: {@code native}, {@code simd} or {@code scalar}. */
    String name();

    /** Folds {@code n} element pairs, the first at flat index {@code firstIndex}, into {@code acc}. */
    void compare(ByteBuffer ref, DType refType, ByteBuffer cand, DType candType, int n, long firstIndex,
                 PairPartial acc);

    /** Folds {@code n} elements of one tensor into {@code acc}. */
    void summarize(ByteBuffer values, DType type, int n, SidePartial acc);

    /** Folds {@code n} elements of one tensor, the first at flat index {@code first}, into its sketch. */
    default void sketch(ByteBuffer values, DType type, int n, long first, SketchPartial acc) {
        SketchKernel.accumulate(values, type, n, first, acc);
    }
}
