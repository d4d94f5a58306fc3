package dev.layerdiff.engine.cuda;

import dev.layerdiff.engine.NativeCodes;
import dev.layerdiff.tensor.DType;
import dev.layerdiff.tensor.TensorEntry;
import java.nio.ByteOrder;

/** How the kernels are told what they read: an element type code and whether to swap bytes. */
final class CudaTypes {
    private CudaTypes() {}

    /** 1 when the kernels must swap the bytes of {@code e}'s elements (big-endian, wider than a byte). */
    static int swap(TensorEntry e) {
        return e.byteOrder() == ByteOrder.BIG_ENDIAN && e.dtype().byteSize() > 1 ? 1 : 0;
    }

    /** The kernels' element type code ({@code LD_DT_*}). */
    static int code(DType t) {
        return NativeCodes.dtype(t);
    }
}
