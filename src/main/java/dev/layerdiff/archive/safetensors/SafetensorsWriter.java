package dev.layerdiff.archive.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.layerdiff.tensor.DType;
import dev.layerdiff.tensor.Shapes;
import dev.layerdiff.tensor.TensorData;
import dev.layerdiff.io.AtomicFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Writes a {@code .safetensors} file: an 8-byte little-endian header length, a JSON header (with
 * {@code __metadata__} string pairs) padded with spaces to a multiple of 8 bytes, then every tensor's
 * bytes in the order they were added. Tensors come from {@link TensorData} sources (a mapped file,
 * heap bytes, or native memory wrapped by the caller), so nothing is copied whole onto the heap.
 *
 * <p>The file is written atomically: readers see the previous file or the complete new one.
 *
 * <pre>{@code
 * new SafetensorsWriter()
 *     .metadata("order", "[\"conv1\"]")
 *     .add("conv1", DType.FLOAT32, new long[] {4, 8}, ByteOrder.LITTLE_ENDIAN, data)
 *     .write(Path.of("out.safetensors"));
 * }</pre>
 */
public final class SafetensorsWriter {

    private static final int CHUNK = 1 << 20;

    private record Entry(String name, DType dtype, long[] shape, ByteOrder order, TensorData data) {}

    private final List<Entry> entries = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    /** Adds a {@code __metadata__} pair; a later value for the same key replaces the earlier one. */
    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /**
     * Adds a tensor. {@code data} holds its elements in C order in byte order {@code order}
     * (big-endian data is swapped on write, as safetensors is little-endian).
     *
     * @throws IllegalArgumentException if the name is empty, reserved or already added, or the byte
     *     count does not match the shape and dtype
     */
    public SafetensorsWriter add(String name, DType dtype, long[] shape, ByteOrder order, TensorData data) {
        if (name == null || name.isEmpty() || name.equals("__metadata__")) {
            throw new IllegalArgumentException("invalid tensor name '" + name + "'");
        }
        if (!names.add(name)) throw new IllegalArgumentException("duplicate tensor name '" + name + "'");
        long expected = Shapes.numel(shape) * dtype.byteSize();
        if (data.byteSize() != expected) {
            throw new IllegalArgumentException(name + ": " + data.byteSize() + " bytes for shape " + Shapes.format(shape)
                    + " of " + dtype + ", expected " + expected);
        }
        entries.add(new Entry(name, dtype, shape.clone(), order, data));
        return this;
    }

    /** Adds a tensor held in a heap array (little-endian bytes). */
    public SafetensorsWriter add(String name, DType dtype, long[] shape, byte[] bytes) {
        return add(name, dtype, shape, ByteOrder.LITTLE_ENDIAN, heap(bytes));
    }

    /** Writes the file atomically (a temporary file beside {@code target}, renamed over it). */
    public void write(Path target) throws IOException {
        byte[] header = header();
        AtomicFiles.write(target, out -> {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
            out.write(len.array());
            out.write(header);
            byte[] buf = new byte[CHUNK];
            for (Entry e : entries) copy(e, out, buf);
        });
    }

    private byte[] header() {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Entry e : entries) {
            ObjectNode t = root.putObject(e.name);
            t.put("dtype", code(e.dtype));
            var shape = t.putArray("shape");
            for (long d : e.shape) shape.add(d);
            long end = offset + e.data.byteSize();
            t.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] text = root.toString().getBytes(StandardCharsets.UTF_8);
        // The spec pads the header with spaces so that the data starts 8-byte aligned.
        int padded = (text.length + 7) & ~7;
        byte[] out = Arrays.copyOf(text, padded);
        Arrays.fill(out, text.length, padded, (byte) ' ');
        return out;
    }

    private static void copy(Entry e, OutputStream out, byte[] buf) throws IOException {
        long size = e.data.byteSize();
        int width = e.dtype.byteSize();
        boolean swap = width > 1 && e.order != ByteOrder.LITTLE_ENDIAN;
        int chunk = CHUNK - CHUNK % width;
        for (long off = 0; off < size; off += chunk) {
            int n = (int) Math.min(chunk, size - off);
            ByteBuffer b = e.data.read(off, n).duplicate();
            b.get(buf, 0, n);
            if (swap) swapInPlace(buf, n, width);
            out.write(buf, 0, n);
        }
    }

    private static void swapInPlace(byte[] b, int n, int width) {
        for (int i = 0; i < n; i += width) {
            for (int lo = i, hi = i + width - 1; lo < hi; lo++, hi--) {
                byte t = b[lo];
                b[lo] = b[hi];
                b[hi] = t;
            }
        }
    }

    /** The safetensors dtype code of {@code t}. */
    static String code(DType t) {
        return switch (t) {
            case BOOL -> "BOOL";
            case UINT8 -> "U8";
            case INT8 -> "I8";
            case INT16 -> "I16";
            case UINT16 -> "U16";
            case INT32 -> "I32";
            case UINT32 -> "U32";
            case INT64 -> "I64";
            case UINT64 -> "U64";
            case FLOAT16 -> "F16";
            case BFLOAT16 -> "BF16";
            case FLOAT32 -> "F32";
            case FLOAT64 -> "F64";
            case FLOAT8_E4M3FN -> "F8_E4M3";
            case FLOAT8_E5M2 -> "F8_E5M2";
            case FLOAT8_E8M0FNU -> "F8_E8M0";
        };
    }

    private static TensorData heap(byte[] bytes) {
        return new TensorData() {
            @Override public long byteSize() { return bytes.length; }
            @Override public boolean isRandomAccess() { return true; }
            @Override public ByteBuffer read(long offset, int length) {
                return ByteBuffer.wrap(bytes, (int) offset, length).slice().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
            }
        };
    }
}
