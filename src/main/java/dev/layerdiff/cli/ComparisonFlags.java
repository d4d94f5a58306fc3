package dev.layerdiff.cli;

import dev.layerdiff.archive.Archive;
import dev.layerdiff.archive.Archives;
import dev.layerdiff.compare.CompareOptions;
import dev.layerdiff.compare.ImageSink;
import dev.layerdiff.compare.LayerDiff;
import dev.layerdiff.compare.NameMapping;
import dev.layerdiff.compare.Report;
import dev.layerdiff.compare.ToleranceRule;
import dev.layerdiff.engine.Backends;
import dev.layerdiff.engine.Device;
import dev.layerdiff.report.JsonReport;
import dev.layerdiff.report.PngWriter;
import dev.layerdiff.report.TerminalTable;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options and the reporting that {@code compare} and {@code compare-model} share (a picocli mixin),
 * so that both commands accept, print and exit alike.
 */
final class ComparisonFlags {

    @Option(names = "--json", paramLabel = "FILE", description = "write the full report as JSON (atomically)")
    Path json;

    @Option(names = "--images", paramLabel = "DIR", description = "write an enhanced-diff PNG per diverged layer")
    Path images;

    @Option(names = "--rtol", paramLabel = "R", description = "relative tolerance for every layer (default: per dtype, as torch.testing)")
    Double rtol;

    @Option(names = "--atol", paramLabel = "A", description = "absolute tolerance for every layer (default: per dtype)")
    Double atol;

    @Option(names = "--tol", paramLabel = "GLOB=RTOL,ATOL", description = "tolerance for layers matching GLOB (repeatable; first match wins)")
    List<String> tolerances = new ArrayList<>();

    @Option(names = "--map", paramLabel = "REGEX=REPLACEMENT", description = "rename candidate tensors before pairing (repeatable, applied in order)")
    List<String> mappings = new ArrayList<>();

    @Option(names = "--equal-nan", description = "count NaN against NaN as equal")
    boolean equalNan;

    @Option(names = "--device", paramLabel = "auto|cpu|cuda", description = "backend (default: -Dlayerdiff.device, then $LAYERDIFF_DEVICE, then auto)")
    String device;

    @Option(names = "--quiet", description = "print only the verdict line")
    boolean quiet;

    @Mixin
    Verbosity verbosity;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** Compares, prints the table (or the verdict), writes JSON and images; returns the exit code. */
    int compareAndReport(Path reference, Path candidate) throws IOException {
        PrintWriter out = command.commandLine().getOut();
        CompareOptions options = CompareOptions.builder()
                .rtol(rtol).atol(atol)
                .rules(tolerances.stream().map(ToleranceRule::parse).toList())
                .mappings(mappings.stream().map(NameMapping::parse).toList())
                .equalNan(equalNan)
                .images(images != null)
                .build();
        LayerDiff diff = new LayerDiff(Backends.select(Device.resolve(device)));
        Report report;
        // Each diverged layer's PNG is written as soon as it is computed, not held until the end.
        ImageSink png = images == null ? null
                : (order, name, image) -> PngWriter.write(image, images.resolve(PngWriter.fileName(order, name)));
        try (Archive ref = Archives.open(reference); Archive cand = Archives.open(candidate)) {
            report = diff.compare(ref, cand, options, png);
        }
        if (quiet) out.println(TerminalTable.verdict(report));
        else TerminalTable.print(report, out);
        if (json != null) JsonReport.write(report, json);
        out.flush();
        return report.exitCode();
    }
}
