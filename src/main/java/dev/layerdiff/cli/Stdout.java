package dev.layerdiff.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** {@code --json -}, {@code --html -}: what a report writer produces, on the command's stdout. */
final class Stdout {
    private Stdout() {}

    interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    /** The writer's bytes go through the command's (character) stdout, so tests and picocli see them where they see the rest. */
    static void print(PrintWriter out, Writer writer) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        writer.writeTo(bytes);
        out.println(bytes.toString(StandardCharsets.UTF_8));
        out.flush();
    }
}
