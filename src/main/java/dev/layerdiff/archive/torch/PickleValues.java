package dev.layerdiff.archive.torch;

import java.util.List;

/** The few kinds of value the restricted pickle machine builds besides strings, numbers, lists and maps. */
final class PickleValues {
    private PickleValues() {}

    /** Python's None. */
    static final Object NONE = new Object() {
        @Override
        public String toString() { return "None"; }
    };

    /** A tuple; kept apart from lists only so that error messages read naturally. */
    record Tuple(List<Object> items) {}

    /** An allow-listed global, referenced but never executed. */
    record Global(String module, String name) {
        String qualified() { return module + "." + name; }
    }

    /** A persistent id ('storage', type, key, location, numel): a zip member holding raw elements. */
    record StorageRef(String typeName, String key, String location, long numel) {}

    /** The arguments of torch._utils._rebuild_tensor_v2: a view into a storage. */
    record TensorRef(StorageRef storage, long storageOffset, long[] size, long[] stride) {}
}
