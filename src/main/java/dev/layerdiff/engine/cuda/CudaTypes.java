package dev.layerdiff.engine.cuda;

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
        return switch (t) {
            case FLOAT64 -> 0;
            case FLOAT32 -> 1;
            case FLOAT16 -> 2;
            case BFLOAT16 -> 3;
            case FLOAT8_E4M3FN -> 4;
            case FLOAT8_E5M2 -> 5;
            case FLOAT8_E8M0FNU -> 6;
            case INT64 -> 7;
            case INT32 -> 8;
            case INT16 -> 9;
            case INT8 -> 10;
            case UINT64 -> 11;
            case UINT32 -> 12;
            case UINT16 -> 13;
            case UINT8 -> 14;
            case BOOL -> 15;
        };
    }
}
