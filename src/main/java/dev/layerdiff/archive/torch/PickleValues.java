package dev.layerdiff.archive.torch;

import java.util.List;
import java.util.Map;

/** The few kinds of value the restricted pickle machine builds besides strings, numbers, lists and maps. */
final class PickleValues {
    private PickleValues() {}

    /** Longest description of a value in a message; a pickle's values may be cyclic or exponentially large. */
    private static final int DESCRIBE_CHARS = 120;
    private static final int DESCRIBE_DEPTH = 8;

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

    /**
     * A short description of {@code value} for messages, at most about {@value #DESCRIBE_CHARS} characters
     * whatever the value holds: containers are never printed with their own toString, which recurses
     * without bound on a list that holds itself.
     */
    static String describe(Object value) {
        StringBuilder sb = new StringBuilder();
        describe(value, 0, sb);
        return sb.length() > DESCRIBE_CHARS ? sb.substring(0, DESCRIBE_CHARS) + "..." : sb.toString();
    }

    private static void describe(Object v, int depth, StringBuilder sb) {
        if (sb.length() > DESCRIBE_CHARS) return;
        if (v instanceof List<?> l) items(l, "[", "]", depth, sb);
        else if (v instanceof Tuple t) items(t.items(), "(", ")", depth, sb);
        else if (v instanceof Map<?, ?> m) sb.append("{dict of ").append(m.size()).append(m.size() == 1 ? " item}" : " items}");
        else if (v instanceof TensorRef) sb.append("tensor");
        else if (v instanceof Global g) sb.append(g.qualified());
        else {
            String s = String.valueOf(v); // strings, numbers, None, storages: flat, but possibly long
            sb.append(s, 0, Math.min(s.length(), DESCRIBE_CHARS + 1));
        }
    }

    private static void items(List<?> items, String open, String close, int depth, StringBuilder sb) {
        if (depth >= DESCRIBE_DEPTH) {
            sb.append(open).append("...").append(close);
            return;
        }
        sb.append(open);
        for (int i = 0; i < items.size() && sb.length() <= DESCRIBE_CHARS; i++) {
            if (i > 0) sb.append(", ");
            describe(items.get(i), depth + 1, sb);
        }
        sb.append(close);
    }
}
