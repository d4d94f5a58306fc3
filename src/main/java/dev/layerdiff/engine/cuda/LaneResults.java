package dev.layerdiff.engine.cuda;

import dev.layerdiff.engine.NativeResults;
import dev.layerdiff.engine.PairJob;
import dev.layerdiff.engine.PairPartial;
import dev.layerdiff.engine.SidePartial;
import java.nio.ByteBuffer;

/**
 * Reads a lane's result ({@code ld_pair}) into partials, refusing one whose counts or histograms do not
 * cover every element: a failure is never a silently wrong result.
 */
final class LaneResults {
    private LaneResults() {}

    /** The partial of a pair's chunk of {@code n} elements. */
    static PairPartial pair(ByteBuffer result, PairJob job, long n) {
        String name = job.task().reference().name();
        checkSide(result, NativeResults.REF, n, name);
        checkSide(result, NativeResults.CAND, n, job.task().candidate().name());
        if (NativeResults.histogramTotal(result, NativeResults.DIFF) != n) throw incomplete(name);
        PairPartial p = job.newPartial(null);
        NativeResults.foldPair(result, p);
        return p;
    }

    /** The reference side's partial of a summary of {@code n} elements. */
    static SidePartial side(ByteBuffer result, long n, String name) {
        checkSide(result, NativeResults.REF, n, name);
        SidePartial part = new SidePartial();
        NativeResults.foldSide(result, NativeResults.REF, part);
        return part;
    }

    private static void checkSide(ByteBuffer result, int side, long n, String name) {
        if (result.getLong(side) != n || NativeResults.histogramTotal(result, side + NativeResults.SIDE_HISTOGRAM) != n) {
            throw incomplete(name);
        }
    }

    private static CudaException incomplete(String name) {
        return new CudaException("the GPU result for " + name + " does not count every element");
    }
}
