package dev.layerdiff.cli;

import dev.layerdiff.archive.safetensors.SafetensorsWriter;
import dev.layerdiff.tensor.DType;
import dev.layerdiff.tensor.Shapes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small dumps written by the tests themselves: float32 safetensors in insertion order, and .npy files. */
final class Dumps {
    private final SafetensorsWriter writer = new SafetensorsWriter();

    /** A tensor whose values follow from its shape and {@code seed}: the same call gives the same values. */
    Dumps tensor(String name, int seed, long... shape) {
        return tensor(name, values(seed, (int) Shapes.numel(shape)), shape);
    }

    Dumps tensor(String name, float[] values, long... shape) {
        writer.add(name, DType.FLOAT32, shape, f32(values));
        return this;
    }

    Path write(Path file) throws IOException {
        writer.write(file);
        return file;
    }

    static float[] values(int seed, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = ((i * 7 + seed * 13) % 23 - 11) / 8f;
        return v;
    }

    static byte[] f32(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putFloat(v);
        return b.array();
    }

    /** An .npy file of little-endian float32 ({@code <f4}) or float16 ({@code <f2}) values. */
    static Path npy(Path file, String descr, float[] values, long... shape) throws IOException {
        StringBuilder dims = new StringBuilder();
        for (long d : shape) dims.append(d).append(", ");
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims.toString().replaceAll(", $", shape.length == 1 ? "," : "") + "), }";
        int unpadded = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + values.length * (descr.equals("<f2") ? 2 : 4))
                .order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
        for (float v : values) {
            if (descr.equals("<f2")) b.putShort(half(v));
            else b.putFloat(v);
        }
        return Files.write(file, b.array());
    }

    /** float16 bits of a value that float16 holds exactly (zero, or a normal number with a short mantissa). */
    static short half(float v) {
        int bits = Float.floatToIntBits(v);
        int sign = (bits >>> 16) & 0x8000;
        if ((bits & 0x7FFFFFFF) == 0) return (short) sign;
        int exponent = ((bits >>> 23) & 0xFF) - 127 + 15;
        if (exponent <= 0 || exponent >= 31 || (bits & 0x1FFF) != 0) throw new IllegalArgumentException(v + " is not exact in float16");
        return (short) (sign | exponent << 10 | (bits >>> 13) & 0x3FF);
    }
}
