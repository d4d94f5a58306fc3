package dev.layerdiff.archive.safetensors;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.layerdiff.archive.Archive;
import dev.layerdiff.archive.ArchiveException;
import dev.layerdiff.archive.ShapeChecks;
import dev.layerdiff.tensor.DType;
import dev.layerdiff.archive.ListArchive;
import dev.layerdiff.tensor.Shapes;
import dev.layerdiff.tensor.TensorEntry;
import dev.layerdiff.io.MappedFile;
import dev.layerdiff.archive.MappedTensorData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a .safetensors file: a little-endian u64 header length, a JSON header, then the data area,
 * which is mapped in place. The order is {@code __metadata__["order"]} when it is a JSON list of
 * names (tensors it omits follow by data offset), else data offset.
 */
public final class SafetensorsReader {
    /** The reference implementation caps headers at 100 MB; so do we. */
    static final long MAX_HEADER = 100_000_000L;
    /** Tensor names are unique, so a symbol table of field names would only grow (and intern 100,000s of them). */
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES).disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());

    private SafetensorsReader() {}

    private record Spec(String name, DType dtype, long[] shape, long begin, long end) {}

    /** Opens {@code path}; the data stays in the file. */
    public static Archive open(Path path) throws IOException {
        MappedFile file = MappedFile.open(path);
        try {
            return read(path, file);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    private static Archive read(Path path, MappedFile file) throws IOException {
        String name = file.name();
        long size = file.size();
        if (size < 8) throw new ArchiveException(name, "truncated safetensors: " + size + " bytes, shorter than the 8-byte header length");
        long n = ByteBuffer.wrap(file.bytes(0, 8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (n < 0 || n > size - 8) {
            throw new ArchiveException(name, "header length " + Long.toUnsignedString(n) + " exceeds the file size " + size);
        }
        if (n > MAX_HEADER) throw new ArchiveException(name, "header length " + n + " exceeds the limit of " + MAX_HEADER + " bytes");
        long dataStart = 8 + n;
        long dataSize = size - dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Spec> specs = new ArrayList<>();
        // Streamed entry by entry: a tree of the whole header costs about 2 KB per tensor, and
        // msprobe-style dumps hold hundreds of thousands of tensors.
        try (JsonParser p = JSON.createParser(utf8(file.bytes(8, (int) n), name))) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new ArchiveException(name, "malformed header: not a JSON object");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                p.nextToken();
                if (key.equals("__metadata__")) metadata(JSON.readTree(p), metadata, name);
                else specs.add(spec(key, HeaderEntry.read(p, JSON), dataSize, name));
            }
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new ArchiveException(name, "malformed JSON header: " + e.getOriginalMessage());
        }
        List<TensorEntry> tensors = new ArrayList<>(specs.size());
        for (Spec s : order(specs, metadata.get("order"))) {
            var data = new MappedTensorData(file, dataStart + s.begin, s.end - s.begin, ByteOrder.LITTLE_ENDIAN);
            tensors.add(new TensorEntry(s.name, tensors.size(), s.dtype, s.shape, ByteOrder.LITTLE_ENDIAN, data));
        }
        return new ListArchive(path, "safetensors", tensors, metadata, List.of(file));
    }

    /**
     * The format says UTF-8; handed bytes, Jackson would guess UTF-16 or UTF-32 from the first four
     * (a header starting 7f 00 00 00 reads as UTF-32), so the header is decoded here, strictly.
     */
    private static String utf8(byte[] header, String file) throws ArchiveException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(header);
        try {
            return decoder.decode(in).toString();
        } catch (CharacterCodingException e) {
            throw new ArchiveException(file, String.format("the JSON header is not valid UTF-8 (byte 0x%02x at header offset %d)",
                    header[in.position()] & 0xff, in.position()));
        }
    }

    private static void metadata(JsonNode node, Map<String, String> out, String file) throws ArchiveException {
        if (!node.isObject()) throw new ArchiveException(file, "__metadata__ is not a JSON object");
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!f.getValue().isTextual()) throw new ArchiveException(file, "__metadata__ value of " + f.getKey() + " is not a string");
            out.put(f.getKey(), f.getValue().textValue());
        }
    }

    private static Spec spec(String tensor, HeaderEntry entry, long dataSize, String file) throws ArchiveException {
        String what = "tensor " + tensor + ": ";
        if (entry == null) throw new ArchiveException(file, what + "entry is not a JSON object");
        if (entry.dtype() == null) throw new ArchiveException(file, what + "dtype is missing");
        SafetensorsDtype type = SafetensorsDtype.parse(entry.dtype(), file, what);
        long[] stored = longs(entry.shape(), file, what + "shape");
        long[] offsets = longs(entry.offsets(), file, what + "data_offsets");
        if (offsets.length != 2) throw new ArchiveException(file, what + "data_offsets must hold two numbers");
        long begin = offsets[0];
        long end = offsets[1];
        long[] shape = type.logicalShape(stored);
        long bytes = ShapeChecks.byteSize(shape, type.dtype().byteSize(), file);
        if (begin < 0 || end < begin || end > dataSize) {
            throw new ArchiveException(file, what + "data_offsets [" + begin + ", " + end + ") exceed the data area of " + dataSize + " bytes");
        }
        if (end - begin != bytes) {
            throw new ArchiveException(file, what + "data_offsets [" + begin + ", " + end + ") span " + (end - begin)
                    + " bytes but shape " + Shapes.format(stored) + " of " + entry.dtype() + " needs " + bytes);
        }
        return new Spec(tensor, type.dtype(), shape, begin, end);
    }

    private static long[] longs(HeaderEntry.Longs list, String file, String what) throws ArchiveException {
        return list != null && list.values() != null ? list.values() : longs(list == null ? null : list.tree(), file, what);
    }

    private static long[] longs(JsonNode node, String file, String what) throws ArchiveException {
        if (node == null || !node.isArray()) throw new ArchiveException(file, what + " is missing or not a list");
        if (node.size() > 64) throw new ArchiveException(file, what + " has " + node.size() + " entries, more than 64");
        long[] out = new long[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                throw new ArchiveException(file, what + " " + node + " overflows or holds a non-integer");
            }
            out[i] = v.longValue();
        }
        return out;
    }

    private static List<Spec> order(List<Spec> specs, String orderJson) {
        List<Spec> byOffset = new ArrayList<>(specs);
        byOffset.sort(Comparator.comparingLong((Spec s) -> s.begin).thenComparingLong(s -> s.end).thenComparing(s -> s.name));
        List<String> listed = orderList(orderJson);
        if (listed.isEmpty()) return byOffset;
        Map<String, Spec> byName = new LinkedHashMap<>();
        for (Spec s : byOffset) byName.put(s.name, s);
        Set<Spec> result = new LinkedHashSet<>();
        for (String n : listed) {
            Spec s = byName.get(n);
            if (s != null) result.add(s);
        }
        result.addAll(byOffset);
        return new ArrayList<>(result);
    }

    /** The names in {@code __metadata__["order"]}, or empty if it is absent or not a list of strings. */
    private static List<String> orderList(String json) {
        if (json == null) return List.of();
        try {
            JsonNode node = JSON.readTree(json);
            if (node == null || !node.isArray()) return List.of();
            List<String> out = new ArrayList<>();
            for (JsonNode v : node) {
                if (!v.isTextual()) return List.of();
                out.add(v.textValue());
            }
            return out;
        } catch (IOException e) {
            return List.of(); // free-form metadata that merely happens to be called "order"
        }
    }
}
