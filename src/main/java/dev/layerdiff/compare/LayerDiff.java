package dev.layerdiff.compare;

import dev.layerdiff.archive.Archive;
import dev.layerdiff.tensor.TensorEntry;
import dev.layerdiff.engine.CompareBackend;
import dev.layerdiff.stats.PairResult;
import dev.layerdiff.engine.PairTask;
import dev.layerdiff.stats.TensorSummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The entry point of the Java API: pairs the tensors of two archives by name, chooses each layer's
 * tolerance, has a backend compare every pair in one pass over the bytes, and assembles the
 * {@link Report}. All validation happens here; backends assume valid input.
 *
 * <pre>{@code
 * try (Archive ref = Archives.open(Path.of("ref.safetensors"));
 *      Archive cand = Archives.open(Path.of("cand.safetensors"))) {
 *     Report report = new LayerDiff(Backends.select(Device.AUTO)).compare(ref, cand, CompareOptions.defaults());
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
     * Compares a candidate archive against a reference. With {@link CompareOptions#images()}, each
     * diverged layer's image is in its {@link LayerReport#image()}.
     *
     * @throws IllegalArgumentException if renaming makes two candidate tensors share a name
     * @throws IOException if tensor data cannot be read
     */
    public Report compare(Archive reference, Archive candidate, CompareOptions options) throws IOException {
        return compare(reference, candidate, options, null);
    }

    /**
     * Compares a candidate archive against a reference, handing each diverged layer's image to
     * {@code images} as soon as it is computed (when {@link CompareOptions#images()} is set and
     * {@code images} is not null; the report then holds none), so memory does not grow with the number
     * of diverged layers.
     *
     * @throws IllegalArgumentException if renaming makes two candidate tensors share a name
     * @throws IOException if tensor data cannot be read, or {@code images} fails
     */
    public Report compare(Archive reference, Archive candidate, CompareOptions options, ImageSink images)
            throws IOException {
        Map<String, TensorEntry> candidates = mappedCandidates(candidate, options);
        Map<String, TensorEntry> references = new LinkedHashMap<>();
        for (TensorEntry t : reference.tensors()) references.put(t.name(), t);

        List<Slot> slots = new ArrayList<>();
        List<PairTask> tasks = new ArrayList<>();
        List<Slot> taskSlots = new ArrayList<>();
        List<TensorEntry> summaries = new ArrayList<>();
        for (TensorEntry ref : reference.tensors()) {
            TensorEntry cand = candidates.get(ref.name());
            Slot slot = new Slot(ref.name(), ref, cand, ref.order());
            if (cand != null && Arrays.equals(ref.shape(), cand.shape())) {
                slot.tolerance = options.toleranceFor(ref.name(), ref.dtype(), cand.dtype());
                slot.task = tasks.size();
                taskSlots.add(slot);
                tasks.add(new PairTask(ref, cand, slot.tolerance.rtol(), slot.tolerance.atol(),
                        options.equalNan(), options.images()));
            } else {
                slot.refSummary = summaries.size();
                summaries.add(ref);
                if (cand != null) {
                    slot.candSummary = summaries.size();
                    summaries.add(cand);
                }
            }
            slots.add(slot);
        }
        for (Map.Entry<String, TensorEntry> e : candidates.entrySet()) {
            if (references.containsKey(e.getKey())) continue;
            Slot slot = new Slot(e.getKey(), null, e.getValue(), e.getValue().order());
            slot.candSummary = summaries.size();
            summaries.add(e.getValue());
            slots.add(slot);
        }

        PairResult[] results = new PairResult[tasks.size()];
        backend.compare(tasks, (i, r) -> {
            if (images != null && r.image() != null) {
                Slot s = taskSlots.get(i);
                try {
                    images.write(s.order, s.name, r.image());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                r = new PairResult(r.metrics(), r.referenceStats(), r.candidateStats(), r.referenceHistogram(),
                        r.candidateHistogram(), r.diffHistogram(), null);
            }
            results[i] = r;
        });
        List<TensorSummary> summarized = backend.summarize(summaries);
        List<LayerReport> layers = new ArrayList<>(slots.size());
        List<PairResult> paired = List.of(results);
        for (Slot s : slots) layers.add(s.toReport(paired, summarized));
        return new Report(reference.path().toString(), candidate.path().toString(), backend.name(), layers);
    }

    /** Per-tensor statistics of one archive, in its order. */
    public List<TensorSummary> stats(Archive archive) throws IOException {
        return backend.summarize(archive.tensors());
    }

    private static Map<String, TensorEntry> mappedCandidates(Archive candidate, CompareOptions options) {
        Map<String, TensorEntry> byName = new LinkedHashMap<>();
        for (TensorEntry t : candidate.tensors()) {
            String mapped = options.mapName(t.name());
            TensorEntry previous = byName.put(mapped, t);
            if (previous != null) {
                throw new IllegalArgumentException(candidate.path() + ": tensors '" + previous.name() + "' and '"
                        + t.name() + "' both pair as '" + mapped + "'" + (options.mappings().isEmpty() ? "" : " after --map"));
            }
        }
        return byName;
    }

    /** One row of the report being assembled: what is known before and after the backend runs. */
    private static final class Slot {
        final String name;
        final TensorEntry ref;
        final TensorEntry cand;
        final int order;
        Tolerance tolerance;
        int task = -1;
        int refSummary = -1;
        int candSummary = -1;

        Slot(String name, TensorEntry ref, TensorEntry cand, int order) {
            this.name = name;
            this.ref = ref;
            this.cand = cand;
            this.order = order;
        }

        LayerReport toReport(List<PairResult> results, List<TensorSummary> summaries) {
            Group group = Group.of(name);
            String candName = cand == null ? null : cand.name();
            long[] refShape = ref == null ? null : ref.shape();
            long[] candShape = cand == null ? null : cand.shape();
            long numel = ref != null ? ref.numel() : cand.numel();
            if (task >= 0) {
                PairResult r = results.get(task);
                Status status = r.metrics().mismatched() > 0 ? Status.DIVERGED : Status.OK;
                return new LayerReport(name, candName, group, order, status, refShape, candShape, ref.dtype(),
                        cand.dtype(), numel, tolerance, r.metrics(), r.referenceStats(), r.candidateStats(),
                        r.referenceHistogram(), r.candidateHistogram(), r.diffHistogram(), r.image());
            }
            TensorSummary rs = refSummary >= 0 ? summaries.get(refSummary) : null;
            TensorSummary cs = candSummary >= 0 ? summaries.get(candSummary) : null;
            Status status = ref == null ? Status.ONLY_IN_CANDIDATE
                    : cand == null ? Status.ONLY_IN_REFERENCE : Status.SHAPE_MISMATCH;
            return new LayerReport(name, candName, group, order, status, refShape, candShape,
                    ref == null ? null : ref.dtype(), cand == null ? null : cand.dtype(), numel, null, null,
                    rs == null ? null : rs.stats(), cs == null ? null : cs.stats(),
                    rs == null ? null : rs.histogram(), cs == null ? null : cs.histogram(), null, null);
        }
    }
}
