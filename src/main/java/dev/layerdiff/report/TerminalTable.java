package dev.layerdiff.report;

import dev.layerdiff.stats.DiffMetrics;
import dev.layerdiff.compare.Group;
import dev.layerdiff.compare.LayerReport;
import dev.layerdiff.compare.Report;
import dev.layerdiff.compare.Status;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The human view of a report: one row per layer (layer, status, max_abs, max_rel, cosine, mismatched),
 * each group's first divergence marked, then a one-line verdict.
 */
public final class TerminalTable {
    private static final String[] HEADER = {"layer", "status", "max_abs", "max_rel", "cosine", "mismatched"};

    private TerminalTable() {}

    /** Prints the table and the verdict. */
    public static void print(Report report, PrintWriter out) {
        Map<Group, LayerReport> first = report.firstDivergence();
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (LayerReport l : report.layers()) rows.add(row(l));
        int[] width = new int[HEADER.length];
        for (String[] r : rows) for (int i = 0; i < r.length; i++) width[i] = Math.max(width[i], r[i].length());

        for (int k = 0; k < rows.size(); k++) {
            String[] r = rows.get(k);
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                String cell = i < 2 ? pad(r[i], width[i]) : padLeft(r[i], width[i]);
                line.append(cell).append(i + 1 < r.length ? "  " : "");
            }
            if (k > 0) {
                LayerReport l = report.layers().get(k - 1);
                for (Map.Entry<Group, LayerReport> e : first.entrySet()) {
                    if (e.getValue() == l) line.append("  <- first divergence (").append(e.getKey().jsonName()).append(')');
                }
            }
            out.println(line.toString().stripTrailing());
        }
        out.println();
        out.println(verdict(report));
        out.flush();
    }

    /** One line: OK, or where each group first diverges and what else failed. */
    public static String verdict(Report report) {
        long compared = report.count(Status.OK) + report.count(Status.DIVERGED);
        if (report.passed()) {
            return "OK: all " + compared + " layers within tolerance (" + report.backend() + ")";
        }
        List<String> parts = new ArrayList<>();
        for (Map.Entry<Group, LayerReport> e : report.firstDivergence().entrySet()) {
            LayerReport l = e.getValue();
            if (l == null) continue;
            String what = l.status() == Status.SHAPE_MISMATCH ? "shape mismatch"
                    : String.format(Locale.ROOT, "%s of %s elements off, max_abs %s", l.metrics().mismatched(), l.numel(),
                            num(l.metrics().maxAbs()));
            parts.add(e.getKey().jsonName() + " first diverge at " + l.name() + " (" + what + ")");
        }
        long diverged = report.count(Status.DIVERGED) + report.count(Status.SHAPE_MISMATCH);
        if (diverged > 0) parts.add(diverged + " of " + (compared + report.count(Status.SHAPE_MISMATCH)) + " paired layers diverged");
        long onlyRef = report.count(Status.ONLY_IN_REFERENCE);
        long onlyCand = report.count(Status.ONLY_IN_CANDIDATE);
        if (onlyRef > 0) parts.add(onlyRef + " only in reference");
        if (onlyCand > 0) parts.add(onlyCand + " only in candidate");
        return "DIVERGED: " + String.join("; ", parts);
    }

    private static String[] row(LayerReport l) {
        DiffMetrics m = l.metrics();
        if (m == null) {
            String detail = l.status() == Status.SHAPE_MISMATCH ? "" : "-";
            return new String[] {l.name(), l.status().jsonName(), detail, detail, detail, detail};
        }
        return new String[] {l.name(), l.status().jsonName(), num(m.maxAbs()), num(m.maxRel()),
                String.format(Locale.ROOT, "%.6f", m.cosine()), m.mismatched() + "/" + l.numel()};
    }

    static String num(double v) {
        if (v == 0) return "0";
        if (Double.isNaN(v)) return "nan";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        return String.format(Locale.ROOT, "%.3e", v);
    }

    private static String pad(String s, int w) { return s + " ".repeat(w - s.length()); }

    private static String padLeft(String s, int w) { return " ".repeat(w - s.length()) + s; }
}
