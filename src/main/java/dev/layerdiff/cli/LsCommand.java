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
        // At least 1: a tensor may be named "" (legal in safetensors), and %-0s is no format.
        int nameWidth = Math.max(1, java.util.stream.Stream.concat(a.tensors().stream().map(TensorEntry::name),
                a.uncomparable().keySet().stream()).mapToInt(n -> Printable.of(n).length()).max().orElse(4));
        for (TensorEntry t : a.tensors()) {
            out.printf("%5d  %-" + nameWidth + "s  %-14s  %-20s  %d%n", t.order(), Printable.of(t.name()),
                    t.dtype().displayName(), Shapes.format(t.shape()), t.byteSize());
        }
        a.uncomparable().forEach((name, why) -> out.printf("    -  %-" + nameWidth + "s  not compared: %s%n", Printable.of(name),
                Printable.of(why)));
        out.printf("%s: %s, %d tensors%s%n", a.path(), a.format(), a.tensors().size(),
                a.uncomparable().isEmpty() ? "" : " and " + a.uncomparable().size() + " member(s) that cannot be compared");
    }
}
