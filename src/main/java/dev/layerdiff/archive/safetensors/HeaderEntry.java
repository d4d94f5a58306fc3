package dev.layerdiff.archive.safetensors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.util.Arrays;

/**
 * One tensor's entry of a safetensors header as it streams past, without a tree per entry (a header of
 * 100,000 tensors would build 100,000). A list that is not plain integers is kept as its tree, so that the
 * reader's checks report it as they always have.
 *
 * @param dtype   the dtype string, or null when absent or not a string
 * @param shape   the shape list, or null when absent
 * @param offsets the data_offsets list, or null when absent
 */
record HeaderEntry(String dtype, Longs shape, Longs offsets) {
    /** Lists of more entries than this are refused anyway. */
    private static final int MAX_LIST = 64;

    /** A JSON value that should be a list of at most {@value #MAX_LIST} integers: its values, or its tree. */
    record Longs(long[] values, JsonNode tree) {}

    /** Reads the entry at the parser's current token, or returns null (having read nothing more) if it is not an object. */
    static HeaderEntry read(JsonParser p, ObjectMapper json) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) return null;
        String dtype = null;
        Longs shape = null, offsets = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "dtype" -> {
                    if (value == JsonToken.VALUE_STRING) dtype = p.getText();
                    else p.skipChildren();
                }
                case "shape" -> shape = longs(p, json);
                case "data_offsets" -> offsets = longs(p, json);
                default -> p.skipChildren();
            }
        }
        return new HeaderEntry(dtype, shape, offsets);
    }

    private static Longs longs(JsonParser p, ObjectMapper json) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) return new Longs(null, json.readTree(p));
        long[] values = new long[4];
        int n = 0;
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t != JsonToken.VALUE_NUMBER_INT || n == MAX_LIST || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                return new Longs(null, rest(values, n, p, json));
            }
            if (n == values.length) values = Arrays.copyOf(values, 2 * n);
            values[n++] = p.getLongValue();
        }
        return new Longs(Arrays.copyOf(values, n), null);
    }

    /** The whole list as a tree: the integers read so far, then the rest of it from the current token. */
    private static ArrayNode rest(long[] head, int n, JsonParser p, ObjectMapper json) throws IOException {
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        for (int i = 0; i < n; i++) list.add(head[i]);
        do {
            JsonNode value = json.readTree(p);
            list.add(value);
        } while (p.nextToken() != JsonToken.END_ARRAY);
        return list;
    }
}
