package dev.layerdiff.archive.torch;

import dev.layerdiff.archive.ArchiveException;
import dev.layerdiff.archive.torch.PickleValues.Global;
import dev.layerdiff.archive.torch.PickleValues.StorageRef;
import dev.layerdiff.archive.torch.PickleValues.TensorRef;
import dev.layerdiff.archive.torch.PickleValues.Tuple;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A restricted pickle interpreter for the data.pkl that torch.save writes. It understands the opcodes
 * of protocols 2 to 5 that such files use, builds plain values, and treats the few allow-listed
 * globals as data constructors; any other global is refused before anything could call it, and
 * nothing is ever executed. Sizes come from the pickle itself, so every length is checked against the
 * bytes that remain and the stack, mark stack and memo are bounded by the pickle's size.
 */
final class PickleMachine {
    private static final int MAX_MARKS = 1000;
    private static final Set<String> CALLABLE = Set.of("collections.OrderedDict", "torch._utils._rebuild_tensor_v2",
            "torch._utils._rebuild_tensor", "torch._utils._rebuild_parameter", "torch.Size", "torch.device");

    private final ByteBuffer in;
    private final int start;
    private final String file;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();
    private final DictKeys keys;
    private final Map<String, StorageRef> storages = new LinkedHashMap<>();

    private PickleMachine(byte[] pickle, int offset, String file) {
        this.in = ByteBuffer.wrap(pickle, offset, pickle.length - offset).order(ByteOrder.LITTLE_ENDIAN);
        this.start = offset;
        this.file = file;
        this.keys = new DictKeys(file, pickle.length - offset);
    }

    /** What a pickle built, the storages its persistent ids named (by key), and the byte after its STOP. */
    record Loaded(Object value, Map<String, StorageRef> storages, int end) {}

    /** A pickle that ends before its STOP opcode: a longer read of the same file may complete it. */
    static final class Truncated extends ArchiveException {
        Truncated(String file, String problem) {
            super(file, problem);
        }
    }

    /** Runs {@code pickle} and returns the object it builds. */
    static Object load(byte[] pickle, String file) throws ArchiveException {
        return load(pickle, 0, file).value();
    }

    /** Runs the pickle that starts at byte {@code offset} of {@code bytes}, up to its STOP opcode. */
    static Loaded load(byte[] bytes, int offset, String file) throws ArchiveException {
        PickleMachine m = new PickleMachine(bytes, offset, file);
        try {
            Object value = m.run();
            return new Loaded(value, m.storages, m.in.position());
        } catch (java.nio.BufferUnderflowException e) {
            throw new Truncated(file, "truncated pickle: it ends inside an opcode at byte " + (bytes.length - offset));
        } catch (ClassCastException | IndexOutOfBoundsException e) {
            throw new ArchiveException(file, "malformed pickle near byte " + (m.in.position() - offset) + ": operands of the wrong kind");
        }
    }

    private Object run() throws ArchiveException {
        while (in.hasRemaining()) {
            int at = in.position();
            int op = in.get() & 0xff;
            switch (op) {
                case 0x80: in.get(); break; // PROTO
                case 0x95: in.getLong(); break; // FRAME: framing only groups opcodes
                case '.': return finish();
                case '(': if (marks.size() >= MAX_MARKS) throw error("pickle nests deeper than " + MAX_MARKS + " levels");
                    marks.add(stack.size()); break;
                case '}': push(new LinkedHashMap<Object, Object>()); break;
                case ']': push(new ArrayList<Object>()); break;
                case ')': push(new Tuple(List.of())); break;
                case 'X': push(string(in.getInt() & 0xffffffffL)); break;
                case 0x8c: push(string(in.get() & 0xff)); break;
                case 0x8d: push(string(in.getLong())); break;
                case 'C': skipBytes(in.get() & 0xff); break;
                case 'B': skipBytes(in.getInt() & 0xffffffffL); break;
                case 0x8e: skipBytes(in.getLong()); break;
                case 'q': memo.put((long) (in.get() & 0xff), top()); break;
                case 'r': memo.put(in.getInt() & 0xffffffffL, top()); break;
                case 0x94: memo.put((long) memo.size(), top()); break;
                case 'h': push(get(in.get() & 0xff)); break;
                case 'j': push(get(in.getInt() & 0xffffffffL)); break;
                case 'c': push(global(line(), line())); break;
                case 0x93: { String name = (String) pop(); String module = (String) pop(); push(global(module, name)); break; }
                case 'Q': push(persistentId(pop())); break;
                case 'J': push((long) in.getInt()); break;
                case 'K': push((long) (in.get() & 0xff)); break;
                case 'M': push((long) (in.getShort() & 0xffff)); break;
                case 0x8a: push(long1(in.get() & 0xff)); break;
                case 'G': push(in.order(ByteOrder.BIG_ENDIAN).getDouble()); in.order(ByteOrder.LITTLE_ENDIAN); break;
                case 't': push(new Tuple(popMark())); break;
                case 0x85: push(new Tuple(List.of(pop()))); break;
                case 0x86: { Object b = pop(); Object a = pop(); push(new Tuple(List.of(a, b))); break; }
                case 0x87: { Object c = pop(); Object b = pop(); Object a = pop(); push(new Tuple(List.of(a, b, c))); break; }
                case 'R': { Tuple args = (Tuple) pop(); push(call((Global) pop(), args.items())); break; }
                case 0x81: { Tuple args = (Tuple) pop(); push(call((Global) pop(), args.items())); break; } // NEWOBJ
                case 'b': pop(); break; // BUILD: object state (e.g. OrderedDict._metadata) carries no tensors
                case 's': { Object v = pop(); Object k = pop(); dict(top()).put(keys.of(k), v); break; }
                case 'u': { List<Object> kv = popMark(); if (kv.size() % 2 != 0) throw error("SETITEMS with an odd item count");
                    Map<Object, Object> d = dict(top()); for (int i = 0; i < kv.size(); i += 2) d.put(keys.of(kv.get(i)), kv.get(i + 1)); break; }
                case 'a': { Object v = pop(); list(top()).add(v); break; }
                case 'e': { List<Object> vs = popMark(); list(top()).addAll(vs); break; }
                case 0x88: push(Boolean.TRUE); break;
                case 0x89: push(Boolean.FALSE); break;
                case 'N': push(PickleValues.NONE); break;
                case '0': pop(); break;
                case '1': popMark(); break;
                case '2': push(top()); break;
                default: throw error(String.format("unsupported pickle opcode 0x%02x at byte %d", op, at));
            }
        }
        throw new Truncated(file, "truncated pickle: no STOP opcode");
    }

