package dev.layerdiff.archive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/** Hand-assembles pickles the way torch.save writes them, and wraps them in a .pt zip. */
final class PickleBuilder {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    PickleBuilder op(int... bytes) {
        for (int b : bytes) out.write(b);
        return this;
    }

    PickleBuilder proto() { return op(0x80, 2); }

    PickleBuilder str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        op('X', b.length & 0xff, (b.length >> 8) & 0xff, (b.length >> 16) & 0xff, b.length >>> 24);
        out.write(b, 0, b.length);
        return this;
    }

    PickleBuilder global(String module, String name) {
        op('c');
        byte[] b = (module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
        return this;
    }

    PickleBuilder int1(int v) { return op('K', v); }

    PickleBuilder int4(int v) { return op('J', v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >>> 24); }

    /** Pushes an int tuple via MARK ... TUPLE. */
    PickleBuilder tuple(int... v) {
        op('(');
        for (int x : v) int4(x);
        return op('t');
    }

    /** Pushes _rebuild_tensor_v2(storage key of type, offset, size, stride, False, OrderedDict()). */
    PickleBuilder tensor(String storageType, String key, int numel, int offset, int[] size, int[] stride) {
        global("torch._utils", "_rebuild_tensor_v2");
        op('(');
        op('(').str("storage").global("torch", storageType).str(key).str("cpu").int4(numel).op('t', 'Q');
        int4(offset).tuple(size).tuple(stride).op(0x89);
        global("collections", "OrderedDict").op(')', 'R');
        return op('t', 'R');
    }

    byte[] bytes() { return out.toByteArray(); }

    /** A torch.save-style zip: archive/data.pkl, archive/byteorder, archive/data/KEY. */
    static Path pt(Path path, byte[] pickle, Map<String, byte[]> storages) throws IOException {
        Map<String, byte[]> m = TestFiles.members("archive/data.pkl", pickle,
                "archive/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
        for (Map.Entry<String, byte[]> s : storages.entrySet()) m.put("archive/data/" + s.getKey(), s.getValue());
        return TestFiles.zip(path, m, false);
    }
}
