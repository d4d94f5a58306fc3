package dev.layerdiff.cli;

import dev.layerdiff.archive.Archive;
import dev.layerdiff.archive.Archives;
import dev.layerdiff.diagnosis.Finding;
import dev.layerdiff.diagnosis.Health;
import dev.layerdiff.diagnosis.HealthCheck;
import dev.layerdiff.engine.CompareBackend;
import dev.layerdiff.io.Printable;
import dev.layerdiff.report.HealthJson;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code layerdiff check ARCHIVE}: the health of a single run. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"The health of a single run, from its own values: one line per finding (kind,",
                "layer, what was measured), then a summary line. Exit 0 when nothing is found,",
                "1 when something is, 2 on bad input.",
                "",
                "  nonfinite_origin     the first activation with NaN or Inf in forward order;",
                "                       for gradients, the first from the output backward",
                "  exploding_gradients  activation-gradient norms grow by 2 or more orders of",
                "                       magnitude from the output toward the input (a line",
                "                       fitted to log10 norm along the backward walk)",
                "  vanishing_gradients  the same, shrinking",
                "  dead_units           indices of dim 1 (channels, units) of an activation",
                "                       that are zero for every batch element and position,",
                "                       beyond what chance explains (a small batch can)",
                "  range_edge           float16/bfloat16 values within a doubling of overflow,",
                "                       or 1% or more of the non-zero values subnormal",
                "  constant             an activation whose values are all equal, or a",
                "                       gradient that is zero everywhere; 1-D tensors of",
                "                       all 0 or all 1 beside the activations are parameters",
                "                       and buffers as initialised: one note line, not findings",
                "                       (--verbose lists them)",
                ""})
final class CheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ARCHIVE")
    Path archive;

    @Option(names = "--json", paramLabel = "FILE",
            description = "write the findings as JSON (atomically; '-': to stdout, the lines then to stderr): "
                    + "{archive, findings: [{kind, layer, dim, indices, detail}]}")
    Path json;

    @Option(names = "--device", paramLabel = "auto|cpu|cuda", description = "backend (default: auto)")
    String device;

    @Mixin
    Verbosity verbosity;

    @Override
    public Integer call() throws Exception {
        Outputs.checkFile("--json", json);
        PrintWriter out = Outputs.isStdout(json) ? spec.commandLine().getErr() : spec.commandLine().getOut();
        CompareBackend backend = verbosity.backend(device, spec.commandLine().getErr());
        Health health;
        try (backend; Archive a = Archives.open(archive)) {
            health = HealthCheck.check(a.path().toString(), a.tensors(), backend);
        }
        int w = Math.max(1, health.findings().stream().mapToInt(f -> f.layer().length()).max().orElse(0));
        for (Finding f : health.findings()) {
            out.printf("%-19s  %-" + w + "s  %s%n", f.kind().jsonName(), f.layer(), f.detail());
        }
        List<String> init = health.initialised();
        if (!init.isEmpty()) {
            out.println(Printable.of(String.format("note: %d tensor%s constant as initialisation leaves parameters and buffers"
                            + " (1-D, every value 0 or every value 1), not findings: %s", init.size(), init.size() == 1 ? " is" : "s are",
                    verbosity.verbose || init.size() <= 3 ? String.join(", ", init)
                            : String.join(", ", init.subList(0, 3)) + " and " + (init.size() - 3) + " more (--verbose lists them)")));
        }
        out.println(summary(health));
        out.flush();
        if (Outputs.isStdout(json)) Stdout.print(spec.commandLine().getOut(), o -> HealthJson.write(health, o));
        else if (json != null) HealthJson.write(health, json);
        return health.exitCode();
    }

    static String summary(Health h) {
        if (h.healthy()) return String.format("OK: no finding in %d tensors of %s", h.tensors(), h.archive());
        String kinds = h.findings().stream().map(f -> f.kind().jsonName()).distinct().collect(Collectors.joining(", "));
        return String.format("FOUND: %d finding%s (%s) in %d tensors of %s", h.findings().size(),
                h.findings().size() == 1 ? "" : "s", kinds, h.tensors(), h.archive());
    }
}
