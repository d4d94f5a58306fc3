package dev.layerdiff.engine;

import dev.layerdiff.tensor.DType;
import dev.layerdiff.tensor.TensorData;
import dev.layerdiff.tensor.TensorEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

/** In-memory tensors for engine tests: random-access buffers, a strict sequential wrapper, encoders. */
public final class TestTensors {
    private TestTensors() {}

    /** A random-access source over a buffer (shared, read-only slices). */
    public static TensorData of(ByteBuffer bytes) {
        ByteBuffer all = bytes.duplicate().order(bytes.order());
        return new TensorData() {
            @Override public long byteSize() { return all.capacity(); }
            @Override public boolean isRandomAccess() { return true; }
            @Override public ByteBuffer read(long offset, int length) {
                return all.slice((int) offset, length).asReadOnlyBuffer().order(all.order());
            }
        };
    }

    /**
     * A sequential source like a deflated zip member: reads must come from one thread at increasing
     * offsets, and each read overwrites the previous buffer's bytes (so a kernel holding on to it fails).
     */
    public static TensorData sequential(TensorData inner) {
        return new TensorData() {
            private long next;
            private Thread owner;
            private ByteBuffer scratch = ByteBuffer.allocate(0);

            @Override public long byteSize() { return inner.byteSize(); }
            @Override public boolean isRandomAccess() { return false; }
            @Override public synchronized ByteBuffer read(long offset, int length) throws IOException {
                if (offset == 0) { owner = null; next = 0; } // a new pass from the start (another backend) may use another thread
                if (owner == null) owner = Thread.currentThread();
                if (owner != Thread.currentThread()) throw new IllegalStateException("sequential source read from two threads");
                if (offset < next) throw new IllegalStateException("sequential source read backwards: " + offset + " < " + next);
                next = offset + length;
                if (scratch.capacity() < length) scratch = ByteBuffer.allocate(length);
                else for (int i = 0; i < scratch.capacity(); i++) scratch.put(i, (byte) 0x7F); // poison the old one
                ByteBuffer src = inner.read(offset, length);
                ByteBuffer dst = scratch.duplicate();
                dst.clear().limit(length);
                dst.put(src.duplicate());
                return scratch.slice(0, length).asReadOnlyBuffer().order(src.order());
            }
        };
    }

    /** A tensor entry. */
    public static TensorEntry entry(String name, DType dtype, long[] shape, ByteOrder order, TensorData data) {
        return new TensorEntry(name, 0, dtype, shape, order, data);
    }

    /** A 1-D random-access tensor holding {@code values} encoded as {@code dtype}. */
    public static TensorEntry tensor(DType dtype, ByteOrder order, double... values) {
        return tensor(dtype, order, new long[] {values.length}, values);
    }

    /** A random-access tensor of the given shape holding {@code values} encoded as {@code dtype}. */
    public static TensorEntry tensor(DType dtype, ByteOrder order, long[] shape, double[] values) {
        return entry("t", dtype, shape, order, of(encode(dtype, order, values)));
    }

    /** Encodes values (already representable, or rounded as a C cast would) into a direct buffer. */
    public static ByteBuffer encode(DType dtype, ByteOrder order, double[] values) {
        int size = dtype.byteSize();
        ByteBuffer b = ByteBuffer.allocateDirect(Math.max(1, values.length * size)).order(order);
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            int at = i * size;
            switch (dtype) {
                case FLOAT64 -> b.putDouble(at, v);
                case FLOAT32 -> b.putFloat(at, (float) v);
                case BFLOAT16 -> b.putShort(at, (short) (Float.floatToRawIntBits((float) v) >>> 16));
                case INT64, UINT64 -> b.putLong(at, (long) v);
                case INT32, UINT32 -> b.putInt(at, (int) (long) v);
                case INT16, UINT16 -> b.putShort(at, (short) (long) v);
                case INT8, UINT8 -> b.put(at, (byte) (long) v);
                case BOOL -> b.put(at, (byte) (v != 0 ? 1 : 0));
                default -> throw new IllegalArgumentException("no encoder for " + dtype + "; use raw bits");
            }
        }
        return b.limit(values.length * size);
    }

    /** Raw random bytes: for narrow float types this covers every bit pattern (NaN, Inf, subnormals). */
    public static ByteBuffer randomBytes(Random rnd, int bytes, ByteOrder order) {
        byte[] a = new byte[bytes];
        rnd.nextBytes(a);
        ByteBuffer b = ByteBuffer.allocateDirect(Math.max(1, bytes)).order(order);
        b.put(a).clear();
        return b.limit(bytes);
    }

    /**
     * Activation-like values: normals with about 30% exact zeros (as after ReLU); {@code specials}
     * of the elements are NaN, +-Inf, -0.0 or float32 subnormals.
     */
    public static double[] activations(Random rnd, int n, double specials) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            double u = rnd.nextDouble();
            if (u < 0.3) v[i] = 0;
            else v[i] = rnd.nextGaussian() * 2;
            if (rnd.nextDouble() < specials) {
                v[i] = switch (rnd.nextInt(6)) {
                    case 0 -> Double.NaN;
                    case 1 -> Double.POSITIVE_INFINITY;
                    case 2 -> Double.NEGATIVE_INFINITY;
                    case 3 -> -0.0;
                    case 4 -> Float.MIN_VALUE * (1 + rnd.nextInt(1000));
                    default -> -Float.MIN_NORMAL / (2 + rnd.nextInt(100));
                };
            }
        }
        return v;
    }

    /** A perturbed copy of {@code ref}: small noise, some large errors, specials from {@code ref} kept. */
    public static double[] perturbed(Random rnd, double[] ref, double specials) {
        double[] c = new double[ref.length];
        double[] extra = activations(rnd, ref.length, specials);
        for (int i = 0; i < ref.length; i++) {
            double u = rnd.nextDouble();
            if (u < 0.5) c[i] = ref[i];
            else if (u < 0.95) c[i] = ref[i] + rnd.nextGaussian() * 1e-3;
            else c[i] = extra[i];
        }
        return c;
    }

    /** Rounds values to what {@code dtype} can hold (float32 or float64 only). */
    public static double[] rounded(DType dtype, double[] v) {
        double[] out = v.clone();
        if (dtype == DType.FLOAT32) for (int i = 0; i < out.length; i++) out[i] = (float) out[i];
        return out;
    }
}
