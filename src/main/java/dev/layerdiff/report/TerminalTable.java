package dev.layerdiff.report;

import dev.layerdiff.compare.Group;
import dev.layerdiff.compare.LayerReport;
import dev.layerdiff.compare.PairingPlan.Match;
import dev.layerdiff.compare.Report;
import dev.layerdiff.compare.Status;
import dev.layerdiff.diagnosis.Diagnosis;
import dev.layerdiff.diagnosis.Finding;
import dev.layerdiff.diagnosis.GroupDiagnosis;
import dev.layerdiff.diagnosis.Health;
import dev.layerdiff.diagnosis.LayerDiagnosis;
import dev.layerdiff.diagnosis.Suspect;
import dev.layerdiff.io.Printable;
import dev.layerdiff.stats.DiffMetrics;
import dev.layerdiff.stats.SideStats;
import dev.layerdiff.tensor.Shapes;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * The human view of a report: one row per layer (layer, status, max_abs, max_rel, cosine, mismatched,
 * where the worst element is; with a diagnosis also the relative error, its size in units of the noise
 * floor and the layer's role; the dtypes, shapes and NaN/Inf counts of the two sides when they matter),
 * each group's first divergence marked; how pairs were made when not by name; with a diagnosis, each
 * group's verdict and suspects under the table; then a one-line verdict. Colour is the caller's choice
 * (a terminal that wants it); the text is the same without.
 */
public final class TerminalTable {
    private static final String[] HEADER = {"layer", "status", "max_abs", "max_rel", "cosine", "mismatched", "worst at"};
    private static final String[] DIAGNOSIS_HEADER = {"rel_err", "units", "role"};
    private static final String DTYPE_HEADER = "dtype ref|cand";
    private static final String SHAPE_HEADER = "shape ref|cand";
    private static final String NONFINITE_HEADER = "nan/inf ref|cand";
    /** Left-aligned columns. */
    private static final Set<String> LEFT = Set.of("layer", "status", "worst at", "role", DTYPE_HEADER, SHAPE_HEADER);

    /** Tables longer than this show only the rows that say where the runs part (see {@link #print}). */
    public static final int MAX_ROWS = 300;
    /** Rows shown either side of a row that says where the runs part. */
    static final int NEIGHBOURS = 2;

    private TerminalTable() {}

    /** The rows that say where the runs part, with their neighbours, in the table's order. */
    private static List<LayerReport> keyRows(List<LayerReport> every, Map<Group, LayerReport> first, Diagnosis diagnosis) {
        Set<String> key = new java.util.HashSet<>();
        for (LayerReport l : first.values()) if (l != null) key.add(l.name());
        if (diagnosis != null) {
            for (GroupDiagnosis g : diagnosis.groups().values()) {
                if (g.introducedAt() != null) key.add(g.introducedAt());
                for (Suspect s : g.suspects()) key.add(s.name());
            }
        }
        boolean[] keep = new boolean[every.size()];
        for (int i = 0; i < every.size(); i++) {
            if (!key.contains(every.get(i).name())) continue;
            for (int j = Math.max(0, i - NEIGHBOURS); j <= Math.min(every.size() - 1, i + NEIGHBOURS); j++) keep[j] = true;
        }
        List<LayerReport> rows = new ArrayList<>();
        for (int i = 0; i < every.size(); i++) if (keep[i]) rows.add(every.get(i));
        return rows;
    }

    /** Prints the table and the verdict. */
    public static void print(Report report, PrintWriter out) {
        print(report, null, out);
    }

    /** Prints the table, the diagnosis (when not null) and the verdict, without colour. */
    public static void print(Report report, Diagnosis diagnosis, PrintWriter out) {
        print(report, diagnosis, out, false);
    }

    /** Prints the table, the diagnosis (when not null) and the verdict; {@code colour}: with ANSI colours. */
    public static void print(Report report, Diagnosis diagnosis, PrintWriter out, boolean colour) {
        print(report, diagnosis, out, colour, false);
    }

    /**
     * As above; a table of more than {@link #MAX_ROWS} layers shows, unless {@code all}, only the rows
     * that say where the runs part: each group's first divergence and culprit, the suspects, and
     * {@link #NEIGHBOURS} rows either side of each, with a line counting each run of rows left out.
     */
    public static void print(Report report, Diagnosis diagnosis, PrintWriter out, boolean colour, boolean all) {
        Ansi ansi = new Ansi(colour);
        Map<Group, LayerReport> first = report.firstDivergence();
        List<LayerReport> every = diagnosis == null ? report.layers() : walkOrder(report);
        List<LayerReport> layers = all || every.size() <= MAX_ROWS ? every : keyRows(every, first, diagnosis);
        boolean nonfinite = layers.stream().anyMatch(l -> nonfinite(l.referenceStats()) || nonfinite(l.candidateStats()));
        boolean dtypes = layers.stream().anyMatch(TerminalTable::dtypesDiffer);
        boolean shapes = layers.stream().anyMatch(l -> l.status() == Status.SHAPE_MISMATCH);
        List<String> header = new ArrayList<>(List.of(HEADER));
        if (diagnosis != null) header.addAll(List.of(DIAGNOSIS_HEADER));
        if (dtypes) header.add(DTYPE_HEADER);
        if (shapes) header.add(SHAPE_HEADER);
        if (nonfinite) header.add(NONFINITE_HEADER);
        List<String[]> rows = new ArrayList<>();
        rows.add(header.toArray(String[]::new));
        for (LayerReport l : layers) {
            List<String> row = new ArrayList<>(List.of(row(l)));
            if (diagnosis != null) {
                String[] cells = diagnosisCells(diagnosis.layers().get(l.name()));
                if (l.estimate() != null && !cells[0].isEmpty() && !l.estimate().identical()) {
                    // A sketch's estimate is "~"; recorded statistics give a lower bound only, ">=".
                    cells[0] = (Double.isInfinite(l.estimate().relativeErrorHigh()) ? ">=" : "~") + cells[0];
                }
                row.addAll(List.of(cells));
            }
            if (dtypes) row.add(dtypesDiffer(l) ? l.referenceDtype().displayName() + "|" + l.candidateDtype().displayName() : "");
            if (shapes) row.add(l.status() == Status.SHAPE_MISMATCH
                    ? Shapes.format(l.referenceShape()) + "|" + Shapes.format(l.candidateShape()) : "");
            if (nonfinite) row.add(nonfiniteCell(l));
            rows.add(row.toArray(String[]::new));
        }
        int[] width = new int[header.size()];
        for (String[] r : rows) for (int i = 0; i < r.length; i++) width[i] = Math.max(width[i], r[i].length());

        Map<LayerReport, Integer> position = new java.util.IdentityHashMap<>();
        if (layers != every) for (int i = 0; i < every.size(); i++) position.put(every.get(i), i);
        int shown = -1;
        for (int k = 0; k < rows.size(); k++) {
            String[] r = rows.get(k);
            LayerReport l = k == 0 ? null : layers.get(k - 1);
            if (l != null && layers != every) {
                int at = position.get(l);
                if (at > shown + 1) out.println("... " + (at - shown - 1) + " rows not shown ...");
                shown = at;
            }
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                String cell = LEFT.contains(header.get(i)) ? pad(r[i], width[i]) : padLeft(r[i], width[i]);
                if (l != null) cell = ansi.cell(header.get(i), r[i], cell);
                line.append(cell).append(i + 1 < r.length ? "  " : "");
            }
            if (l != null) {
                for (Map.Entry<Group, LayerReport> e : first.entrySet()) {
                    if (e.getValue() == l) line.append(ansi.bold("  <- first divergence (" + e.getKey().jsonName() + ")"));
                }
            }
            out.println(line.toString().stripTrailing());
        }
        if (layers != every) {
            if (shown < every.size() - 1) out.println("... " + (every.size() - 1 - shown) + " rows not shown ...");
            out.println(String.format(Locale.ROOT, "(%d of %d layers shown: each group's first divergence and culprit, the suspects,"
                    + " and %d rows either side of each; --all shows every row)", layers.size(), every.size(), NEIGHBOURS));
        }
        if (every.stream().anyMatch(l -> l.estimate() != null && !l.estimate().identical())) {
            out.println("(~ estimated from a summary's sketches, >= a lower bound from recorded statistics; ? what they cannot"
                    + " count; a layer is diverged where the hashes or statistics of its values differ)");
        }
        out.println();
        printPairing(report, out);
        if (diagnosis != null) printDiagnosis(diagnosis, out);
        out.println(ansi.verdict(Verdicts.line(report, diagnosis), report.passed()));
        out.flush();
    }

    /** How pairs were made, for every rule but the plain name: the reader must know which tensor met which. */
    private static void printPairing(Report report, PrintWriter out) {
        Map<Match, List<LayerReport>> by = new EnumMap<>(Match.class);
        for (LayerReport l : report.layers()) {
            if (l.pairedBy() != null && l.pairedBy() != Match.NAME) by.computeIfAbsent(l.pairedBy(), m -> new ArrayList<>()).add(l);
        }
        if (by.isEmpty()) return;
        for (Map.Entry<Match, List<LayerReport>> e : by.entrySet()) {
            List<LayerReport> ls = e.getValue();
            LayerReport one = ls.get(0);
            out.println(switch (e.getKey()) {
                case LAYOUT -> "paired across dump layouts: " + ls.size() + " layer" + (ls.size() == 1 ? "" : "s") + " (e.g. "
                        + Printable.of(one.name() + " ~ " + one.candidateName()) + "); rows carry the reference's names";
                case SINGLE -> "paired the only tensor of each side: " + Printable.of(one.name() + " ~ " + one.candidateName());
                case ORDER -> "paired by position and shape (--match order): " + ls.size() + " layer"
                        + (ls.size() == 1 ? "" : "s") + ", shown as REFERENCE ~ CANDIDATE";
                case NAME -> throw new AssertionError();
            });
        }
        out.println();
    }

    /** The layer as the table names it: both names when the pairing did not go by name. */
    static String display(LayerReport l) {
        return Printable.of(l.pairedBy() != null && l.pairedBy().namesDiffer() ? l.name() + " ~ " + l.candidateName() : l.name());
    }

    private static boolean dtypesDiffer(LayerReport l) {
        return l.referenceDtype() != null && l.candidateDtype() != null && l.referenceDtype() != l.candidateDtype();
    }


    /** Compared layers group by group in walk order (gradients from the output backward), then the unpaired ones. */
    static List<LayerReport> walkOrder(Report report) {
        // By identity: a record's hash would hash every statistic and histogram of every layer.
        Set<LayerReport> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<LayerReport> ordered = new ArrayList<>(report.layers().size());
        for (Group g : Group.values()) for (LayerReport l : report.walk(g)) if (seen.add(l)) ordered.add(l);
        for (LayerReport l : report.layers()) if (seen.add(l)) ordered.add(l);
        return ordered;
    }

    private static void printDiagnosis(Diagnosis d, PrintWriter out) {
        for (GroupDiagnosis g : d.groups().values()) {
            out.println(Printable.of(g.group().jsonName() + ": " + Verdicts.describe(g)));
            for (Suspect s : g.suspects()) {
                LayerDiagnosis ld = d.layers().get(s.name());
                out.println(Printable.of("  " + (ld != null ? ld.role().jsonName() : "suspect") + " " + s.name() + ": " + s.reason()));
            }
        }
        out.println(String.format(Locale.ROOT, "noise floor: u = %s, from %s", num(d.floor()), d.source()));
        String[] sides = {"reference", "candidate"};
        for (int i = 0; i < d.health().size(); i++) {
            Health h = d.health().get(i);
            for (Finding f : h.findings()) {
                out.println(Printable.of("health of the " + sides[i] + ": " + f.kind().jsonName() + " at " + f.layer() + ": " + f.detail()));
            }
            if (h.unread() > 0) {
                out.println("note: " + h.unread() + " layer(s) of the " + sides[i]
                        + " were not read for dead units (over the comparison's budget; `layerdiff check` reads them all)");
            }
        }
        for (String note : d.notes()) out.println(Printable.of("note: " + note));
        out.println();
    }

    private static String[] row(LayerReport l) {
        DiffMetrics m = l.metrics();
        if (m == null) {
            String detail = l.status() == Status.SHAPE_MISMATCH ? "" : "-";
            return new String[] {display(l), l.status().jsonName(), detail, detail, detail, detail, detail};
        }
        if (l.estimate() != null && !l.estimate().identical()) {
            // From a summary: what a sketch cannot tell is "-", its elements off "?", its estimates "~".
            return new String[] {display(l), l.status().jsonName(), "-", "-",
                    Double.isNaN(m.cosine()) ? "-" : String.format(Locale.ROOT, "~%.6f", m.cosine()), "?/" + l.numel(), "-"};
        }
        // The metrics as MetricField reads them for every report; undefined without a finite pair: "-".
        boolean anyFinite = m.finitePairs() > 0;
        return new String[] {display(l), l.status().jsonName(), anyFinite ? num(MetricField.MAX_ABS.value(l)) : "-",
                anyFinite ? num(MetricField.MAX_REL.value(l)) : "-",
                anyFinite ? String.format(Locale.ROOT, "%.6f", MetricField.COSINE.value(l)) : "-",
                (long) MetricField.MISMATCHED.value(l) + "/" + l.numel(), worstAt(l, m)};
    }

    /** The position of max_abs as indices, {@code [2,1,9,0]}: where to look first. */
    private static String worstAt(LayerReport l, DiffMetrics m) {
        if (m.maxAbsIndex() < 0 || m.maxAbs() == 0) return "-";
        long[] at = Shapes.unravel(m.maxAbsIndex(), l.referenceShape());
        StringJoiner j = new StringJoiner(",", "[", "]");
        for (long i : at) j.add(Long.toString(i));
        return j.toString();
    }

    private static String[] diagnosisCells(LayerDiagnosis d) {
        if (d == null) return new String[] {"", "", ""};
        String units = Double.isFinite(d.units()) ? String.format(Locale.ROOT, d.units() < 1000 ? "%.1f" : "%.1e", d.units()) : "-";
        return new String[] {num(d.relativeError()), units, d.role().jsonName()};
    }

    private static boolean nonfinite(SideStats s) {
        return s != null && (s.nan() > 0 || s.inf() > 0);
    }

    private static String nonfiniteCell(LayerReport l) {
        return side(l.referenceStats()) + "|" + side(l.candidateStats());
    }

    private static String side(SideStats s) {
        return s == null ? "-" : s.nan() + "/" + s.inf();
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
