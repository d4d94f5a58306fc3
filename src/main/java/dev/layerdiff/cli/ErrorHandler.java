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
}
