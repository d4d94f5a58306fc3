package dev.layerdiff.cli;

import dev.layerdiff.engine.Backends;
import dev.layerdiff.engine.CompareBackend;
import dev.layerdiff.engine.Device;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The {@code --verbose} flag every command that can fail on input accepts (a picocli mixin). The
 * error boundary and the logging level ask the parse result, which also sees a flag given to a
 * subcommand whose own execution never started.
 */
final class Verbosity {

    @Option(names = "--verbose", description = "say which backend runs and why; print stack traces of errors")
    boolean verbose;

    /** Whether {@code --verbose} was given to the command or any subcommand. */
    static boolean requested(CommandLine.ParseResult parsed) {
        return parsed.hasMatchedOption("--verbose")
                || parsed.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--verbose"));
    }

    /** The backend for a {@code --device} value (null: the default), said on stderr with {@code --verbose}. */
    CompareBackend backend(String device, PrintWriter err) {
        Device d = Device.resolve(device);
        CompareBackend backend = Backends.select(d);
        if (verbose) {
            Throwable cuda = d == Device.AUTO && !backend.name().equals("cuda") ? Backends.cudaUnavailabilityCause() : null;
            err.println("layerdiff: using the " + backend.name() + " backend"
                    + (cuda != null ? " (CUDA unavailable: " + (cuda.getMessage() != null ? cuda.getMessage() : cuda) + ")" : ""));
            err.flush();
        }
        return backend;
    }
}