    private Object finish() throws ArchiveException {
        if (stack.size() != 1 || !marks.isEmpty()) throw error("malformed pickle: STOP with " + stack.size() + " values on the stack");
        return stack.get(0);
    }

    private Global global(String module, String name) throws ArchiveException {
        Global g = new Global(module, name);
        if (CALLABLE.contains(g.qualified()) || StorageTypes.isStorage(g)) return g;
        String[] kind = UNSUPPORTED_TENSORS.get(g.qualified());
        if (kind != null) throw error("holds " + kind[0] + " (" + g.qualified() + "), which layerdiff does not read yet; " + kind[1]);
        throw error("pickle refers to global " + g.qualified() + ", which a tensor dump never needs; refusing to load");
    }

    /** Tensors that torch's own weights-only loader accepts but this reader does not read yet, and the way out. */
    private static final Map<String, String[]> UNSUPPORTED_TENSORS = Map.of(
            "torch._utils._rebuild_qtensor", new String[] {"a quantized tensor", "save t.dequantize() to compare it"},
            "torch._utils._rebuild_sparse_tensor", new String[] {"a sparse tensor", "save t.to_dense() to compare it"},
            "torch._utils._rebuild_sparse_csr_tensor", new String[] {"a sparse CSR tensor", "save t.to_dense() to compare it"},
            "torch._utils._rebuild_nested_tensor", new String[] {"a nested tensor", "save its components to compare them"},
            "torch._utils._rebuild_meta_tensor_no_storage", new String[] {"a meta tensor", "it has no values to compare"},
            "torch._utils._rebuild_wrapper_subclass", new String[] {"a tensor subclass without storage", "save it as a plain tensor"},
            "torch._tensor._rebuild_from_type_v2", new String[] {"a tensor subclass", "save t.as_subclass(torch.Tensor)"},
            "torch._utils._rebuild_device_tensor_from_numpy", new String[] {"a device tensor rebuilt from numpy", "save t.cpu()"});

    private Object call(Global g, List<Object> args) throws ArchiveException {
        switch (g.qualified()) {
            case "collections.OrderedDict":
                if (!args.isEmpty()) throw error("OrderedDict called with arguments");
                return new LinkedHashMap<Object, Object>();
            case "torch._utils._rebuild_tensor_v2":
            case "torch._utils._rebuild_tensor":
                if (args.size() < 4) throw error("_rebuild_tensor with " + args.size() + " arguments");
                return new TensorRef((StorageRef) args.get(0), (Long) args.get(1), longs(args.get(2)), longs(args.get(3)));
            case "torch._utils._rebuild_parameter":
                if (args.isEmpty() || !(args.get(0) instanceof TensorRef t)) throw error("_rebuild_parameter without a tensor");
                return t;
            case "torch.Size":
                return args.isEmpty() ? new Tuple(List.of()) : args.get(0);
            case "torch.device":
                return args.isEmpty() ? PickleValues.NONE : PickleValues.describe(args.get(0));
            default:
                throw error("pickle calls " + g.qualified() + ", which is not a constructor a tensor dump uses");
        }
    }

