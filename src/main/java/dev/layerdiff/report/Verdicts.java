package dev.layerdiff.report;

import dev.layerdiff.compare.Group;
import dev.layerdiff.compare.LayerReport;
import dev.layerdiff.compare.Report;
import dev.layerdiff.compare.Status;
import dev.layerdiff.diagnosis.Diagnosis;
import dev.layerdiff.diagnosis.GroupDiagnosis;
import dev.layerdiff.diagnosis.LayerDiagnosis;
import dev.layerdiff.diagnosis.Verdict;
import dev.layerdiff.io.Printable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The verdict sentences every report prints: the terminal table, {@code --quiet}, the HTML page. */
public final class Verdicts {
    private Verdicts() {}

    /** A group's verdict in words, e.g. "bug, introduced at conv2". */
    public static String describe(GroupDiagnosis g) {
        return switch (g.verdict()) {
            case OK -> "ok (identical or within tolerance)";
            case NOISE -> "noise (every difference is what the precision explains)";
            case BUG -> g.introducedAt() != null ? "bug, introduced at " + g.introducedAt()
                    : "bug, inherited from an earlier group (no layer of its own introduces more)";
            case UNDETERMINED -> "not determined (a layer differs by more than its statistics can bound: compare the tensors or"
                    + " their summaries)";
        };
    }

    /** One line: OK, or where each group first diverges (and, with a diagnosis, whether it is a bug) and what else failed. */
    public static String line(Report report) {
        return line(report, null);
    }

    /** One line: the verdict of the comparison and of its diagnosis (null: none). */
    public static String line(Report report, Diagnosis diagnosis) {
        long compared = report.count(Status.OK) + report.count(Status.DIVERGED);
        long onlyRef = report.count(Status.ONLY_IN_REFERENCE);
        long onlyCand = report.count(Status.ONLY_IN_CANDIDATE);
        String allowed = report.unpairedAllowed() ? " (allowed)" : "";
        if (report.passed()) {
            String ok = "OK: all " + compared + " layers within tolerance (" + report.backend() + ")";
            if (onlyRef > 0) ok += "; " + onlyRef + " only in reference" + allowed;
            if (onlyCand > 0) ok += "; " + onlyCand + " only in candidate" + allowed;
            return ok;
        }
        List<String> parts = new ArrayList<>();
        for (Map.Entry<Group, LayerReport> e : report.firstDivergence().entrySet()) {
            LayerReport l = e.getValue();
            if (l == null) continue;
            GroupDiagnosis gd = diagnosis == null ? null : diagnosis.groups().get(e.getKey());
            if (gd != null && gd.verdict() == Verdict.BUG && gd.introducedAt() != null) {
                LayerDiagnosis at = diagnosis.layers().get(gd.introducedAt());
                String culprit = report.layers().stream().filter(x -> x.name().equals(gd.introducedAt())).findFirst()
                        .map(TerminalTable::display).orElse(Printable.of(gd.introducedAt()));
                parts.add(e.getKey().jsonName() + ": bug introduced at " + culprit
                        + (at != null && at.localized() != null ? ", in " + at.localized().describe() : ""));
                continue;
            }
            String what = l.status() == Status.SHAPE_MISMATCH ? "shape mismatch"
                    : l.estimate() != null && Double.isInfinite(l.estimate().relativeErrorHigh())
                            ? String.format(Locale.ROOT, "relative error at least %s, from recorded statistics",
                            TerminalTable.num(l.estimate().relativeErrorLow()))
                    : l.estimate() != null ? String.format(Locale.ROOT, "relative error ~%s, estimated from summaries",
                            TerminalTable.num(l.estimate().relativeError()))
                    : String.format(Locale.ROOT, "%s of %s elements off, max_abs %s", l.metrics().mismatched(), l.numel(),
                            TerminalTable.num(l.metrics().maxAbs()));
            // A structural difference is never noise, whatever the compared layers of its group are.
            String kind = gd == null || l.status() == Status.SHAPE_MISMATCH ? ""
                    : gd.verdict() == Verdict.BUG ? " (inherited bug)" : gd.verdict() == Verdict.NOISE ? " (noise)" : "";
            parts.add(e.getKey().jsonName() + " first diverge at " + TerminalTable.display(l) + " (" + what + ")" + kind);
        }
        long diverged = report.count(Status.DIVERGED) + report.count(Status.SHAPE_MISMATCH);
        if (diverged > 0) parts.add(diverged + " of " + (compared + report.count(Status.SHAPE_MISMATCH)) + " paired layers diverged");
        if (onlyRef > 0) parts.add(onlyRef + " only in reference" + allowed);
        if (onlyCand > 0) parts.add(onlyCand + " only in candidate" + allowed);
        String head = diverged == 0 ? "UNPAIRED" // nothing compared differs: the failure is what could not be paired
                : diagnosis == null ? "DIVERGED" : diagnosis.hasBug() ? "DIVERGED (bug)"
                : report.count(Status.SHAPE_MISMATCH) > 0 ? "DIVERGED (shapes differ)" : "DIVERGED (noise only)";
        return head + ": " + String.join("; ", parts);
    }

}
