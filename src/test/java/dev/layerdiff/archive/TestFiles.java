package dev.layerdiff.archive;

import dev.layerdiff.tensor.TensorData;
import dev.layerdiff.tensor.TensorEntry;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Builds archives, well-formed and hostile, for tests; and reads tensors back whole (they are small). */
final class TestFiles {
    private TestFiles() {}

    static Path fixture(String name) {
        return Path.of("src/test/resources/fixtures", name);
    }

    static Path generated(String name) {
        return Path.of("src/test/resources/generated", name);
    }

    /** A version 1.0 .npy stream with the given raw header dict text. */
    static byte[] npy(String dict, byte[] data) {
        byte[] h = dict.getBytes(StandardCharsets.ISO_8859_1);
        int total = 10 + h.length + 1;
        int pad = (64 - total % 64) % 64;
        ByteBuffer b = ByteBuffer.allocate(total + pad + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        b.putShort((short) (h.length + pad + 1));
        b.put(h);
        for (int i = 0; i < pad; i++) b.put((byte) ' ');
        b.put((byte) '\n');
        b.put(data);
        return b.array();
    }

    static byte[] npy(String descr, String shape, byte[] data) {
        return npy("{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }", data);
    }

    static byte[] f32(float... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) b.putFloat(f);
        return b.array();
    }

    /** A zip written by java.util.zip: stored members carry their sizes, deflated ones use data descriptors. */
    static Path zip(Path path, Map<String, byte[]> members, boolean deflate) throws IOException {
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(path))) {
            for (Map.Entry<String, byte[]> m : members.entrySet()) {
                ZipEntry e = new ZipEntry(m.getKey());
                if (!deflate) {
                    e.setMethod(ZipEntry.STORED);
                    e.setSize(m.getValue().length);
                    CRC32 crc = new CRC32();
                    crc.update(m.getValue());
                    e.setCrc(crc.getValue());
                }
                z.putNextEntry(e);
                z.write(m.getValue());
                z.closeEntry();
            }
        }
        return path;
    }

    static Map<String, byte[]> members(Object... kv) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], (byte[]) kv[i + 1]);
        return m;
    }

    static Path safetensors(Path path, String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        Files.write(path, b.array());
        return path;
    }

    static Path write(Path path, byte[] bytes) throws IOException {
        Files.write(path, bytes);
        return path;
    }

    /** All bytes of a tensor, read in chunks of {@code chunk} bytes. */
    static byte[] bytes(TensorEntry e, int chunk) throws IOException {
        TensorData d = e.data();
        byte[] out = new byte[Math.toIntExact(d.byteSize())];
        for (long off = 0; off < out.length; off += chunk) {
            int n = (int) Math.min(chunk, out.length - off);
            ByteBuffer b = d.read(off, n);
            assert b.position() == 0 && b.limit() == n;
            b.get(out, (int) off, n);
        }
        return out;
    }

    static byte[] bytes(TensorEntry e) throws IOException {
        return bytes(e, 1 << 20);
    }

    /** Elements as doubles, decoding the dtypes the tests use. */
    static double[] values(TensorEntry e) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes(e)).order(e.byteOrder());
        int n = Math.toIntExact(e.numel());
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (e.dtype()) {
                case FLOAT64 -> b.getDouble();
                case FLOAT32 -> b.getFloat();
                case FLOAT16 -> half(b.getShort());
                case BFLOAT16 -> Float.intBitsToFloat((b.getShort() & 0xffff) << 16);
                case INT64, UINT64 -> b.getLong();
                case INT32 -> b.getInt();
                case UINT32 -> b.getInt() & 0xffffffffL;
                case INT16 -> b.getShort();
                case UINT16 -> b.getShort() & 0xffff;
                case INT8 -> b.get();
                case UINT8, BOOL -> b.get() & 0xff;
                default -> throw new IllegalArgumentException(e.dtype().toString());
            };
        }
        return v;
    }

    /** IEEE binary16 to float (Float.float16ToFloat arrives only in Java 20). */
    static float half(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        if (exp == 0) {
            float f = mant * 0x1p-24f;
            return sign != 0 ? -f : f;
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }

    static TensorEntry find(Archive a, String name) {
        return a.tensors().stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no tensor " + name + " in " + a.tensors()));
    }
}
