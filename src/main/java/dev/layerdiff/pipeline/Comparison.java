package dev.layerdiff.pipeline;

import dev.layerdiff.archive.Archive;
import dev.layerdiff.archive.Archives;
import dev.layerdiff.archive.ReadLimits;
import dev.layerdiff.compare.CompareOptions;
import dev.layerdiff.compare.ImageSink;
import dev.layerdiff.compare.LayerDiff;
import dev.layerdiff.compare.LayerReport;
import dev.layerdiff.compare.PairingHint;
import dev.layerdiff.compare.PairingPlan;
import dev.layerdiff.compare.Progress;
import dev.layerdiff.compare.Report;
import dev.layerdiff.diagnosis.HealthCheck;
import dev.layerdiff.diagnosis.Diagnoser;
import dev.layerdiff.diagnosis.Diagnosis;
import dev.layerdiff.diagnosis.Precision;
import dev.layerdiff.diagnosis.Referee;
import dev.layerdiff.diagnosis.SliceSource;
import dev.layerdiff.engine.CompareBackend;
import dev.layerdiff.engine.CpuBackend;
import dev.layerdiff.engine.MemoryFault;
import dev.layerdiff.engine.PairTask;
import dev.layerdiff.summary.Summaries;
import dev.layerdiff.summary.SummaryBackend;
import dev.layerdiff.stats.DiffImage;
import dev.layerdiff.stats.PairResult;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One comparison of two archives, the pipeline every front end drives (the command line, the Spark job,
 * a library): opened once with the backend, both archives, the options and the plan, it runs the one
 * pass ({@link #run}), serves the second reads (the diagnosis' slice breakdowns and dead-unit scans, the
 * images) and the referee, and guards every read against files that change underneath: a fault or a file
 * that changed size ends as one error naming the file, never as results from other bytes.
 *
 * <pre>{@code
 * try (CompareBackend backend = Backends.select(Device.AUTO);
 *      Comparison c = Comparison.open(Path.of("ref.safetensors"), Path.of("cand.pt"), CompareOptions.defaults(), backend)) {
 *     Diagnosis d = c.diagnose();   // runs the pass first
 *     ...
 * }
 * }</pre>
 *
 * The backend stays the caller's to close; the archives are this object's when it opened them.
 */
public final class Comparison implements Closeable {
    private final Archive reference, candidate;
    private final boolean owned;
    private final CompareOptions options;
    private final CompareBackend backend;
    private final LayerDiff diff;
    private final PairingPlan plan;
    private final ReadLimits limits;
    private String referenceName, candidateName;
    private Report report;
    private int chunkRow = -1;
    private PairTask chunkTask;

    private Comparison(Archive reference, Archive candidate, boolean owned, CompareOptions options, CompareBackend backend,
                       ReadLimits limits) throws IOException {
        this.reference = reference;
        this.candidate = candidate;
        this.owned = owned;
        this.options = options;
        // A summary on either side: its pairs are judged from the digests (the others still by their values).
        this.backend = SummaryBackend.of(backend, reference, candidate);
        this.limits = limits;
        this.diff = new LayerDiff(this.backend);
        this.plan = LayerDiff.plan(reference, candidate, options);
    }

    /** Opens both archives (default read limits) and plans the pair; headers only. */
    public static Comparison open(Path reference, Path candidate, CompareOptions options, CompareBackend backend) throws IOException {
        return open(reference, candidate, options, backend, ReadLimits.DEFAULTS);
    }

    /** Opens both archives within {@code limits} and plans the pair; headers only. */
    public static Comparison open(Path reference, Path candidate, CompareOptions options, CompareBackend backend,
                                  ReadLimits limits) throws IOException {
        Archive ref = Summaries.view(Archives.open(reference, limits));
        try {
            Archive cand = Summaries.view(Archives.open(candidate, limits));
            try {
                return new Comparison(ref, cand, true, options, backend, limits);
            } catch (IOException | RuntimeException e) {
                cand.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            ref.close();
            throw e;
        }
    }

    /** Plans a pair of archives that are already open; they stay the caller's to close. */
    public static Comparison of(Archive reference, Archive candidate, CompareOptions options, CompareBackend backend)
            throws IOException {
        return new Comparison(reference, candidate, false, options, backend, ReadLimits.DEFAULTS);
    }

    public Archive reference() { return reference; }

    public Archive candidate() { return candidate; }

    public CompareOptions options() { return options; }

    /**
     * Names the two sides in the report (and its health findings) other than by the paths opened: a
     * distributed run reads local copies of remote files and reports the files' own addresses.
     */
    public Comparison named(String reference, String candidate) {
        this.referenceName = reference;
        this.candidateName = candidate;
        return this;
    }

    /** Who meets whom, and why. */
    public PairingPlan plan() { return plan; }

    /** When under half of either side paired: the options that would pair more. */
    public Optional<PairingHint> hint() {
        return LayerDiff.hint(reference, candidate, options, plan);
    }

    /**
     * The one pass over both archives' bytes: each diverged layer's image goes to {@code images} as it is
     * computed (with {@link CompareOptions#images()}; null: none), {@code progress} hears of the bytes
     * done (null: nothing).
     */
    public Report run(ImageSink images, Progress progress) throws IOException {
        report = named(diff.run(plan, reference, candidate, options, images, progress));
        return report;
    }

    /** The report of a pass whose results were computed elsewhere (a distributed run), in the plan's compared order. */
    public Report assemble(List<PairResult> results) throws IOException {
        report = named(diff.assemble(plan, reference, candidate, results));
        return report;
    }

    private Report named(Report r) {
        return referenceName == null ? r : new Report(referenceName, candidateName, r.backend(), r.layers(), r.unpairedAllowed());
    }

    /** The pass's report, running the pass first if it has not run. */
    public Report report() throws IOException {
        return report != null ? report : run(null, null);
    }

    /**
     * Compares chunk {@code k} of compared row {@code row} (an index into {@link PairingPlan#compared()};
     * chunks of {@link CpuBackend#chunkElements()}, as {@code dev.layerdiff.engine.Chunks} cuts them) on
     * {@code cpu}, on the calling thread, without an image: the unit of a large layer compared on many
     * machines. {@link ChunkPartial#merge} puts a row's chunks back together.
     */
    public ChunkPartial compareChunk(int row, int k, CpuBackend cpu) throws IOException {
        // A unit is a run of chunks of one row: its task is made once (finding a tensor indexes the archive).
        if (chunkRow != row) {
            chunkTask = LayerDiff.tasks(List.of(plan.compared().get(row)), reference, candidate, options).get(0);
            chunkRow = row;
        }
        PairTask task = chunkTask;
        return guarded(() -> new ChunkPartial(cpu.compareChunk(task, k)));
    }

    /** {@link #diagnose(Precision, Path)} judged from the dtypes and the data, without a referee. */
    public Diagnosis diagnose() throws IOException {
        return diagnose(null, null);
    }

    /**
     * Noise or bug, where, and each run's health: reads the flagged layers a second time (slice
     * breakdowns) and, within a budget, the layers that may hold dead units.
     *
     * @param precision what the candidate computed in when its dump does not say (null: the dtypes and the data)
     * @param referee   a higher-precision run of the same inputs (null: none)
     */
    public Diagnosis diagnose(Precision precision, Path referee) throws IOException {
        Report judged = report();
        return guarded(() -> {
            Referee gold = referee == null ? null : referee(referee);
            Diagnosis d = new Diagnoser(precision, SliceSource.of(backend, plan, reference, candidate, options), gold).diagnose(judged);
            return HealthCheck.ofBothSides(d, judged, reference, candidate, backend);
        });
    }

    /** The images of {@code layers} (those that can be drawn), read again, in the order asked. */
    public Map<String, DiffImage> images(List<String> layers) throws IOException {
        Map<String, DiffImage> drawn = new ConcurrentHashMap<>();
        guarded(() -> {
            diff.images(plan, reference, candidate, options, layers, (order, name, image) -> drawn.put(name, image));
            return null;
        });
        Map<String, DiffImage> ordered = new LinkedHashMap<>();
        for (String name : layers) if (drawn.containsKey(name)) ordered.put(name, drawn.get(name));
        return ordered;
    }

    /** Both runs' relative errors against the referee's archive, layer by layer. */
    private Referee referee(Path path) throws IOException {
        try (Archive gold = Archives.open(path, limits)) {
            // The referee is the reference's kind of dump: only the candidate's renaming and skips apply.
            CompareOptions plain = CompareOptions.builder().build();
            CompareOptions renamed = CompareOptions.builder().mappings(options.mappings()).skip(options.skip()).build();
            return new Referee(path.toString(), errors(diff.compare(gold, reference, plain)), errors(diff.compare(gold, candidate, renamed)));
        }
    }

    private static Map<String, Double> errors(Report report) {
        Map<String, Double> errors = new HashMap<>();
        for (LayerReport l : report.layers()) if (l.metrics() != null) errors.put(l.name(), l.metrics().relativeError());
        return errors;
    }

    /** A second read: a fault, or a file that changed size meanwhile, ends as the error that names the file. */
    private <T> T guarded(Read<T> read) throws IOException {
        try {
            T result = read.run();
            LayerDiff.checkUnchanged(reference, candidate);
            return result;
        } catch (RuntimeException | InternalError e) {
            if (!MemoryFault.isFault(e)) throw e;
            LayerDiff.checkUnchanged(reference, candidate);
            throw e;
        }
    }

    @FunctionalInterface
    private interface Read<T> {
        T run() throws IOException;
    }

    /** Closes the archives this comparison opened (idempotent); the backend stays open. */
    @Override
    public void close() throws IOException {
        if (backend instanceof SummaryBackend own) own.close();
        if (!owned) return;
        try {
            candidate.close();
        } finally {
            reference.close();
        }
    }
}
