package dev.layerdiff.engine;

import dev.layerdiff.stats.TensorSketch;
import dev.layerdiff.stats.TensorSketch.Slices;

/**
 * One tensor's {@link TensorSketch} in the making, or a chunk's part of it: the buckets, the slices'
 * buckets and the hash terms, with what a kernel needs to place an element (the bucket counts, the
 * elements per slice). Partials of a tensor's chunks merge into its sketch: the hash terms add mod 2^64
 * in any order, the buckets in chunk order (so the same chunking gives the same doubles bit for bit).
 */
public final class SketchPartial {
    /** The sketch's buckets; the slices' along dims 0 and 1 (null where none). */
    public final double[] buckets, dim0, dim1;
    /** The elements' hash terms, summed mod 2^64. */
    public long hashTerms;
    /** Buckets of the sketch and of each slice along dims 0 and 1. */
    public final int k, ks0, ks1;
    /** Slices along dims 0 and 1, and elements per slice of each. */
    public final long count0, inner0, count1, inner1;

    private final long numel;

    SketchPartial(long[] shape, int maxBuckets) {
        long n = 1;
        for (long d : shape) n *= d;
        numel = n;
        k = TensorSketch.buckets(n, maxBuckets);
        buckets = new double[k];
        count0 = shape.length >= 2 ? shape[0] : 0;
        count1 = shape.length >= 2 ? shape[1] : 0;
        ks0 = count0 > 0 ? TensorSketch.sliceBuckets(count0) : 0;
        ks1 = count1 > 0 ? TensorSketch.sliceBuckets(count1) : 0;
        inner0 = count0 > 0 ? n / count0 : 1;
        inner1 = count1 > 0 ? inner0 / count1 : 1;
        dim0 = ks0 > 0 ? new double[(int) count0 * ks0] : null;
        dim1 = ks1 > 0 && inner0 > 0 ? new double[(int) count1 * ks1] : null;
    }

    /** Adds a later chunk's partial (call in chunk order). */
    void merge(SketchPartial o) {
        for (int b = 0; b < k; b++) buckets[b] += o.buckets[b];
        if (dim0 != null) for (int b = 0; b < dim0.length; b++) dim0[b] += o.dim0[b];
        if (dim1 != null) for (int b = 0; b < dim1.length; b++) dim1[b] += o.dim1[b];
        hashTerms += o.hashTerms;
    }

    TensorSketch toSketch() {
        return new TensorSketch(TensorSketch.mix(numel + hashTerms), buckets,
                dim0 == null ? null : new Slices(0, (int) count0, ks0, dim0),
                dim1 == null ? null : new Slices(1, (int) count1, ks1, dim1));
    }

    SketchPartial empty() {
        return new SketchPartial(this);
    }

    private SketchPartial(SketchPartial like) {
        numel = like.numel;
        k = like.k;
        ks0 = like.ks0;
        ks1 = like.ks1;
        count0 = like.count0;
        count1 = like.count1;
        inner0 = like.inner0;
        inner1 = like.inner1;
        buckets = new double[k];
        dim0 = like.dim0 == null ? null : new double[like.dim0.length];
        dim1 = like.dim1 == null ? null : new double[like.dim1.length];
    }
}
