package dev.layerdiff.cli;

import dev.layerdiff.archive.Archive;
import dev.layerdiff.compare.CompareOptions;
import dev.layerdiff.compare.ImageSink;
import dev.layerdiff.compare.NameMapping;
import dev.layerdiff.compare.Report;
import dev.layerdiff.compare.PairingHint;
import dev.layerdiff.compare.Status;
import dev.layerdiff.compare.ToleranceRule;
import dev.layerdiff.diagnosis.Diagnosis;
import dev.layerdiff.diagnosis.Precision;
import dev.layerdiff.engine.CompareBackend;
import dev.layerdiff.pipeline.Comparison;
import dev.layerdiff.report.JsonReport;
import dev.layerdiff.report.PngWriter;
import dev.layerdiff.report.TerminalTable;
import dev.layerdiff.report.Verdicts;
import dev.layerdiff.report.html.ArchiveSide;
import dev.layerdiff.report.html.HtmlReport;
import dev.layerdiff.report.html.ImagePick;
import dev.layerdiff.report.html.ReportPage;
import dev.layerdiff.stats.DiffImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options and the reporting that {@code compare} and {@code compare-model} share (a picocli mixin),
 * so that both commands accept, print and exit alike.
 */
final class ComparisonFlags {

    @Option(names = "--json", paramLabel = "FILE",
            description = "write the full report as JSON (atomically); '-': to stdout, the table then to stderr")
    Path json;

    @Option(names = "--images", paramLabel = "DIR",
            description = "write an enhanced-diff PNG per diverged layer (labelled: axes, tile indices, colour bar; DIR is created if missing)")
    Path images;

    @Option(names = "--html", paramLabel = "FILE",
            description = "write the report as one self-contained HTML page (opens offline in any browser): the verdicts, "
                    + "both runs' environments, error against depth, each layer's metrics, histograms and image")
    Path html;

    @Option(names = "--rtol", paramLabel = "R", description = "relative tolerance for every layer (default: per dtype, as torch.testing)")
    Double rtol;

    @Option(names = "--atol", paramLabel = "A", description = "absolute tolerance for every layer (default: per dtype)")
    Double atol;

    @Option(names = "--tol", paramLabel = "GLOB=RTOL,ATOL", description = "tolerance for layers matching GLOB (repeatable; first match wins)")
    List<String> tolerances = new ArrayList<>();

    @Option(names = "--map", paramLabel = "REGEX=REPLACEMENT", description = "rename candidate tensors before pairing (repeatable, applied in order)")
    List<String> mappings = new ArrayList<>();

    @Mixin
    PairingFlags pairing;

    @Option(names = "--equal-nan", description = "count NaN against NaN as equal")
    boolean equalNan;

    @Option(names = "--device", paramLabel = "auto|cpu|cuda", description = "backend (default: -Dlayerdiff.device, then $LAYERDIFF_DEVICE, then auto)")
    String device;

    @Option(names = "--precision", paramLabel = "fp64|fp32|tf32|fp16|bf16",
            description = "what the candidate computed in, when its dump does not say (a bf16 run stored as float32); "
                    + "default: the dtypes and the data")
    String precision;

    @Option(names = "--referee", paramLabel = "GOLD",
            description = "a third dump of the same inputs in higher precision (capture --dtype float64): each layer is "
                    + "also judged by the candidate's error against it, relative to the reference's own")
    Path referee;

    @Option(names = "--fail-on", paramLabel = "divergence|bug", defaultValue = "divergence",
            description = "exit 1 on any tolerance divergence (default), or only on a bug: noise alone exits 0")
    String failOn;

    @Option(names = "--no-diagnosis", negatable = false,
            description = "skip the diagnosis (noise or bug, the introducing layer, localisation)")
    boolean noDiagnosis;

    @Option(names = "--quiet", description = "print only the verdict line")
    boolean quiet;

    @Option(names = "--all", description = "print every row of a table of more than " + TerminalTable.MAX_ROWS
            + " layers (by default: the first divergences, the culprits, the suspects and their neighbours)")
    boolean all;

    @Mixin
    Verbosity verbosity;

