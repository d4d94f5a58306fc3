package dev.layerdiff.cli;

import dev.layerdiff.archive.Archive;
import dev.layerdiff.archive.Archives;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** A command that opens one archive, prints what it finds and exits 0 ({@code ls}, {@code stats}). */
abstract class ArchiveCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ARCHIVE")
    Path archive;

    @Mixin
    Verbosity verbosity;

    @Mixin
    ReadFlags read;

    /** What this command prints about an open archive. */
    interface Printer {
        void print(Archive archive, PrintWriter out) throws IOException;
    }

    /**
     * Called before the archive opens, so that a bad option (stats' {@code --device}) is reported before
     * a bad file, as each command did on its own.
     */
    abstract Printer printer();

    @Override
    public final Integer call() throws IOException {
        Printer printer = printer();
        PrintWriter out = spec.commandLine().getOut();
        try (Archive a = Archives.open(archive, read.limits())) {
            printer.print(a, out);
        }
        out.flush();
        return 0;
    }
}
