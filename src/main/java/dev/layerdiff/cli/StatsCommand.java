package dev.layerdiff.cli;

import dev.layerdiff.archive.Archive;
import dev.layerdiff.compare.LayerDiff;
import dev.layerdiff.engine.CompareBackend;
import dev.layerdiff.io.Printable;
import dev.layerdiff.report.JsonReport;
import dev.layerdiff.stats.SideStats;
import dev.layerdiff.stats.TensorSummary;
import dev.layerdiff.tensor.Shapes;
import dev.layerdiff.tensor.TensorEntry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code layerdiff stats ARCHIVE}: per-layer statistics of one dump. */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Per-layer statistics of one archive: min, max, mean, std, zero fraction, NaN and Inf counts.")
final class StatsCommand extends ArchiveCommand {

    @Option(names = "--json", paramLabel = "FILE",
            description = "write the statistics as JSON (atomically); '-': to stdout, the table then to stderr")
    Path json;

    @Option(names = "--device", paramLabel = "auto|cpu|cuda", description = "backend (default: auto)")
    String device;

    @Override
    Printer printer() {
        Outputs.checkFile("--json", json);
        CompareBackend backend = verbosity.backend(device, spec.commandLine().getErr());
        LayerDiff diff = new LayerDiff(backend);
        return (a, out) -> {
            try (backend) {
                print(diff, a, Outputs.isStdout(json) ? spec.commandLine().getErr() : out);
            }
        };
    }

    private void print(LayerDiff diff, Archive a, PrintWriter out) throws IOException {
        List<TensorSummary> summaries = diff.stats(a);
        List<TensorEntry> tensors = a.tensors();
        // At least the header's width: a tensor may be named "" (legal in safetensors), and %-0s is no format.
        int w = Math.max("layer".length(), tensors.stream().mapToInt(t -> Printable.of(t.name()).length()).max().orElse(0));
        out.printf("%-" + w + "s  %-9s  %-16s  %11s  %11s  %11s  %11s  %6s  %5s  %5s%n",
                "layer", "dtype", "shape", "min", "max", "mean", "std", "zeros", "nan", "inf");
        for (int i = 0; i < tensors.size(); i++) {
            TensorEntry t = tensors.get(i);
            SideStats s = summaries.get(i).stats();
            out.printf(Locale.ROOT, "%-" + w + "s  %-9s  %-16s  %11.4e  %11.4e  %11.4e  %11.4e  %5.1f%%  %5d  %5d%n",
                    Printable.of(t.name()), t.dtype().displayName(), Shapes.format(t.shape()), s.min(), s.max(), s.mean(), s.std(),
                    100 * s.zeroFraction(), s.nan(), s.inf());
        }
        out.flush();
        String backend = diff.backend().name();
        if (Outputs.isStdout(json)) {
            Stdout.print(spec.commandLine().getOut(), o -> JsonReport.writeStats(a.path().toString(), backend, tensors, summaries, o));
        } else if (json != null) {
            JsonReport.writeStats(a.path().toString(), backend, tensors, summaries, json);
        }
    }
}
