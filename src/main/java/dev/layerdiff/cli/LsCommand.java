package dev.layerdiff.cli;

import dev.layerdiff.archive.Archive;
import dev.layerdiff.io.Printable;
import dev.layerdiff.tensor.Shapes;
import dev.layerdiff.tensor.TensorEntry;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code layerdiff ls ARCHIVE}: what an archive holds, without reading tensor data. */
@Command(name = "ls", mixinStandardHelpOptions = true,
        description = "List an archive's tensors: order, name, dtype, shape, bytes.")
final class LsCommand extends ArchiveCommand {

    @Override
    Printer printer() {
        return LsCommand::list;
    }

    private static void list(Archive a, PrintWriter out) {
        int nameWidth = a.tensors().stream().mapToInt(t -> Printable.of(t.name()).length()).max().orElse(4);
        for (TensorEntry t : a.tensors()) {
            out.printf("%5d  %-" + nameWidth + "s  %-14s  %-20s  %d%n", t.order(), Printable.of(t.name()),
                    t.dtype().displayName(), Shapes.format(t.shape()), t.byteSize());
        }
        out.printf("%s: %s, %d tensors%n", a.path(), a.format(), a.tensors().size());
    }
}
