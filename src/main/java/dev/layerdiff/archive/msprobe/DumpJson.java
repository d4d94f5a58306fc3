package dev.layerdiff.archive.msprobe;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.layerdiff.archive.ArchiveException;
import dev.layerdiff.tensor.RecordedStatistics;
import dev.layerdiff.io.Sizes;
import dev.layerdiff.archive.JsonProblems;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tensors a dump.json lists, in its order. Its {@code "data"} maps each API or module call, in the
 * order msprobe recorded them, to nested lists and objects ({@code input_args}, {@code input_kwargs},
 * {@code output}, {@code parameters}; {@code input} and {@code output} for a backward call; one list per
 * parameter for {@code parameters_grad}) whose tensor leaves carry a {@code data_name}, the file in
 * dump_tensor_data. A dump.json can be large, so it is streamed one call at a time.
 */
final class DumpJson {
    private static final ObjectMapper JSON = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final List<String> METADATA = List.of("task", "level", "framework");
    /** What msprobe's compare writes for a tensor it did not save. */
    private static final String NOT_SAVED = "-1";

    /** Which pass a call ran in, from its key's last segments. */
    enum Pass {
        FORWARD, BACKWARD, PARAMETER_GRADIENT;

        /**
         * {@code Functional.relu.0.forward} and {@code Module.conv2.Conv2d.backward.0}: the pass is the
         * last segment, or the one before a trailing call count; {@code parameters_grad} for gradients
         * of a module's parameters. Anything else ({@code debug} saves) counts as forward.
         */
        static Pass of(String key) {
            String[] s = key.split("\\.");
            String pass = s.length >= 2 && s[s.length - 1].chars().allMatch(Character::isDigit) ? s[s.length - 2] : s[s.length - 1];
            return switch (pass) {
                case "backward" -> BACKWARD;
                case "parameters_grad" -> PARAMETER_GRADIENT;
                default -> FORWARD;
            };
        }
    }

    /** One tensor leaf: its call, pass, file name in dump_tensor_data and the shape dump.json states (null if none). */
    /**
     * One tensor of dump.json: the file its values are in ({@code data_name}), or, in a statistics dump,
     * the name that file would have and what was recorded in its place ({@code dtype} and {@code recorded}).
     */
    record Leaf(String call, Pass pass, String dataName, long[] shape, String dtype, RecordedStatistics recorded) {
        Leaf(String call, Pass pass, String dataName, long[] shape) {
            this(call, pass, dataName, shape, null, null);
        }
    }

    /** The system property that raises the size limit of a dump.json, e.g. {@code 4G}. */
    static final String MAX_BYTES_PROPERTY = "layerdiff.msprobe.maxDumpJson";
    /** A dump.json larger than this (about a million tensors) is refused unless the property raises it. */
    static final long MAX_BYTES_DEFAULT = 256L << 20;

    final Map<String, String> metadata = new LinkedHashMap<>();
    final List<Leaf> leaves = new ArrayList<>();
    private final String file;

    private DumpJson(String file) {
        this.file = file;
    }

    static DumpJson read(Path path) throws IOException {
        DumpJson d = new DumpJson(path.toString());
        long size = Files.size(path), limit = maxBytes(d.file);
        if (size > limit) {
            throw new ArchiveException(d.file, "is " + size + " bytes, over the limit of " + limit + " for an msprobe dump.json;"
                    + " raise it with LAYERDIFF_JAVA_OPTS=-D" + MAX_BYTES_PROPERTY + "=SIZE (e.g. 4G)");
        }
        // Decoded strictly as UTF-8 (what msprobe writes): left to guess, Jackson takes zero bytes for UTF-16 or UTF-32.
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try (Reader in = new InputStreamReader(Files.newInputStream(path), utf8); JsonParser p = JSON.createParser(in)) {
            d.top(p);
        } catch (CharacterCodingException e) {
            throw new ArchiveException(d.file, "not an msprobe dump.json: not UTF-8 text");
        } catch (JacksonException e) {
            throw new ArchiveException(d.file, JsonProblems.describe(e));
        }
        return d;
    }