    @Mixin
    ReadFlags read;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** Compares, diagnoses, prints the table (or the verdict), writes JSON, HTML and images; returns the exit code. */
    int compareAndReport(Path reference, Path candidate) throws IOException {
        Outputs.checkFile("--json", json);
        Outputs.checkFile("--html", html);
        Outputs.checkDirectory("--images", images);
        if (Outputs.isStdout(json) && Outputs.isStdout(html)) throw new IllegalArgumentException("--json - and --html -: only one can go to stdout");
        Terminal terminal = Main.terminal(command);
        PrintWriter err = command.commandLine().getErr();
        PrintWriter out = Outputs.isStdout(json) || Outputs.isStdout(html) ? err : command.commandLine().getOut();
        Precision computed = precision == null ? null : Precision.parse(precision);
        boolean failOnBug = switch (failOn) {
            case "divergence" -> false;
            case "bug" -> true;
            default -> throw new IllegalArgumentException("--fail-on " + failOn + ": use divergence or bug");
        };
        CompareOptions options = pairing.apply(CompareOptions.builder()
                .rtol(rtol).atol(atol)
                .rules(tolerances.stream().map(ToleranceRule::parse).toList())
                .mappings(mappings.stream().map(NameMapping::parse).toList())
                .equalNan(equalNan)
                .images(images != null))
                .build();
        CompareBackend backend = verbosity.backend(device, err);
        Report report;
        Diagnosis diagnosis = null;
        ReportPage page = null;
        Optional<PairingHint> hint;
        // Each diverged layer's PNG is written as soon as it is computed, not held until the end.
        ImageSink png = images == null ? null
                : (order, name, image) -> PngWriter.write(name, image, images.resolve(PngWriter.fileName(order, name)));
        try (backend; Comparison c = Comparison.open(reference, candidate, options, backend, read.limits())) {
            hint = c.hint();
            try (ProgressLine progress = terminal.progress() ? new ProgressLine(err, terminal.progressAfterMs()) : null) {
                report = c.run(png, progress);
            }
            if (!noDiagnosis) diagnosis = c.diagnose(computed, referee);
            if (html != null) page = page(c, report, diagnosis);
        }
        boolean colour = terminal.colour() && out != err;
        if (quiet) out.println(Verdicts.line(report, diagnosis));
        else TerminalTable.print(report, diagnosis, out, colour, all);
        out.flush();
        if (!quiet) hint.ifPresent(h -> err.println("layerdiff: hint: " + h.describe()));
        err.flush();
        if (json != null) writeJson(report, diagnosis);
        if (page != null) writeHtml(page);
        return failOnBug ? exitOnBug(report, diagnosis) : report.exitCode();
    }

    private void writeHtml(ReportPage page) throws IOException {
        if (Outputs.isStdout(html)) Stdout.print(command.commandLine().getOut(), o -> HtmlReport.write(page, o));
        else HtmlReport.write(page, html);
    }

    private void writeJson(Report report, Diagnosis diagnosis) throws IOException {
        if (Outputs.isStdout(json)) Stdout.print(command.commandLine().getOut(), o -> JsonReport.write(report, diagnosis, o));
        else JsonReport.write(report, diagnosis, json);
    }

    /** What the HTML page shows: the report, and the images of the layers it draws (read again, as few as it draws). */
    private static ReportPage page(Comparison c, Report report, Diagnosis diagnosis) throws IOException {
        Map<String, DiffImage> images = c.images(ImagePick.choose(report, diagnosis));
        return new ReportPage(report, diagnosis, side(c.reference()), side(c.candidate()), images,
                ImagePick.drawable(report) - images.size());
    }

    private static ArchiveSide side(Archive a) {
        return ArchiveSide.of(a.path().toString(), a.format(), a.tensors(), a.metadata());
    }

    /**
     * With {@code --fail-on bug}: 1 for a bug, a shape mismatch or anything unpaired (unless
     * {@code --allow-unpaired}), 0 when the only differences are noise.
     */
    private static int exitOnBug(Report report, Diagnosis diagnosis) {
        boolean unpaired = report.layers().stream().anyMatch(l -> report.fails(l) && l.status() != Status.DIVERGED);
        if (diagnosis == null) return report.exitCode();
        return unpaired || diagnosis.hasBug() ? Report.EXIT_DIVERGED : Report.EXIT_OK;
    }
}
