package dev.layerdiff.compare;

import dev.layerdiff.archive.Archive;
import dev.layerdiff.archive.ArchiveException;
import dev.layerdiff.compare.PairingPlan.Kind;
import dev.layerdiff.compare.PairingPlan.Pair;
import dev.layerdiff.engine.CompareBackend;
import dev.layerdiff.engine.MemoryFault;
import dev.layerdiff.engine.PairTask;
import dev.layerdiff.stats.DiffImage;
import dev.layerdiff.stats.DiffMetrics;
import dev.layerdiff.stats.LayerStats;
import dev.layerdiff.stats.PairResult;
import dev.layerdiff.stats.ErrorEstimate;
import dev.layerdiff.stats.StatsArena;
import dev.layerdiff.stats.TensorSummary;
import dev.layerdiff.tensor.TensorEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.Optional;

/**
 * The entry point of the Java API, in three steps: {@link #plan} pairs the tensors of two archives
 * (by name, dump layout, position) and chooses each layer's tolerance; {@link #run} has a backend compare every pair in one pass
 * over the bytes and assembles the {@link Report}. All validation happens here; backends assume valid
 * input.
 *
 * <pre>{@code
 * try (CompareBackend backend = Backends.select(Device.AUTO);
 *      Archive ref = Archives.open(Path.of("ref.safetensors"));
 *      Archive cand = Archives.open(Path.of("cand.safetensors"))) {
 *     Report report = new LayerDiff(backend).compare(ref, cand, CompareOptions.defaults());
 *     LayerReport first = report.firstDivergence().get(Group.ACTIVATIONS);
 * }
 * }</pre>
 */
public final class LayerDiff {
    private final CompareBackend backend;

    public LayerDiff(CompareBackend backend) {
        this.backend = Objects.requireNonNull(backend, "backend");
    }

    /** The backend doing the work. */
    public CompareBackend backend() { return backend; }

    /**
     * Compares a candidate archive against a reference: {@link #plan}, then {@link #run}. With
     * {@link CompareOptions#images()}, each diverged layer's image is in its {@link LayerReport#image()}.
     *
     * @throws IllegalArgumentException if renaming makes two candidate tensors share a name
     * @throws IOException if tensor data cannot be read
     */
    public Report compare(Archive reference, Archive candidate, CompareOptions options) throws IOException {
        return compare(reference, candidate, options, null);
    }

    /**
     * Compares a candidate archive against a reference, handing each diverged layer's image to
     * {@code images} as soon as it is computed (see {@link #run}).
     *
     * @throws IllegalArgumentException if renaming makes two candidate tensors share a name
     * @throws IOException if tensor data cannot be read, or {@code images} fails
     */
    public Report compare(Archive reference, Archive candidate, CompareOptions options, ImageSink images)
            throws IOException {
        return run(plan(reference, candidate, options), reference, candidate, options, images);
    }

    /**
     * Pairs the tensors of two archives and chooses each pair's tolerance. Reads headers only. The rules,
     * each applied to what the ones before it left unpaired ({@link PairingPlan.Match}): the same name
     * after the options' renaming; the same name once dump layouts are normalised
     * ({@link Group#layoutKey}: {@code activations/conv1} meets {@code conv1}, {@code gradients/conv1}
     * meets {@code grad/conv1}); the only tensor of each side; with {@link CompareOptions#matchByOrder()},
     * position and shape. Tensors the options skip take no part.
     *
     * @throws ArchiveException when neither archive holds a tensor, or naming a member that holds nothing to
     *                          compare ({@link Archive#uncomparable()}) and that the options do not skip
     * @throws IllegalArgumentException if renaming makes two candidate tensors share a name
     */
    public static PairingPlan plan(Archive reference, Archive candidate, CompareOptions options) throws ArchiveException {
        if (reference.tensors().isEmpty() && candidate.tensors().isEmpty()) {
            // "OK: all 0 layers" would pass a CI job that compared nothing.
            throw new ArchiveException(reference.path().toString(), "holds no tensors, nor does " + candidate.path() + ": nothing to compare");
        }
        for (Archive a : List.of(reference, candidate)) {
            for (Map.Entry<String, String> u : a.uncomparable().entrySet()) {
                if (options.skips(u.getKey())) continue;
                throw new ArchiveException(a.path().toString(), "member " + u.getKey() + ": " + u.getValue()
                        + "; leave it out with --skip '" + u.getKey() + "' to compare the rest");
            }
        }
        return Pairing.plan(reference, candidate, options);
    }

    /**
     * When a plan paired under half of either side: the {@code --map} rules (or {@code --match order})
     * that would pair more, found by planning with each guess. Reads headers only.
     */
    public static Optional<PairingHint> hint(Archive reference, Archive candidate, CompareOptions options, PairingPlan plan) {
        return PairingHint.of(reference, candidate, options, plan);
    }

