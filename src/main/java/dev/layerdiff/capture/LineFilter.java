package dev.layerdiff.capture;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;

/**
 * A stream that passes whole lines on to another, except those a predicate drops: for the warnings a
 * native loader prints on {@link System#err} itself, where no logging configuration reaches.
 */
final class LineFilter extends OutputStream {
    private final PrintStream target;
    private final Predicate<String> drop;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    LineFilter(PrintStream target, Predicate<String> drop) {
        this.target = target;
        this.drop = drop;
    }

    @Override
    public synchronized void write(int b) {
        line.write(b);
        if (b == '\n') emit();
    }

    @Override
    public synchronized void flush() {
        target.flush();
    }

    /** Passes on what is left of an unfinished line. */
    @Override
    public synchronized void close() {
        if (line.size() > 0) emit();
        target.flush();
    }

    private void emit() {
        String text = line.toString(StandardCharsets.UTF_8);
        if (!drop.test(text.strip())) target.write(line.toByteArray(), 0, line.size());
        line.reset();
    }
}
