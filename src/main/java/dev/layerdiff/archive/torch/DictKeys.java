package dev.layerdiff.archive.torch;

import dev.layerdiff.archive.ArchiveException;
import dev.layerdiff.archive.torch.PickleValues.Tuple;
import java.util.List;
import java.util.Map;

/**
 * Turns a pickle value into a dict key the way Python would accept it: strings, numbers, booleans, None
 * and tuples of those. Lists and dicts are unhashable in Python and refused here too (hashing a list
 * that holds itself never ends). A tuple becomes a {@link TupleKey} of two strings built under a work
 * budget, so that neither hashing nor naming it can recurse deeply or take exponential time.
 */
final class DictKeys {
    private final String file;
    private final WorkBudget budget;

    DictKeys(String file, long pickleBytes) {
        this.file = file;
        this.budget = new WorkBudget(file, "the pickle's dict keys hold", 1 << 20, 4, pickleBytes);
    }

    /**
     * A tuple key: {@code canonical} tells keys apart (("1",) from (1,)), {@code display} is the tensor
     * name segment. Strings make hashing bounded and let a HashMap keep colliding keys in a tree.
     */
    record TupleKey(String canonical, String display) implements Comparable<TupleKey> {
        @Override
        public int compareTo(TupleKey o) { return canonical.compareTo(o.canonical); }
    }

    Object of(Object key) throws ArchiveException {
        if (!(key instanceof Tuple t)) return scalar(key);
        StringBuilder canonical = new StringBuilder();
        StringBuilder display = new StringBuilder();
        tuple(t, 0, canonical, display);
        return new TupleKey(canonical.toString(), display.toString());
    }

    private Object scalar(Object key) throws ArchiveException {
        if (key instanceof String || key instanceof Long || key instanceof Double || key instanceof Boolean
                || key == PickleValues.NONE) return key;
        if (key instanceof List || key instanceof Map) {
            throw new ArchiveException(file, "unhashable dict key: a " + (key instanceof List ? "list" : "dict")
                    + " (Python refuses it too)");
        }
        throw new ArchiveException(file, "dict key " + PickleValues.describe(key) + " is not a string, number or tuple of them");
    }

    private void tuple(Tuple t, int depth, StringBuilder canonical, StringBuilder display) throws ArchiveException {
        if (depth >= Flattener.MAX_DEPTH) {
            throw new ArchiveException(file, "a dict key nests deeper than " + Flattener.MAX_DEPTH + " levels");
        }
        canonical.append('(');
        display.append('[');
        List<Object> items = t.items();
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                canonical.append(',');
                display.append(", ");
            }
            Object item = items.get(i);
            if (item instanceof Tuple inner) {
                budget.spend(1);
                tuple(inner, depth + 1, canonical, display);
            } else {
                Object v = scalar(item);
                String s = String.valueOf(v);
                budget.spend(1 + 2L * s.length());
                canonical.append(tag(v)).append(s.length()).append(':').append(s);
                display.append(s);
            }
        }
        canonical.append(')');
        display.append(']');
    }

    /** Tells keys of equal text apart: ("1",) and (1,) are two keys in Python. */
    private static char tag(Object scalar) {
        if (scalar instanceof String) return 's';
        if (scalar instanceof Long) return 'i';
        if (scalar instanceof Double) return 'f';
        if (scalar instanceof Boolean) return 'b';
        return 'n';
    }
}