    /** The largest dump.json read: {@value #MAX_BYTES_DEFAULT} bytes unless the property says otherwise. */
    private static long maxBytes(String file) throws ArchiveException {
        String v = System.getProperty(MAX_BYTES_PROPERTY);
        if (v == null) return MAX_BYTES_DEFAULT;
        try {
            return Sizes.parse(v);
        } catch (IllegalArgumentException e) {
            throw new ArchiveException(file, "-D" + MAX_BYTES_PROPERTY + ": " + e.getMessage());
        }
    }

    private void top(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) throw new ArchiveException(file, "not an msprobe dump.json: not a JSON object");
        boolean data = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken t = p.nextToken();
            if (key.equals("data")) {
                if (t != JsonToken.START_OBJECT) throw new ArchiveException(file, "\"data\" is not a JSON object");
                calls(p);
                data = true;
            } else if (METADATA.contains(key) && t == JsonToken.VALUE_STRING) {
                metadata.put(key, p.getText());
            } else {
                p.skipChildren();
            }
        }
        if (!data) throw new ArchiveException(file, "not an msprobe dump.json: no \"data\" object");
    }

    private void calls(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String call = p.currentName();
            p.nextToken();
            JsonNode node = p.readValueAsTree();
            if (node == null || !node.isObject()) throw new ArchiveException(file, "entry " + call + " is not a JSON object");
            collect(call, Pass.of(call), node, call);
        }
    }

    /**
     * The tensors under {@code node}, {@code path} the name its file would have (msprobe's scheme:
     * {@code CALL.input.0}, {@code CALL.input.KWARG}, {@code CALL.output.0}, {@code CALL.parameters.weight},
     * {@code CALL.weight} for a parameter's gradient, list elements by their index).
     */
    private void collect(String call, Pass pass, JsonNode node, String path) throws ArchiveException {
        if (node.isArray()) {
            // A parameter gradient's list holds its one tensor, named without an index.
            if (pass == Pass.PARAMETER_GRADIENT && node.size() == 1) collect(call, pass, node.get(0), path);
            else for (int i = 0; i < node.size(); i++) collect(call, pass, node.get(i), path + "." + i);
        } else if (node.isObject()) {
            JsonNode name = node.get("data_name");
            if (name == null && node.has("Norm") && node.path("type").asText("").endsWith("Tensor")) {
                leaves.add(new Leaf(call, pass, path + ".pt", shape(node.get("shape")), node.path("dtype").asText(null),
                        new RecordedStatistics(number(node, "Max"), number(node, "Min"), number(node, "Mean"), number(node, "Norm"),
                                node.path("md5").isTextual() ? node.get("md5").textValue() : null)));
                return;
            }
            if (name == null) {
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> f = it.next();
                    String key = path.equals(call) && f.getKey().startsWith("input_") ? "input" : f.getKey();
                    collect(call, pass, f.getValue(), path + "." + key);
                }
                return;
            }
            if (!name.isTextual()) throw new ArchiveException(file, "entry " + call + ": data_name " + name + " is not a string");
            String n = name.textValue();
            if (n.isEmpty() || n.equals(NOT_SAVED)) return;
            if (n.contains("/") || n.contains("\\") || n.indexOf('\0') >= 0 || n.equals(".") || n.equals("..")) {
                throw new ArchiveException(file, "entry " + call + ": data_name " + n + " is not a file name in dump_tensor_data");
            }
            leaves.add(new Leaf(call, pass, n, shape(node.get("shape"))));
        }
    }

    /** A statistic as msprobe writes it: a number, or a string for NaN and the infinities; NaN when absent. */
    private static double number(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null) return Double.NaN;
        if (v.isNumber()) return v.doubleValue();
        return switch (v.asText("")) {
            case "inf", "Infinity" -> Double.POSITIVE_INFINITY;
            case "-inf", "-Infinity" -> Double.NEGATIVE_INFINITY;
            default -> Double.NaN;
        };
    }

    /** The stated shape, or null where dump.json states none or one that is not a list of counts. */
    private static long[] shape(JsonNode node) {
        if (node == null || !node.isArray()) return null;
        long[] s = new long[node.size()];
        for (int i = 0; i < s.length; i++) {
            JsonNode d = node.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToLong()) return null;
            s[i] = d.longValue();
        }
        return s;
    }
}