    /**
     * Runs a plan over the archives it was made from: one pass over the bytes of every compared pair,
     * and per-tensor statistics of the unpaired ones. Each diverged layer's image goes to {@code images}
     * as soon as it is computed when {@link CompareOptions#images()} is set and {@code images} is not
     * null (the report then holds none, so memory does not grow with the number of diverged layers).
     *
     * @throws IOException if tensor data cannot be read, or {@code images} fails
     */
    public Report run(PairingPlan plan, Archive reference, Archive candidate, CompareOptions options,
                      ImageSink images) throws IOException {
        return run(plan, reference, candidate, options, images, null);
    }

    /**
     * {@link #run(PairingPlan, Archive, Archive, CompareOptions, ImageSink)}, telling {@code progress}
     * (when not null) how many bytes are done as the backend reads them.
     *
     * @throws IOException if tensor data cannot be read, or {@code images} fails
     */
    public Report run(PairingPlan plan, Archive reference, Archive candidate, CompareOptions options,
                      ImageSink images, Progress progress) throws IOException {
        Tensors refs = new Tensors(reference), cands = new Tensors(candidate);
        List<Pair> compared = plan.compared();
        List<PairTask> tasks = tasks(compared, refs, cands, options);
        Compared[] results = new Compared[tasks.size()];
        PairProgress counted = progress == null ? null : new PairProgress(tasks, progress);
        try {
            Report report = run(plan, refs, cands, tasks, compared, results, counted, images, options);
            // A file cut short mid-run may have been read as other bytes without a fault being raised
            // where the backend could see it: results are trusted only from files that kept their size.
            checkUnchanged(reference, candidate);
            return report;
        } catch (RuntimeException | InternalError e) {
            if (!MemoryFault.isFault(e)) throw e;
            checkUnchanged(reference, candidate);
            throw e;
        }
    }

    /** Throws naming the file if one of the archives changed size since it was opened (see {@link Archive#checkUnchanged}). */
    public static void checkUnchanged(Archive reference, Archive candidate) throws IOException {
        reference.checkUnchanged();
        candidate.checkUnchanged();
    }

    private Report run(PairingPlan plan, Tensors refs, Tensors cands, List<PairTask> tasks, List<Pair> compared,
                       Compared[] results, PairProgress counted, ImageSink images, CompareOptions options)
            throws IOException {
        StatsArena arena = new StatsArena();
        backend.compare(tasks, new CompareBackend.ResultSink() {
            @Override
            public void accept(int i, PairResult r) {
                if (counted != null) counted.add(i, 0, true);
                // Packed as it arrives: a million results as objects would outgrow the heap before the report.
                results[i] = new Compared(arena, images == null ? r : written(images, compared.get(i), r));
            }

            @Override
            public void progressed(int task, long bytes) {
                if (counted != null) counted.add(task, bytes, false);
            }
        });
        return assemble(plan, refs, cands, arena, Arrays.asList(results), options.allowUnpaired());
    }

    /** A compared layer's result, its statistics packed. */
    private record Compared(DiffMetrics metrics, LayerStats stats, DiffImage image, ErrorEstimate estimate) {
        Compared(StatsArena arena, PairResult r) {
            this(r.metrics(), arena.put(r), r.image(), r.estimate());
        }
    }

    /**
     * The report of a plan whose compared rows were computed elsewhere (on other machines, chunk by
     * chunk): {@code results} in the order of {@link PairingPlan#compared()}. Summarizes the unpaired
     * tensors through this backend and assembles the layers as {@link #run} does.
     *
     * @throws IllegalArgumentException if there is not one result per compared row
     * @throws IOException if tensor data of an unpaired tensor cannot be read
     */
    public Report assemble(PairingPlan plan, Archive reference, Archive candidate, List<PairResult> results)
            throws IOException {
        int compared = plan.compared().size();
        if (results.size() != compared) {
            throw new IllegalArgumentException(results.size() + " results for a plan of " + compared + " compared layers");
        }
        StatsArena arena = new StatsArena();
        List<Compared> packed = new ArrayList<>(results.size());
        for (PairResult r : results) packed.add(new Compared(arena, r));
        return assemble(plan, new Tensors(reference), new Tensors(candidate), arena, packed, false);
    }

    private Report assemble(PairingPlan plan, Tensors refs, Tensors cands, StatsArena arena, List<Compared> results,
                            boolean allowUnpaired) throws IOException {
        List<TensorEntry> unpaired = new ArrayList<>();
        for (Pair p : plan.pairs()) {
            if (p.kind() == Kind.COMPARE) continue;
            if (p.referenceName() != null) unpaired.add(refs.get(p.referenceName()));
            if (p.candidateName() != null) unpaired.add(cands.get(p.candidateName()));
        }
        List<TensorSummary> summaries = backend.summarize(unpaired);

        List<LayerReport> layers = new ArrayList<>(plan.pairs().size());
        int task = 0, summary = 0;
        for (Pair p : plan.pairs()) {
            TensorEntry ref = p.referenceName() == null ? null : refs.get(p.referenceName());
            TensorEntry cand = p.candidateName() == null ? null : cands.get(p.candidateName());
            if (p.kind() == Kind.COMPARE) {
                layers.add(compared(p, ref, cand, results.get(task++)));
            } else {
                TensorSummary rs = ref == null ? null : summaries.get(summary++);
                TensorSummary cs = cand == null ? null : summaries.get(summary++);
                layers.add(unpaired(p, ref, cand, arena.put(rs, cs)));
            }
        }
        return new Report(refs.archive.path().toString(), cands.archive.path().toString(), backend.name(), layers,
                allowUnpaired);
    }

