package dev.layerdiff.archive.safetensors;

import dev.layerdiff.archive.ArchiveException;
import dev.layerdiff.tensor.DType;
import java.util.Arrays;

/** A safetensors dtype name mapped to a {@link DType}; complex C64 becomes float32 pairs. */
record SafetensorsDtype(DType dtype, boolean complex) {

    static SafetensorsDtype parse(String code, String file, String what) throws ArchiveException {
        switch (code) {
            case "BOOL": return of(DType.BOOL);
            case "U8": return of(DType.UINT8);
            case "I8": return of(DType.INT8);
            case "I16": return of(DType.INT16);
            case "U16": return of(DType.UINT16);
            case "I32": return of(DType.INT32);
            case "U32": return of(DType.UINT32);
            case "I64": return of(DType.INT64);
            case "U64": return of(DType.UINT64);
            case "F16": return of(DType.FLOAT16);
            case "BF16": return of(DType.BFLOAT16);
            case "F32": return of(DType.FLOAT32);
            case "F64": return of(DType.FLOAT64);
            case "F8_E4M3": return of(DType.FLOAT8_E4M3FN);
            case "F8_E5M2": return of(DType.FLOAT8_E5M2);
            case "F8_E8M0": return of(DType.FLOAT8_E8M0FNU);
            case "C64": return new SafetensorsDtype(DType.FLOAT32, true);
            case "F4": case "F6_E2M3": case "F6_E3M2":
                throw new ArchiveException(file, what + "unsupported dtype '" + code + "' (sub-byte floats are not supported)");
            default: throw new ArchiveException(file, what + "unknown dtype '" + code + "'");
        }
    }

    private static SafetensorsDtype of(DType t) {
        return new SafetensorsDtype(t, false);
    }

    long[] logicalShape(long[] stored) {
        if (!complex) return stored;
        long[] s = Arrays.copyOf(stored, stored.length + 1);
        s[stored.length] = 2;
        return s;
    }
}
