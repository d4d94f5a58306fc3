package dev.layerdiff.summary;

import dev.layerdiff.archive.Archive;
import dev.layerdiff.engine.CompareBackend;
import dev.layerdiff.engine.CpuBackend;
import dev.layerdiff.engine.PairTask;
import dev.layerdiff.stats.DiffMetrics;
import dev.layerdiff.stats.GrossTest;
import dev.layerdiff.stats.Histogram;
import dev.layerdiff.stats.SideStats;
import dev.layerdiff.stats.PairResult;
import dev.layerdiff.stats.ErrorEstimate;
import dev.layerdiff.stats.SliceStats;
import dev.layerdiff.stats.TensorDigest;
import dev.layerdiff.stats.TensorSketch;
import dev.layerdiff.stats.TensorSummary;
import dev.layerdiff.stats.ZeroIndices;
import dev.layerdiff.tensor.RecordedStatistics;
import dev.layerdiff.tensor.TensorEntry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A backend for comparisons with a summary on one side or both: pairs whose two sides hold values go to
 * the backend it wraps; a pair with a summarised side is judged from the two digests (a side that holds
 * values is digested on the way, with the summary's bucket limit), its metrics the sketch's estimates
 * ({@link ErrorEstimate}: relative error, cosine and RMS error; NaN for what a sketch cannot tell).
 * Summarised tensors are never read: their statistics come from the digest, their slice breakdowns and
 * zero scans are empty (the diagnosis says it could not read them).
 */
public final class SummaryBackend implements CompareBackend {
    private final CompareBackend exact;
    private final int buckets;
    private CpuBackend digester;

    private SummaryBackend(CompareBackend exact, int buckets) {
        this.exact = exact;
        this.buckets = buckets;
    }

    /**
     * {@code backend} itself when neither archive is a summary; else a backend that judges summarised pairs
     * from their digests. Close it (it closes only what it made, never {@code backend}).
     *
     * @throws IllegalArgumentException if both are summaries made with different bucket limits
     */
    public static CompareBackend of(CompareBackend backend, Archive reference, Archive candidate) {
        int r = Summaries.buckets(reference), c = Summaries.buckets(candidate);
        if (r == 0 && c == 0) {
            boolean statistics = recordedOnly(reference) || recordedOnly(candidate);
            return statistics ? new SummaryBackend(backend, TensorSketch.DEFAULT_BUCKETS) : backend;
        }
        if (r != 0 && c != 0 && r != c) {
            throw new IllegalArgumentException(reference.path() + " was summarised with --buckets " + r + " and " + candidate.path()
                    + " with " + c + ": their sketches cannot be compared; summarise both with the same --buckets");
        }
        return new SummaryBackend(backend, Math.max(r, c));
    }

    private static boolean recordedOnly(Archive a) {
        return a.tensors().stream().anyMatch(t -> t.data().recorded() != null);
    }

    @Override
    public String name() {
        return exact.name();
    }

    @Override
    public void compare(List<PairTask> tasks, ResultSink sink) throws IOException {
        List<PairTask> values = new ArrayList<>();
        List<Integer> valueIndex = new ArrayList<>(), estimated = new ArrayList<>();
        for (int i = 0; i < tasks.size(); i++) {
            PairTask t = tasks.get(i);
            if (withoutValues(t.reference()) || withoutValues(t.candidate())) {
                estimated.add(i);
            } else {
                values.add(t);
                valueIndex.add(i);
            }
        }
        if (!values.isEmpty()) {
            exact.compare(values, new ResultSink() {
                @Override public void accept(int task, PairResult result) { sink.accept(valueIndex.get(task), result); }
                @Override public void progressed(int task, long bytes) { sink.progressed(valueIndex.get(task), bytes); }
            });
        }
        List<TensorEntry> sides = new ArrayList<>();
        for (int i : estimated) sides.addAll(List.of(tasks.get(i).reference(), tasks.get(i).candidate()));
        List<TensorDigest> digests = digests(sides);
        for (int k = 0; k < estimated.size(); k++) {
            PairTask t = tasks.get(estimated.get(k));
            TensorDigest r = digests.get(2 * k), c = digests.get(2 * k + 1);
            RecordedStatistics rr = t.reference().data().recorded(), cr = t.candidate().data().recorded();
            sink.accept(estimated.get(k), rr != null || cr != null ? fromStatistics(t.reference().numel(), r, rr, c, cr) : estimate(r, c));
        }
    }

    /** Whether a tensor's values are not at hand: a summary's, or a statistics dump's. */
    private static boolean withoutValues(TensorEntry t) {
        return Summaries.isSummarized(t) || t.data().recorded() != null;
    }

    /**
     * A pair with a side of which only statistics were recorded: the lower bound they give
     * ({@link ErrorEstimate#ofStatistics}), the other side's statistics from its digest (or its record).
     */
    private static PairResult fromStatistics(long n, TensorDigest ref, RecordedStatistics refRecord, TensorDigest cand,
                                             RecordedStatistics candRecord) {
        RecordedStatistics a = refRecord != null ? refRecord : recorded(ref.stats());
        RecordedStatistics b = candRecord != null ? candRecord : recorded(cand.stats());
        boolean checksums = a.checksum() != null && b.checksum() != null;
        ErrorEstimate e = ErrorEstimate.ofStatistics(n, a.max(), a.min(), a.mean(), a.norm(), b.max(), b.min(), b.mean(), b.norm(),
                checksums && a.checksum().equals(b.checksum()), checksums);
        double sqnr = e.relativeError() == 0 ? Double.POSITIVE_INFINITY : -20 * Math.log10(e.relativeError());
        DiffMetrics m = new DiffMetrics(e.identical() ? 0 : Double.NaN, -1, e.identical() ? 0 : Double.NaN,
                e.identical() ? 0 : Double.NaN, e.identical() ? 0 : Double.NaN, e.identical() ? 1 : Double.NaN, sqnr, 0, n);
        SideStats rs = refRecord != null ? stats(n, refRecord) : ref.stats(), cs = candRecord != null ? stats(n, candRecord) : cand.stats();
        return new PairResult(m, rs, cs, refRecord != null ? new Histogram() : ref.histogram(),
                candRecord != null ? new Histogram() : cand.histogram(), null, null, e);
    }

    private static RecordedStatistics recorded(SideStats s) {
        return new RecordedStatistics(s.max(), s.min(), s.mean(), Math.sqrt(ErrorEstimate.squaredNorm(s)), null);
    }

    /** The statistics a record implies: its four, the standard deviation from the norm and the mean, the rest unknown. */
    private static SideStats stats(long n, RecordedStatistics r) {
        double var = n == 0 ? 0 : Math.max(0, r.norm() * r.norm() / n - r.mean() * r.mean());
        return new SideStats(n, n, 0, 0, 0, r.min(), r.max(), r.mean(), Math.sqrt(var), Double.NaN);
    }

    @Override
    public List<TensorSummary> summarize(List<TensorEntry> tensors) throws IOException {
        List<TensorEntry> values = tensors.stream().filter(t -> !withoutValues(t)).toList();
        List<TensorSummary> read = exact.summarize(values);
        List<TensorSummary> out = new ArrayList<>(tensors.size());
        int next = 0;
        for (TensorEntry t : tensors) {
            TensorDigest d = Summarized.digestOf(t.data());
            RecordedStatistics r = t.data().recorded();
            out.add(d != null ? new TensorSummary(d.stats(), d.histogram())
                    : r != null ? new TensorSummary(stats(t.numel(), r), new Histogram()) : read.get(next++));
        }
        return out;
    }

    /**
     * A pair with a summarised side: the slices' squared errors and norms estimated from the two slice
     * sketches, dims 0 and 1 where both sides have them (the elements off, zero flips and non-finite
     * counts are not known: zeros, and the report says the breakdown is estimated); none from statistics.
     */
    @Override
    public SliceStats[] slices(PairTask task, GrossTest test) throws IOException {
        if (!withoutValues(task.reference()) && !withoutValues(task.candidate())) return exact.slices(task, test);
        if (task.reference().data().recorded() != null || task.candidate().data().recorded() != null) return new SliceStats[0];
        List<TensorDigest> d = digests(List.of(task.reference(), task.candidate()));
        TensorSketch r = d.get(0).sketch(), c = d.get(1).sketch();
        List<SliceStats> out = new ArrayList<>();
        for (TensorSketch.Slices[] dim : List.of(new TensorSketch.Slices[] {r.dim0(), c.dim0()}, new TensorSketch.Slices[] {r.dim1(), c.dim1()})) {
            if (dim[0] == null || dim[1] == null || dim[0].buckets() != dim[1].buckets()) continue;
            int n = dim[0].count(), k = dim[0].buckets();
            double[] diff = new double[n], ref = new double[n];
            for (int j = 0; j < n; j++) {
                for (int b = j * k; b < (j + 1) * k; b++) {
                    double dv = dim[1].values()[b] - dim[0].values()[b];
                    diff[j] += dv * dv;
                    ref[j] += dim[0].values()[b] * dim[0].values()[b];
                }
            }
            out.add(new SliceStats(dim[0].dim(), diff, ref, new long[n], new long[n], task.reference().numel()));
        }
        return out.toArray(SliceStats[]::new);
    }

    @Override
    public ZeroIndices zeroIndices(TensorEntry tensor, int dim, long byteLimit) throws IOException {
        if (withoutValues(tensor)) return new ZeroIndices(dim, 0, new int[0], 0, 0, false);
        return exact.zeroIndices(tensor, dim, byteLimit);
    }

    /** Closes the backend this one made to digest the sides that hold values; the wrapped one stays open. */
    @Override
    public void close() {
        if (digester != null && digester != exact) digester.close();
    }

    /** The digests of summarised tensors as stored, of the others computed (one pass over their bytes). */
    private List<TensorDigest> digests(List<TensorEntry> tensors) throws IOException {
        List<TensorEntry> values = tensors.stream().filter(t -> !withoutValues(t)).toList();
        List<TensorDigest> computed = values.isEmpty() ? List.of() : digester().digest(values, buckets);
        List<TensorDigest> out = new ArrayList<>(tensors.size());
        int next = 0;
        for (TensorEntry t : tensors) {
            TensorDigest d = Summarized.digestOf(t.data());
            out.add(d != null ? d : t.data().recorded() != null ? null : computed.get(next++));
        }
        return out;
    }

    private synchronized CpuBackend digester() {
        if (digester == null) digester = exact instanceof CpuBackend cpu ? cpu : new CpuBackend();
        return digester;
    }

    private static PairResult estimate(TensorDigest ref, TensorDigest cand) {
        ErrorEstimate e = ErrorEstimate.of(ref.sketch(), ref.stats(), cand.sketch(), cand.stats());
        long pairs = Math.min(ref.stats().finite(), cand.stats().finite());
        double refNorm = Math.sqrt(ErrorEstimate.squaredNorm(ref.stats()));
        double rmse = pairs == 0 ? Double.NaN : e.relativeError() * refNorm / Math.sqrt(pairs);
        double sqnr = e.identical() || e.relativeError() == 0 ? Double.POSITIVE_INFINITY : -20 * Math.log10(e.relativeError());
        DiffMetrics m = new DiffMetrics(e.identical() ? 0 : Double.NaN, -1, e.identical() ? 0 : Double.NaN,
                e.identical() ? 0 : Double.NaN, e.identical() ? 0 : rmse, e.cosine(), sqnr, 0, pairs);
        return new PairResult(m, ref.stats(), cand.stats(), ref.histogram(), cand.histogram(), null, null, e);
    }
}
