package dev.layerdiff.spark;

import dev.layerdiff.archive.Archive;
import dev.layerdiff.archive.Archives;
import dev.layerdiff.compare.CompareOptions;
import dev.layerdiff.compare.Group;
import dev.layerdiff.compare.LayerDiff;
import dev.layerdiff.compare.LayerReport;
import dev.layerdiff.compare.PairingPlan;
import dev.layerdiff.compare.Report;
import dev.layerdiff.diagnosis.ComparisonHealth;
import dev.layerdiff.diagnosis.Diagnoser;
import dev.layerdiff.diagnosis.Diagnosis;
import dev.layerdiff.diagnosis.GroupDiagnosis;
import dev.layerdiff.diagnosis.SliceSource;
import dev.layerdiff.engine.CompareBackend;
import dev.layerdiff.engine.CpuBackend;
import dev.layerdiff.engine.PairPartial;
import dev.layerdiff.engine.PairTask;
import dev.layerdiff.report.JsonReport;
import dev.layerdiff.stats.PairResult;
import dev.layerdiff.tensor.TensorEntry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the executors do, one static entry per stage: {@link #first} plans a pair (and finishes it when
 * it fits one task), {@link #unit} compares a share of a large one, {@link #finish} reports a large one
 * from its shares. Each opens the archives itself and closes them before it returns.
 */
final class PairWork {
    private PairWork() {}

    /** A pair done in its first task, or planned for splitting. */
    record First(Outcome done, Planned planned) implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
    }

    /**
     * Opens both archives and plans the pair. A pair whose compared bytes fit {@link Settings#taskBytes},
     * or whose archives had to be copied to this machine (splitting would copy them to others too), is
     * compared and reported here.
     */
    static First first(PairInput pair, Settings settings) throws Exception {
        return Faults.orError(pair, settings, () -> {
            CompareOptions options = settings.compareOptions();
            try (Opened o = Opened.of(pair)) {
                PairingPlan plan = LayerDiff.plan(o.reference, o.candidate, options);
                List<Planned.RowSize> rows = sizes(plan, o, options);
                long bytes = rows.stream().mapToLong(Planned.RowSize::bytes).sum();
                boolean staged = !Locations.isLocal(pair.reference()) || !Locations.isLocal(pair.candidate());
                if (bytes <= settings.taskBytes() || staged) {
                    LayerDiff diff = new LayerDiff(Engines.backend(settings.deviceChoice()));
                    Report report = diff.run(plan, o.reference, o.candidate, options, null);
                    return new First(outcome(pair, plan, o, report, settings), null);
                }
                return new First(null, new Planned(pair, plan, rows));
            }
        }, error -> new First(Outcome.failed(pair.index(), error), null));
    }

    /** Compares one unit of a large pair. */
    static UnitResult unit(Unit unit, Settings settings) throws Exception {
        PairInput pair = unit.pair();
        return Faults.orError(pair, settings, () -> {
            CompareOptions options = settings.compareOptions();
            try (Opened o = Opened.of(pair)) {
                if (unit instanceof Unit.Rows rows) {
                    List<PairTask> tasks = LayerDiff.tasks(rows.rows(), o.reference, o.candidate, options);
                    List<PairResult> results = Engines.backend(settings.deviceChoice()).compare(tasks);
                    return UnitResult.rows(pair.index(), rows.indices(), results);
                }
                Unit.Chunks c = (Unit.Chunks) unit;
                PairTask task = LayerDiff.tasks(List.of(c.row()), o.reference, o.candidate, options).get(0);
                CpuBackend cpu = Engines.chunks();
                List<PairPartial> partials = new ArrayList<>(c.end() - c.first());
                for (int k = c.first(); k < c.end(); k++) partials.add(cpu.compareChunk(task, k));
                return UnitResult.chunks(pair.index(), c.index(), c.first(), partials);
            }
        }, error -> UnitResult.failed(pair.index(), error));
    }

    /** Reports a large pair from the results of its units (in the order of its plan's compared rows). */
    static Outcome finish(Planned planned, List<PairResult> results, Settings settings) throws Exception {
        PairInput pair = planned.pair();
        return Faults.orError(pair, settings, () -> {
            try (Opened o = Opened.of(pair)) {
                LayerDiff diff = new LayerDiff(Engines.backend(settings.deviceChoice()));
                Report report = diff.assemble(planned.plan(), o.reference, o.candidate, results);
                return outcome(pair, planned.plan(), o, report, settings);
            }
        }, error -> Outcome.failed(pair.index(), error));
    }

    /** Merges the chunk partials of one row in chunk order, as the CPU backend merges a pair's chunks. */
    static PairResult merge(PairingPlan.Pair row, boolean equalNan, List<PairPartial> chunks) {
        PairPartial all = new PairPartial(row.tolerance().rtol(), row.tolerance().atol(), equalNan, null);
        for (PairPartial p : chunks) all.merge(p);
        return all.toResult(null);
    }

    private static List<Planned.RowSize> sizes(PairingPlan plan, Opened o, CompareOptions options) {
        List<Planned.RowSize> rows = new ArrayList<>();
        for (PairTask t : LayerDiff.tasks(plan.compared(), o.reference, o.candidate, options)) {
            TensorEntry r = t.reference(), c = t.candidate();
            rows.add(new Planned.RowSize(r.numel(), r.byteSize() + c.byteSize(),
                    r.data().isRandomAccess() && c.data().isRandomAccess()));
        }
        return rows;
    }

    /** Diagnoses the report (reading flagged layers again) and renders it as the command line would. */
    private static Outcome outcome(PairInput pair, PairingPlan plan, Opened o, Report local, Settings settings)
            throws IOException {
        Report report = new Report(pair.reference(), pair.candidate(), local.backend(), local.layers());
        Diagnosis diagnosis = null;
        if (settings.diagnosis()) {
            CompareBackend backend = Engines.backend(settings.deviceChoice());
            SliceSource slices = SliceSource.of(backend, plan, o.reference, o.candidate, settings.compareOptions());
            diagnosis = new Diagnoser(settings.precisionOrNull(), slices).diagnose(report);
            diagnosis = ComparisonHealth.of(diagnosis, report, o.reference, o.candidate, backend);
        }
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        JsonReport.write(report, diagnosis, json);

        Map<Group, LayerReport> first = report.firstDivergence();
        Map<String, String> firstNames = new LinkedHashMap<>();
        Map<String, String> verdicts = diagnosis == null ? null : new LinkedHashMap<>();
        for (Group g : Group.values()) {
            firstNames.put(g.jsonName(), first.get(g) == null ? null : first.get(g).name());
            if (verdicts != null) {
                GroupDiagnosis gd = diagnosis.groups().get(g);
                verdicts.put(g.jsonName(), gd == null ? null : gd.verdict().jsonName());
            }
        }
        List<Object[]> rows = new ArrayList<>(report.layers().size());
        for (LayerReport l : report.layers()) {
            rows.add(LayerColumn.row(new LayerColumn.Layer(l,
                    diagnosis == null ? null : diagnosis.layers().get(l.name()),
                    diagnosis == null ? null : diagnosis.groups().get(l.group()),
                    first.get(l.group()) == l)));
        }
        return new Outcome(pair.index(), report.passed() ? "ok" : "diverged", firstNames, verdicts, json.toByteArray(),
                rows, null);
    }

    /** Both archives of a pair, open; closes both. */
    private static final class Opened implements AutoCloseable {
        final Archive reference;
        final Archive candidate;

        private Opened(Archive reference, Archive candidate) {
            this.reference = reference;
            this.candidate = candidate;
        }

        static Opened of(PairInput pair) throws IOException {
            Archive ref = Archives.open(Staging.open(pair.reference()));
            try {
                return new Opened(ref, Archives.open(Staging.open(pair.candidate())));
            } catch (IOException | RuntimeException e) {
                ref.close();
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            try {
                reference.close();
            } finally {
                candidate.close();
            }
        }
    }
}
