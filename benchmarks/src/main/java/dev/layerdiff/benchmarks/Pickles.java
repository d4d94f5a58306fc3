package dev.layerdiff.benchmarks;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.IntFunction;

/** Writes the pickle of a torch.save'd dict of tensors, as torch.save emits it (protocol 2). */
final class Pickles {
    private Pickles() {}

    static byte[] stateDict(int tensors, String storage, long[] shape, IntFunction<String> names) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x80);
        out.write(2);
        out.write('}');
        out.write('(');
        long numel = 1;
        for (long d : shape) numel *= d;
        for (int t = 0; t < tensors; t++) {
            unicode(out, names.apply(t));
            global(out, "torch._utils", "_rebuild_tensor_v2");
            out.write('(');
            out.write('(');
            unicode(out, "storage");
            global(out, "torch", storage);
            unicode(out, Integer.toString(t));
            unicode(out, "cpu");
            binint(out, numel);
            out.write('t');
            out.write('Q');
            binint(out, 0);
            out.write('(');
            for (long d : shape) binint(out, d);
            out.write('t');
            out.write('(');
            long stride = numel;
            for (long d : shape) {
                stride /= d;
                binint(out, stride);
            }
            out.write('t');
            out.write(0x89);
            global(out, "collections", "OrderedDict");
            out.write(')');
            out.write('R');
            out.write('t');
            out.write('R');
        }
        out.write('u');
        out.write('.');
        return out.toByteArray();
    }

    private static void global(ByteArrayOutputStream out, String module, String name) {
        out.write('c');
        out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    private static void unicode(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write('X');
        binLe(out, b.length);
        out.writeBytes(b);
    }

    private static void binint(ByteArrayOutputStream out, long v) {
        out.write('J');
        binLe(out, Math.toIntExact(v));
    }

    private static void binLe(ByteArrayOutputStream out, int v) {
        out.write(v);
        out.write(v >>> 8);
        out.write(v >>> 16);
        out.write(v >>> 24);
    }
}
