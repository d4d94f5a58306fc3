package dev.layerdiff.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.PrettyPrinter;
import java.io.IOException;

/**
 * The layout of layerdiff's JSON reports: the top-level fields and the entries of the objects and arrays
 * they hold each on a line of their own (so a report of a million layers has a line per layer, for
 * {@code grep} and {@code head}), everything deeper on that one line without spaces. Jackson's default
 * printer indents every value on a line of its own, which made the indentation the largest cost of
 * writing a report of many small layers and tripled its size. One instance per generator.
 */
final class JsonLayout implements PrettyPrinter {
    /** Nesting depths whose entries start a line: the report object's, and those of its values. */
    private static final int LINE_DEPTH = 2;

    private int depth;

    private void newline(JsonGenerator g) throws IOException {
        g.writeRaw('\n');
        for (int i = 0; i < depth; i++) g.writeRaw("  ");
    }

    @Override
    public void writeRootValueSeparator(JsonGenerator g) throws IOException {
        g.writeRaw('\n');
    }

    @Override
    public void writeStartObject(JsonGenerator g) throws IOException {
        g.writeRaw('{');
        depth++;
    }

    @Override
    public void writeEndObject(JsonGenerator g, int entries) throws IOException {
        close(g, entries, '}');
    }

    @Override
    public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
        separate(g);
    }

    @Override
    public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
        g.writeRaw(depth <= LINE_DEPTH ? ": " : ":");
    }

    @Override
    public void writeStartArray(JsonGenerator g) throws IOException {
        g.writeRaw('[');
        depth++;
    }

    @Override
    public void writeEndArray(JsonGenerator g, int values) throws IOException {
        close(g, values, ']');
    }

    @Override
    public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
        separate(g);
    }

    @Override
    public void beforeArrayValues(JsonGenerator g) throws IOException {
        if (depth <= LINE_DEPTH) newline(g);
    }

    @Override
    public void beforeObjectEntries(JsonGenerator g) throws IOException {
        if (depth <= LINE_DEPTH) newline(g);
    }

    private void separate(JsonGenerator g) throws IOException {
        g.writeRaw(',');
        if (depth <= LINE_DEPTH) newline(g);
    }

    private void close(JsonGenerator g, int entries, char bracket) throws IOException {
        boolean lines = depth <= LINE_DEPTH;
        depth--;
        if (entries > 0 && lines) newline(g);
        g.writeRaw(bracket);
    }
}
