package dev.layerdiff.spark;

import dev.layerdiff.compare.PairingPlan;
import dev.layerdiff.pipeline.ChunkPartial;
import dev.layerdiff.stats.PairResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The job's stages, driven from the driver. One task per pair plans it from the headers and, when it is
 * small, finishes it. Large pairs are cut into units that run as tasks of their own; the driver merges
 * their results (chunk partials in chunk order, as the CPU backend does) and a last task per large pair
 * assembles, diagnoses and renders its report. Only per-layer results travel: tensor data never leaves
 * the executor that reads it.
 */
final class Stages {
    private final JavaSparkContext spark;
    private final Settings settings;
    private int units;

    Stages(JavaSparkContext spark, Settings settings) {
        this.spark = spark;
        this.settings = settings;
    }

    /** One outcome per pair, in input order. */
    List<Outcome> run(List<PairInput> pairs) {
        Outcome[] outcomes = new Outcome[pairs.size()];
        Map<Integer, Integer> slot = new HashMap<>();
        for (int i = 0; i < pairs.size(); i++) slot.put(pairs.get(i).index(), i);
        if (pairs.isEmpty()) return List.of();

        Settings s = settings;
        spark.setJobDescription("layerdiff: plan " + pairs.size() + " pairs, compare the small ones");
        List<PairWork.First> firsts = spark.parallelize(pairs, pairs.size()).map(p -> PairWork.first(p, s)).collect();
        List<Planned> large = new ArrayList<>();
        for (PairWork.First f : firsts) {
            if (f.done() != null) outcomes[slot.get(f.done().index())] = f.done();
            else large.add(f.planned());
        }
        if (!large.isEmpty()) {
            for (Outcome o : finishLarge(large)) outcomes[slot.get(o.index())] = o;
        }
        return Arrays.asList(outcomes);
    }

    /** Units that ran for large pairs (for tests and the log). */
    int units() {
        return units;
    }

    private List<Outcome> finishLarge(List<Planned> large) {
        Planner planner = new Planner(settings.taskBytes(), Engines.chunks().chunkElements());
        List<Unit> work = new ArrayList<>();
        for (Planned p : large) work.addAll(planner.units(p));
        units = work.size();

        Settings s = settings;
        spark.setJobDescription("layerdiff: compare " + large.size() + " large pairs in " + work.size() + " units");
        List<UnitResult> results = spark.parallelize(work, work.size()).map(u -> PairWork.unit(u, s)).collect();

        List<Outcome> outcomes = new ArrayList<>();
        List<Finish> finishing = new ArrayList<>();
        for (Planned p : large) {
            List<UnitResult> mine = results.stream().filter(r -> r.pair() == p.pair().index()).toList();
            String error = mine.stream().map(UnitResult::error).filter(e -> e != null).findFirst().orElse(null);
            if (error != null) outcomes.add(Outcome.failed(p.pair().index(), error));
            else finishing.add(new Finish(p, merge(p, mine, planner)));
        }
        if (!finishing.isEmpty()) {
            spark.setJobDescription("layerdiff: report " + finishing.size() + " large pairs");
            outcomes.addAll(spark.parallelize(finishing, finishing.size())
                    .map(f -> PairWork.finish(f.planned(), f.results(), s)).collect());
        }
        return outcomes;
    }

    /** A large pair's plan and one result per compared row, for its last task. */
    record Finish(Planned planned, List<PairResult> results) implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
    }

    private List<PairResult> merge(Planned p, List<UnitResult> mine, Planner planner) {
        List<PairingPlan.Pair> compared = p.plan().compared();
        PairResult[] rows = new PairResult[compared.size()];
        Map<Integer, ChunkPartial[]> chunks = new HashMap<>();
        for (UnitResult r : mine) {
            for (int k = 0; k < r.indices().size(); k++) rows[r.indices().get(k)] = r.results().get(k);
            if (r.chunkRow() < 0) continue;
            ChunkPartial[] all = chunks.computeIfAbsent(r.chunkRow(),
                    row -> new ChunkPartial[planner.chunks(p.rows().get(row).numel())]);
            for (int k = 0; k < r.partials().size(); k++) all[r.first() + k] = r.partials().get(k);
        }
        for (Map.Entry<Integer, ChunkPartial[]> e : chunks.entrySet()) {
            rows[e.getKey()] = ChunkPartial.merge(compared.get(e.getKey()), settings.equalNan(), Arrays.asList(e.getValue()));
        }
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] == null) throw new IllegalStateException("no result for " + compared.get(i).name());
        }
        return Arrays.asList(rows);
    }
}