    /**
     * A storage: ('storage', type, key, location, numel) in a zip file; the legacy format adds a sixth
     * item, the view of a larger storage that PyTorch before 0.4 could save, which is None since.
     */
    private StorageRef persistentId(Object pid) throws ArchiveException {
        boolean zip = pid instanceof Tuple t && t.items().size() == 5;
        boolean legacy = pid instanceof Tuple t && t.items().size() == 6;
        if (!(zip || legacy) || !"storage".equals(((Tuple) pid).items().get(0))) {
            throw error("unsupported persistent id " + PickleValues.describe(pid));
        }
        List<Object> p = ((Tuple) pid).items();
        if (legacy && p.get(5) != PickleValues.NONE) {
            throw error("a storage saved as a view of another (" + PickleValues.describe(p.get(5))
                    + "), which PyTorch before 0.4 wrote; not supported: re-save it with a current torch.save");
        }
        if (!(p.get(1) instanceof Global type) || !StorageTypes.isStorage(type)) throw error("persistent id names no storage type");
        StorageRef ref = new StorageRef(type.name(), (String) p.get(2), PickleValues.describe(p.get(3)), (Long) p.get(4));
        StorageRef before = storages.putIfAbsent(ref.key(), ref);
        if (before != null && !before.typeName().equals(ref.typeName())) {
            throw error("storage " + ref.key() + " is named as both " + before.typeName() + " and " + ref.typeName());
        }
        return ref;
    }

    private long[] longs(Object o) throws ArchiveException {
        if (!(o instanceof Tuple t)) throw error("tensor size or stride is not a tuple");
        long[] out = new long[t.items().size()];
        for (int i = 0; i < out.length; i++) out[i] = (Long) t.items().get(i);
        return out;
    }

    private Object long1(int n) throws ArchiveException {
        if (n > 8) throw error("integer of " + n + " bytes is too large for a tensor dump");
        byte[] b = new byte[n];
        in.get(b);
        byte[] be = new byte[n];
        for (int i = 0; i < n; i++) be[i] = b[n - 1 - i];
        return n == 0 ? 0L : new BigInteger(be).longValue();
    }

    private String string(long length) throws ArchiveException {
        if (length < 0 || length > in.remaining()) {
            throw new Truncated(file, "string of " + Long.toUnsignedString(length) + " bytes runs past the end of the pickle ("
                    + in.remaining() + " left)");
        }
        byte[] b = new byte[(int) length];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private void skipBytes(long length) throws ArchiveException {
        if (length < 0 || length > in.remaining()) throw new Truncated(file, "bytes of " + length + " run past the end of the pickle");
        in.position(in.position() + (int) length);
        push(PickleValues.NONE);
    }

    /** A GLOBAL operand: text up to a newline, bounded by what remains. */
    private String line() throws ArchiveException {
        int start = in.position();
        for (int i = start; i < in.limit() && i - start < 256; i++) {
            if (in.get(i) == '\n') {
                String s = new String(in.array(), start, i - start, StandardCharsets.UTF_8);
                in.position(i + 1);
                return s;
            }
        }
        if (in.limit() - start < 256) throw new Truncated(file, "truncated GLOBAL operand");
        throw error("overlong GLOBAL operand");
    }

    private Object get(long index) throws ArchiveException {
        Object v = memo.get(index);
        if (v == null) throw error("memo index " + index + " was never stored");
        return v;
    }

    private void push(Object o) {
        stack.add(o);
    }

    private Object pop() throws ArchiveException {
        int floor = marks.isEmpty() ? 0 : marks.get(marks.size() - 1);
        if (stack.size() <= floor) throw error("malformed pickle: stack underflow at byte " + in.position());
        return stack.remove(stack.size() - 1);
    }

    private Object top() throws ArchiveException {
        if (stack.isEmpty()) throw error("malformed pickle: empty stack at byte " + in.position());
        return stack.get(stack.size() - 1);
    }

    private List<Object> popMark() throws ArchiveException {
        if (marks.isEmpty()) throw error("malformed pickle: no MARK at byte " + in.position());
        int m = marks.remove(marks.size() - 1);
        List<Object> items = new ArrayList<>(stack.subList(m, stack.size()));
        stack.subList(m, stack.size()).clear();
        return items;
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dict(Object o) throws ArchiveException {
        if (!(o instanceof Map)) throw error("SETITEM on a non-dict");
        return (Map<Object, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object o) throws ArchiveException {
        if (!(o instanceof List)) throw error("APPEND on a non-list");
        return (List<Object>) o;
    }

    private ArchiveException error(String problem) {
        return new ArchiveException(file, problem);
    }
}
