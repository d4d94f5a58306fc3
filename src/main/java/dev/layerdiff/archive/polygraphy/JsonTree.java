package dev.layerdiff.archive.polygraphy;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.layerdiff.archive.ArchiveException;
import dev.layerdiff.archive.JsonProblems;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Polygraphy JSON file as a small tree whose encoded arrays stay in the file. The base64 text of an
 * array (the value of an {@code "array"} or {@code "tensor"} key) is skipped by the parser and kept as
 * the byte offset of its opening quote, so the tree costs a few objects per tensor whatever the tensors'
 * size; every other string is read, and bounded.
 */
final class JsonTree {
    /** Deeper than any Polygraphy file nests (RunResults is 7 levels down to the array text). */
    static final int MAX_DEPTH = 64;
    /** About 150,000 tensors' worth of values (each is about 7). */
    static final int MAX_VALUES = 1 << 20;
    /** Runner and tensor names; the arrays' text is not read as a string. */
    static final int MAX_STRING = 1 << 16;

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).maxStringLength(MAX_STRING).build())
            .build();

    /** A JSON value. */
    sealed interface Node permits Obj, Arr, Str, Encoded, Scalar {}

    /** An object, its keys in file order. */
    record Obj(Map<String, Node> fields) implements Node {}

    /** A list. */
    record Arr(List<Node> items) implements Node {}

    /** A string that was read. */
    record Str(String text) implements Node {}

    /** The text of an encoded array, not read: {@code quote} is the byte offset of its opening quote. */
    record Encoded(long quote) implements Node {}

    /** A number, boolean or null, as the file spells it. */
    record Scalar(String text) implements Node {}

    private final String file;
    private int values;

    private JsonTree(String file) {
        this.file = file;
    }

    /** Parses all of {@code path}: one JSON value and nothing after it. */
    static Node read(Path path) throws IOException {
        JsonTree t = new JsonTree(path.toString());
        try (InputStream in = Files.newInputStream(path); JsonParser p = JSON.createParser(in)) {
            JsonToken first = p.nextToken();
            if (first == null) throw new ArchiveException(t.file, "not a Polygraphy JSON: no JSON value, only whitespace");
            Node root = t.value(p, first, null);
            if (p.nextToken() != null) {
                throw new ArchiveException(t.file, "not a Polygraphy JSON: text after the JSON value at byte "
                        + p.currentTokenLocation().getByteOffset());
            }
            return root;
        } catch (CharConversionException e) {
            // Jackson guesses UTF-16 or UTF-32 from zero bytes at the start; Polygraphy writes ASCII.
            throw new ArchiveException(t.file, "not a Polygraphy JSON: not UTF-8 text (" + e.getMessage().strip() + ")");
        } catch (StreamConstraintsException e) {
            throw new ArchiveException(t.file, "JSON beyond the reader's limits: " + String.valueOf(e.getOriginalMessage()).replaceAll("\\s+", " ").strip());
        } catch (JacksonException e) {
            throw new ArchiveException(t.file, JsonProblems.describe(e));
        }
    }

    private Node value(JsonParser p, JsonToken t, String key) throws IOException {
        if (t == null) throw new ArchiveException(file, "truncated JSON: the file ends inside a value");
        if (++values > MAX_VALUES) {
            throw new ArchiveException(file, "holds more than " + MAX_VALUES + " JSON values (a Polygraphy file of about "
                    + MAX_VALUES / 7 + " tensors); layerdiff reads no more");
        }
        switch (t) {
            case START_OBJECT: {
                Map<String, Node> fields = new LinkedHashMap<>();
                for (JsonToken n = p.nextToken(); n == JsonToken.FIELD_NAME; n = p.nextToken()) {
                    String name = p.currentName();
                    fields.put(name, value(p, p.nextToken(), name));
                }
                return new Obj(fields);
            }
            case START_ARRAY: {
                List<Node> items = new ArrayList<>();
                for (JsonToken n = p.nextToken(); n != JsonToken.END_ARRAY; n = p.nextToken()) items.add(value(p, n, null));
                return new Arr(items);
            }
            case VALUE_STRING:
                // Left unread: the parser skips the text on the next token without holding it.
                if ("array".equals(key) || "tensor".equals(key)) return new Encoded(p.currentTokenLocation().getByteOffset());
                return new Str(p.getText());
            default:
                return new Scalar(p.getText());
        }
    }
}
