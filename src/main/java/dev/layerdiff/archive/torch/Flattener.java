package dev.layerdiff.archive.torch;

import dev.layerdiff.archive.ArchiveException;
import dev.layerdiff.archive.torch.PickleValues.TensorRef;
import dev.layerdiff.archive.torch.PickleValues.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Turns the unpickled object into named tensors: containers flatten with {@code /}, other leaves drop out. */
final class Flattener {
    /** Deeper nesting is not a dump but an attack on the reader's stack. */
    static final int MAX_DEPTH = 100;

    private Flattener() {}

    record Leaf(String name, TensorRef tensor) {}

    /** @param rootName name of a bare root tensor */
    static List<Leaf> flatten(Object root, String rootName, String file) throws ArchiveException {
        List<Leaf> out = new ArrayList<>();
        if (root instanceof TensorRef t) out.add(new Leaf(rootName, t));
        else walk(root, "", 0, out, file);
        return out;
    }

    /** Whether the root is one tensor without a name of its own. */
    static boolean isBare(Object root) {
        return root instanceof TensorRef;
    }

    private static void walk(Object o, String name, int depth, List<Leaf> out, String file) throws ArchiveException {
        if (depth > MAX_DEPTH) throw new ArchiveException(file, "containers nest deeper than " + MAX_DEPTH + " levels");
        if (o instanceof TensorRef t) {
            out.add(new Leaf(name, t));
        } else if (o instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) walk(e.getValue(), join(name, key(e.getKey())), depth + 1, out, file);
        } else if (o instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) walk(l.get(i), join(name, Integer.toString(i)), depth + 1, out, file);
        } else if (o instanceof Tuple t) {
            walk(t.items(), name, depth, out, file);
        }
    }

    private static String key(Object k) {
        if (k instanceof Tuple t) return t.items().toString();
        return String.valueOf(k);
    }

    private static String join(String prefix, String key) {
        return prefix.isEmpty() ? key : prefix + "/" + key;
    }
}
