package dev.layerdiff.benchmarks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

/**
 * Generates the benchmark dumps once (several GB, never committed) under {@code -Dlayerdiff.bench.dir}
 * (default {@code $TMPDIR/layerdiff-bench}), {@code -Dlayerdiff.bench.gib} GiB per archive (default 3).
 * Values are realistic activations: normal with a ReLU share of exact zeros; the candidate differs by one
 * unit in the last place in a tenth of the elements (within tolerance), except one layer in the middle
 * whose first channel is scaled by 1.5 (a real divergence).
 */
final class BenchData {
    /** One activation layer: [batch 16, channels 64, 128, 128]. */
    static final long[] LAYER_SHAPE = {16, 64, 128, 128};
    static final long LAYER_NUMEL = 16L * 64 * 128 * 128;
    private static final int POOL = 1 << 24;

    private BenchData() {}

    static Path dir() {
        return Path.of(System.getProperty("layerdiff.bench.dir", System.getProperty("java.io.tmpdir") + "/layerdiff-bench"));
    }

    static long bytesPerArchive() {
        return (long) (Double.parseDouble(System.getProperty("layerdiff.bench.gib", "3")) * (1L << 30));
    }

    /**
     * Element type of generated data, with its safetensors name and size. {@code BF16_PORT} is bfloat16
     * with as many layers as {@code F32}: the float32 run's port to bfloat16, compared against it.
     */
    enum Dtype {
        F32("F32", "<f4", "FloatStorage", 4), F16("F16", "<f2", "HalfStorage", 2), BF16("BF16", null, "BFloat16Storage", 2),
        BF16_PORT("BF16", null, "BFloat16Storage", 2);

        final String safetensors;
        final String npy;
        final String torchStorage;
        final int size;

        Dtype(String safetensors, String npy, String torchStorage, int size) {
            this.safetensors = safetensors;
            this.npy = npy;
            this.torchStorage = torchStorage;
            this.size = size;
        }
    }

    static int layers(Dtype dtype) {
        if (dtype == Dtype.BF16_PORT) return layers(Dtype.F32);
        return (int) Math.max(1, bytesPerArchive() / (LAYER_NUMEL * dtype.size));
    }

    /** Bytes of tensor data in one archive of this dtype. */
    static long dataBytes(Dtype dtype) {
        return layers(dtype) * LAYER_NUMEL * dtype.size;
    }

    /** The archive for a format ("safetensors", "npz", "pt") and side, generated on first use. */
    static Path archive(String format, Dtype dtype, boolean candidate) throws IOException {
        Path p = dir().resolve(String.format("%s-%s-%.2fGiB-%s.%s", candidate ? "cand" : "ref", dtype,
                bytesPerArchive() / (double) (1L << 30), format, format));
        if (Files.exists(p)) return p;
        Files.createDirectories(dir());
        Path tmp = p.resolveSibling(p.getFileName() + ".tmp");
        switch (format) {
            case "safetensors" -> writeSafetensors(tmp, dtype, candidate);
            case "npz" -> writeNpz(tmp, dtype, candidate);
            case "pt" -> writePt(tmp, dtype, candidate);
            default -> throw new IllegalArgumentException(format);
        }
        Files.move(tmp, p);
        return p;
    }

