package dev.layerdiff.archive.torch;

import dev.layerdiff.tensor.DType;
import dev.layerdiff.archive.torch.PickleValues.Global;
import java.util.Map;

/** torch's legacy typed-storage class names, which torch.save still writes as the storage's dtype tag. */
final class StorageTypes {
    private StorageTypes() {}

    /** Element type of a storage, and whether each element is a complex pair of it. */
    record Kind(DType dtype, boolean complex) {}

    private static final Map<String, Kind> KINDS = Map.ofEntries(
            Map.entry("FloatStorage", new Kind(DType.FLOAT32, false)),
            Map.entry("DoubleStorage", new Kind(DType.FLOAT64, false)),
            Map.entry("HalfStorage", new Kind(DType.FLOAT16, false)),
            Map.entry("BFloat16Storage", new Kind(DType.BFLOAT16, false)),
            Map.entry("LongStorage", new Kind(DType.INT64, false)),
            Map.entry("IntStorage", new Kind(DType.INT32, false)),
            Map.entry("ShortStorage", new Kind(DType.INT16, false)),
            Map.entry("CharStorage", new Kind(DType.INT8, false)),
            Map.entry("ByteStorage", new Kind(DType.UINT8, false)),
            Map.entry("BoolStorage", new Kind(DType.BOOL, false)),
            Map.entry("UInt16Storage", new Kind(DType.UINT16, false)),
            Map.entry("UInt32Storage", new Kind(DType.UINT32, false)),
            Map.entry("UInt64Storage", new Kind(DType.UINT64, false)),
            Map.entry("Float8_e4m3fnStorage", new Kind(DType.FLOAT8_E4M3FN, false)),
            Map.entry("Float8_e5m2Storage", new Kind(DType.FLOAT8_E5M2, false)),
            Map.entry("Float8_e8m0fnuStorage", new Kind(DType.FLOAT8_E8M0FNU, false)),
            Map.entry("ComplexFloatStorage", new Kind(DType.FLOAT32, true)),
            Map.entry("ComplexDoubleStorage", new Kind(DType.FLOAT64, true)));

    static boolean isStorage(Global g) {
        return g.module().equals("torch") && KINDS.containsKey(g.name());
    }

    /** The kind of {@code torch.<name>}; null if it is not a storage type this reader knows. */
    static Kind kind(String name) {
        return KINDS.get(name);
    }
}
