package dev.layerdiff.cli;

import dev.layerdiff.archive.Archive;
import dev.layerdiff.archive.Archives;
import dev.layerdiff.tensor.Shapes;
import dev.layerdiff.tensor.TensorEntry;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import java.io.PrintWriter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code layerdiff ls ARCHIVE}: what an archive holds, without reading tensor data. */
@Command(name = "ls", mixinStandardHelpOptions = true,
        description = "List an archive's tensors: order, name, dtype, shape, bytes.")
final class LsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ARCHIVE")
    Path archive;

    @Option(names = "--verbose", description = "print stack traces of errors")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (Archive a = Archives.open(archive)) {
            int nameWidth = a.tensors().stream().mapToInt(t -> t.name().length()).max().orElse(4);
            for (TensorEntry t : a.tensors()) {
                out.printf("%5d  %-" + nameWidth + "s  %-14s  %-20s  %d%n", t.order(), t.name(),
                        t.dtype().displayName(), Shapes.format(t.shape()), t.byteSize());
            }
            out.printf("%s: %s, %d tensors%n", a.path(), a.format(), a.tensors().size());
        }
        out.flush();
        return 0;
    }
}
