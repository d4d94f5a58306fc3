package dev.layerdiff.diagnosis;

import dev.layerdiff.archive.Archive;
import dev.layerdiff.compare.LayerReport;
import dev.layerdiff.compare.Report;
import dev.layerdiff.engine.CompareBackend;
import dev.layerdiff.stats.TensorSummary;
import dev.layerdiff.tensor.TensorEntry;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The health of both sides of a comparison, from the statistics the comparison already has. */
public final class ComparisonHealth {
    /** The dead-unit test's second read per side: this share of the bytes compared ... */
    static final int BUDGET_DIVISOR = 20;
    /** ... but at least this many bytes, so that small dumps are read whole. */
    static final long MIN_BUDGET = 64L << 20;

    private ComparisonHealth() {}

    /**
     * The diagnosis with each side's health (named as the report names the two sides); the second read for dead units is held to a twentieth of
     * the bytes compared per side (at least 64 MiB), so that the whole diagnosis stays a small share of
     * the comparison ({@link Health#unread} counts what was left out).
     */
    public static Diagnosis of(Diagnosis diagnosis, Report report, Archive ref, Archive cand, CompareBackend backend)
            throws IOException {
        Map<String, TensorSummary> refs = new HashMap<>(), cands = new HashMap<>();
        for (LayerReport l : report.layers()) {
            if (l.referenceStats() != null) refs.put(l.name(), new TensorSummary(l.referenceStats(), l.referenceHistogram()));
            if (l.candidateStats() != null) cands.put(l.candidateName(), new TensorSummary(l.candidateStats(), l.candidateHistogram()));
        }
        long bytes = 0;
        for (TensorEntry t : ref.tensors()) bytes += t.byteSize();
        for (TensorEntry t : cand.tensors()) bytes += t.byteSize();
        long budget = Math.max(MIN_BUDGET, bytes / BUDGET_DIVISOR);
        return diagnosis.withHealth(health(report.reference(), ref, refs, backend, budget),
                health(report.candidate(), cand, cands, backend, budget));
    }

    private static Health health(String name, Archive archive, Map<String, TensorSummary> known, CompareBackend backend, long budget)
            throws IOException {
        List<TensorEntry> tensors = archive.tensors();
        List<TensorEntry> missing = tensors.stream().filter(t -> !known.containsKey(t.name())).toList();
        List<TensorSummary> read = backend.summarize(missing);
        Map<String, TensorSummary> all = new HashMap<>(known);
        for (int i = 0; i < missing.size(); i++) all.put(missing.get(i).name(), read.get(i));
        return HealthCheck.check(name, tensors, tensors.stream().map(t -> all.get(t.name())).toList(),
                backend, budget);
    }
}