    /** Writes a layer's bytes: a rotation of the value pool, perturbed for the candidate. */
    private static void writeLayer(FileChannel ch, Dtype dtype, int layer, boolean candidate, int diverged) throws IOException {
        float[] pool = Pool.REFERENCE;
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 22).order(ByteOrder.LITTLE_ENDIAN);
        long start = (long) layer * 7919;
        long channel = LAYER_NUMEL / (16 * 64) ;
        for (long i = 0; i < LAYER_NUMEL; i++) {
            float v = pool[(int) ((start + i) & (POOL - 1))];
            if (candidate) {
                if ((i * 0x9E3779B97F4A7C15L >>> 60) == 0 && v != 0) v = Math.nextUp(v);
                if (layer == diverged && (i / channel) % 64 == 0) v *= 1.5f;
            }
            switch (dtype) {
                case F32 -> buf.putFloat(v);
                case F16 -> buf.putShort(Halfs.toHalf(v));
                case BF16, BF16_PORT -> buf.putShort(Halfs.toBfloat16(v));
            }
            if (!buf.hasRemaining()) {
                buf.flip();
                while (buf.hasRemaining()) ch.write(buf);
                buf.clear();
            }
        }
        buf.flip();
        while (buf.hasRemaining()) ch.write(buf);
    }

    private static String name(int layer) { return "layers." + layer + ".conv"; }

    private static void writeSafetensors(Path p, Dtype dtype, boolean candidate) throws IOException {
        int n = layers(dtype);
        long layerBytes = LAYER_NUMEL * dtype.size;
        StringBuilder h = new StringBuilder("{\"__metadata__\":{\"producer\":\"layerdiff benchmarks\"}");
        for (int l = 0; l < n; l++) {
            h.append(String.format(",\"%s\":{\"dtype\":\"%s\",\"shape\":[16,64,128,128],\"data_offsets\":[%d,%d]}",
                    name(l), dtype.safetensors, l * layerBytes, (l + 1) * layerBytes));
        }
        h.append('}');
        while (h.length() % 8 != 0) h.append(' ');
        byte[] header = h.toString().getBytes(StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
            ch.write(len);
            ch.write(ByteBuffer.wrap(header));
            for (int l = 0; l < n; l++) writeLayer(ch, dtype, l, candidate, n / 2);
        }
    }

    private static void writeNpz(Path p, Dtype dtype, boolean candidate) throws IOException {
        if (dtype.npy == null) throw new IllegalArgumentException("NumPy has no " + dtype);
        int n = layers(dtype);
        List<Zip.Member> members = new ArrayList<>();
        for (int l = 0; l < n; l++) {
            int layer = l;
            String dict = "{'descr': '" + dtype.npy + "', 'fortran_order': False, 'shape': (16, 64, 128, 128), }";
            StringBuilder head = new StringBuilder(dict);
            while ((10 + head.length() + 1) % 64 != 0) head.append(' ');
            head.append('\n');
            byte[] hb = head.toString().getBytes(StandardCharsets.US_ASCII);
            ByteBuffer pre = ByteBuffer.allocate(10 + hb.length).order(ByteOrder.LITTLE_ENDIAN);
            pre.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0)
                    .putShort((short) hb.length).put(hb).flip();
            members.add(new Zip.Member(name(l) + ".npy", ch -> {
                ch.write(pre.duplicate());
                writeLayer(ch, dtype, layer, candidate, n / 2);
            }));
        }
        Zip.writeStored(p, members);
    }

    private static void writePt(Path p, Dtype dtype, boolean candidate) throws IOException {
        int n = layers(dtype);
        List<Zip.Member> members = new ArrayList<>();
        members.add(new Zip.Member("archive/data.pkl", ch -> ch.write(ByteBuffer.wrap(Pickles.stateDict(n, dtype.torchStorage, LAYER_SHAPE, BenchData::name)))));
        members.add(new Zip.Member("archive/byteorder", ch -> ch.write(ByteBuffer.wrap("little".getBytes(StandardCharsets.US_ASCII)))));
        for (int l = 0; l < n; l++) {
            int layer = l;
            members.add(new Zip.Member("archive/data/" + l, ch -> writeLayer(ch, dtype, layer, candidate, n / 2)));
        }
        members.add(new Zip.Member("archive/version", ch -> ch.write(ByteBuffer.wrap("3\n".getBytes(StandardCharsets.US_ASCII)))));
        Zip.writeStored(p, members);
    }

    /** The shared pool of realistic activation values. */
    private static final class Pool {
        static final float[] REFERENCE = make();

        private static float[] make() {
            SplittableRandom r = new SplittableRandom(42);
            float[] v = new float[POOL];
            for (int i = 0; i < POOL; i++) {
                double u1 = r.nextDouble(), u2 = r.nextDouble();
                double g = Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
                v[i] = g < -0.5 ? 0f : (float) (g * 0.7);
            }
            return v;
        }
    }

    static long crc(byte[] b) {
        CRC32 c = new CRC32();
        c.update(b);
        return c.getValue();
    }
}
