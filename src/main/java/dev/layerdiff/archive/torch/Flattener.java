package dev.layerdiff.archive.torch;

import dev.layerdiff.archive.ArchiveException;
import dev.layerdiff.archive.torch.PickleValues.TensorRef;
import dev.layerdiff.archive.torch.PickleValues.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns the unpickled object into named tensors: containers flatten with {@code /}, other leaves drop
 * out. Each value visited costs one unit and the length of its name, within a budget that grows with
 * the pickle's size (see {@link WorkBudget}).
 */
final class Flattener {
    /** Deeper nesting is not a dump but an attack on the reader's stack. */
    static final int MAX_DEPTH = 100;
    private static final long WORK_FLOOR = 1 << 24;
    private static final long WORK_PER_BYTE = 64;

    private final List<Leaf> out = new ArrayList<>();
    private final String file;
    private final WorkBudget budget;

    private Flattener(String file, long pickleBytes) {
        this.file = file;
        this.budget = new WorkBudget(file, "the pickle names", WORK_FLOOR, WORK_PER_BYTE, pickleBytes);
    }

    record Leaf(String name, TensorRef tensor) {}

    /**
     * @param rootName    name of a bare root tensor
     * @param pickleBytes size of the pickle, which bounds the work flattening may take
     */
    static List<Leaf> flatten(Object root, String rootName, String file, long pickleBytes) throws ArchiveException {
        Flattener f = new Flattener(file, pickleBytes);
        if (root instanceof TensorRef t) f.out.add(new Leaf(rootName, t));
        else f.walk(root, "", 0);
        return f.out;
    }

    /** Whether the root is one tensor without a name of its own. */
    static boolean isBare(Object root) {
        return root instanceof TensorRef;
    }

    private void walk(Object o, String name, int depth) throws ArchiveException {
        if (depth > MAX_DEPTH) throw new ArchiveException(file, "containers nest deeper than " + MAX_DEPTH + " levels");
        budget.spend(1 + name.length());
        if (o instanceof TensorRef t) {
            out.add(new Leaf(name, t));
        } else if (o instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) walk(e.getValue(), join(name, key(e.getKey())), depth + 1);
        } else if (o instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) walk(l.get(i), join(name, Integer.toString(i)), depth + 1);
        } else if (o instanceof Tuple t) {
            walk(t.items(), name, depth);
        }
    }

    /** Keys are what {@link DictKeys} let into a dict: scalars and tuple keys. */
    private static String key(Object k) {
        if (k instanceof DictKeys.TupleKey t) return t.display();
        return String.valueOf(k);
    }

    private static String join(String prefix, String key) {
        return prefix.isEmpty() ? key : prefix + "/" + key;
    }
}