    /** Hands a diverged layer's image to the sink at once and keeps the result without it. */
    private static PairResult written(ImageSink images, Pair p, PairResult r) {
        if (r.image() == null) return r;
        try {
            images.write(p.order(), p.name(), r.image());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return r.withoutImage();
    }

    /**
     * Reads the named compared layers of a plan again, with their enhanced-diff images, handing each
     * diverged one's image to {@code images} (on any thread): for a report that draws only the layers a
     * diagnosis singled out. Names the plan does not compare are ignored.
     *
     * @throws IOException if tensor data cannot be read, or {@code images} fails
     */
    public void images(PairingPlan plan, Archive reference, Archive candidate, CompareOptions options,
                       Collection<String> layers, ImageSink images) throws IOException {
        Set<String> wanted = new HashSet<>(layers);
        List<Pair> rows = plan.compared().stream().filter(p -> wanted.contains(p.name())).toList();
        List<PairTask> tasks = new ArrayList<>();
        for (PairTask t : tasks(rows, reference, candidate, options)) {
            tasks.add(new PairTask(t.reference(), t.candidate(), t.rtol(), t.atol(), t.equalNan(), true));
        }
        backend.compare(tasks, (i, r) -> written(images, rows.get(i), r));
    }

    /** The backend's tasks for these rows of a plan (all of kind {@link Kind#COMPARE}), for a pass of one's own. */
    public static List<PairTask> tasks(List<Pair> rows, Archive reference, Archive candidate, CompareOptions options) {
        return tasks(rows, new Tensors(reference), new Tensors(candidate), options);
    }

    private static List<PairTask> tasks(List<Pair> rows, Tensors refs, Tensors cands, CompareOptions options) {
        List<PairTask> tasks = new ArrayList<>(rows.size());
        for (Pair p : rows) {
            if (p.kind() != Kind.COMPARE) throw new IllegalArgumentException(p.name() + " is not compared: " + p.kind());
            tasks.add(new PairTask(refs.get(p.referenceName()), cands.get(p.candidateName()), p.tolerance().rtol(),
                    p.tolerance().atol(), options.equalNan(), options.images()));
        }
        return tasks;
    }

    /** Per-tensor statistics of one archive, in its order. */
    public List<TensorSummary> stats(Archive archive) throws IOException {
        return backend.summarize(archive.tensors());
    }

    private static LayerReport compared(Pair p, TensorEntry ref, TensorEntry cand, Compared r) {
        // From a summary, which cannot count the elements out of tolerance: diverged where the bits differ
        // (the hashes), and the diagnosis judges by how much.
        boolean off = r.estimate() == null ? r.metrics().mismatched() > 0 : !r.estimate().identical();
        return new LayerReport(p.name(), cand.name(), Group.of(p.name()), p.order(), off ? Status.DIVERGED : Status.OK, ref.shape(),
                cand.shape(), ref.dtype(), cand.dtype(), ref.numel(), p.tolerance(), r.metrics(), r.stats(), r.image(), p.match(),
                r.estimate());
    }

    private static LayerReport unpaired(Pair p, TensorEntry ref, TensorEntry cand, LayerStats stats) {
        Status status = switch (p.kind()) {
            case ONLY_IN_REFERENCE -> Status.ONLY_IN_REFERENCE;
            case ONLY_IN_CANDIDATE -> Status.ONLY_IN_CANDIDATE;
            default -> Status.SHAPE_MISMATCH;
        };
        long numel = ref != null ? ref.numel() : cand.numel();
        return new LayerReport(p.name(), cand == null ? null : cand.name(), Group.of(p.name()), p.order(), status,
                ref == null ? null : ref.shape(), cand == null ? null : cand.shape(),
                ref == null ? null : ref.dtype(), cand == null ? null : cand.dtype(), numel, null, null, stats, null, p.match());
    }

    /** An archive's tensors by their own names. */
    private static final class Tensors {
        private final Archive archive;
        private final Map<String, TensorEntry> byName;

        Tensors(Archive archive) {
            this.archive = archive;
            this.byName = new HashMap<>(Pairing.capacity(archive.tensors().size()));
            for (TensorEntry t : archive.tensors()) byName.put(t.name(), t);
        }

        TensorEntry get(String name) {
            TensorEntry t = byName.get(name);
            if (t == null) throw new IllegalArgumentException(archive.path() + ": the plan names '" + name + "', which it does not hold");
            return t;
        }
    }
}
