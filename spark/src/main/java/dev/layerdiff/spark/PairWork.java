package dev.layerdiff.spark;

import dev.layerdiff.compare.CompareOptions;
import dev.layerdiff.compare.Group;
import dev.layerdiff.compare.LayerDiff;
import dev.layerdiff.compare.LayerReport;
import dev.layerdiff.compare.Report;
import dev.layerdiff.diagnosis.Diagnosis;
import dev.layerdiff.diagnosis.GroupDiagnosis;
import dev.layerdiff.engine.PairTask;
import dev.layerdiff.pipeline.ChunkPartial;
import dev.layerdiff.pipeline.Comparison;
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
            try (Comparison c = open(pair, settings)) {
                List<Planned.RowSize> rows = sizes(c);
                long bytes = rows.stream().mapToLong(Planned.RowSize::bytes).sum();
                boolean staged = !Locations.isLocal(pair.reference()) || !Locations.isLocal(pair.candidate());
                if (bytes <= settings.taskBytes() || staged) return new First(outcome(pair, c, c.run(null, null), settings), null);
                return new First(null, new Planned(pair, c.plan(), rows));
            }
        }, error -> new First(Outcome.failed(pair.index(), error), null));
    }

    /** Compares one unit of a large pair. */
    static UnitResult unit(Unit unit, Settings settings) throws Exception {
        PairInput pair = unit.pair();
        return Faults.orError(pair, settings, () -> {
            CompareOptions options = settings.compareOptions();
            try (Comparison c = open(pair, settings)) {
                if (unit instanceof Unit.Rows rows) {
                    List<PairTask> tasks = LayerDiff.tasks(rows.rows(), c.reference(), c.candidate(), options);
                    List<PairResult> results = Engines.backend(settings.deviceChoice()).compare(tasks);
                    return UnitResult.rows(pair.index(), rows.indices(), results);
                }
                Unit.Chunks u = (Unit.Chunks) unit;
                List<ChunkPartial> partials = new ArrayList<>(u.end() - u.first());
                for (int k = u.first(); k < u.end(); k++) partials.add(c.compareChunk(u.index(), k, Engines.chunks()));
                return UnitResult.chunks(pair.index(), u.index(), u.first(), partials);
            }
        }, error -> UnitResult.failed(pair.index(), error));
    }

    /** Reports a large pair from the results of its units (in the order of its plan's compared rows). */
    static Outcome finish(Planned planned, List<PairResult> results, Settings settings) throws Exception {
        PairInput pair = planned.pair();
        return Faults.orError(pair, settings, () -> {
            try (Comparison c = open(pair, settings)) {
                return outcome(pair, c, c.assemble(results), settings);
            }
        }, error -> Outcome.failed(pair.index(), error));
    }

    /** Opens a pair's archives (copied to this machine where remote) as one comparison, named by their addresses. */
    private static Comparison open(PairInput pair, Settings settings) throws IOException {
        return Comparison.open(Staging.open(pair.reference()), Staging.open(pair.candidate()), settings.compareOptions(),
                Engines.backend(settings.deviceChoice())).named(pair.reference(), pair.candidate());
    }

    private static List<Planned.RowSize> sizes(Comparison c) {
        List<Planned.RowSize> rows = new ArrayList<>();
        for (PairTask t : LayerDiff.tasks(c.plan().compared(), c.reference(), c.candidate(), c.options())) {
            TensorEntry r = t.reference(), cand = t.candidate();
            rows.add(new Planned.RowSize(r.numel(), r.byteSize() + cand.byteSize(),
                    r.data().isRandomAccess() && cand.data().isRandomAccess()));
        }
        return rows;
    }

    /** Diagnoses the report (reading flagged layers again) and renders it as the command line would. */
    private static Outcome outcome(PairInput pair, Comparison c, Report report, Settings settings) throws IOException {
        Diagnosis diagnosis = settings.diagnosis() ? c.diagnose(settings.precisionOrNull(), null) : null;
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

}
