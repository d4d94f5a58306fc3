package dev.layerdiff.cli;

import dev.layerdiff.engine.BackendException;
import dev.layerdiff.engine.BackendUnavailableException;
import dev.layerdiff.io.Printable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;

/**
 * The single error boundary of the command line: every exception becomes one line on stderr and exit
 * code 2 (bytes from files and arguments made {@link Printable}); the stack trace only with {@code --verbose}.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cli, CommandLine.ParseResult parsed) {
        boolean verbose = parsed.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--verbose"))
                || parsed.hasMatchedOption("--verbose");
        cli.getErr().println("layerdiff: " + Printable.of(message(ex)));
        if (verbose) ex.printStackTrace(cli.getErr());
        cli.getErr().flush();
        return Main.EXIT_ERROR;
    }

    static String message(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError oom) return outOfMemory(oom);
        }
        if (ex instanceof UncheckedIOException u) ex = u.getCause();
        if (ex instanceof NoSuchFileException e) return e.getFile() + ": no such file or directory";
        if (ex instanceof AccessDeniedException e) return e.getFile() + ": permission denied";
        if (ex instanceof FileSystemException e) {
            return e.getFile() + ": " + (e.getReason() != null ? e.getReason() : e.getClass().getSimpleName());
        }
        if (ex instanceof IOException || ex instanceof IllegalArgumentException || ex instanceof BackendUnavailableException
                || ex instanceof BackendException) {
            return ex.getMessage() != null ? ex.getMessage() : ex.toString();
        }
        return "internal error: " + ex + " (run with --verbose for the stack trace, and please report it)";
    }

    /**
     * Running out of memory is a limit, not a verdict: one line that says which memory and how to give
     * more (the launcher passes LAYERDIFF_JAVA_OPTS to the JVM), never exit 1, which means "diverged".
     */
    static String outOfMemory(OutOfMemoryError e) {
        String what = String.valueOf(e.getMessage());
        if (what.contains("Direct buffer")) {
            return "out of memory: direct buffer memory is exhausted; give the JVM more with"
                    + " LAYERDIFF_JAVA_OPTS=-XX:MaxDirectMemorySize=4g (or a larger -Xmx, which it follows by default)";
        }
        return String.format("out of memory: the Java heap of %d MiB is too small for this comparison (%s); give it more with"
                + " LAYERDIFF_JAVA_OPTS=-Xmx4g (or more)", Runtime.getRuntime().maxMemory() >> 20, what);
    }
}
