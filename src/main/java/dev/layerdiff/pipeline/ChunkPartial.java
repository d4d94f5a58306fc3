package dev.layerdiff.pipeline;

import dev.layerdiff.compare.PairingPlan;
import dev.layerdiff.engine.PairPartial;
import dev.layerdiff.stats.PairResult;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * What one chunk of a compared layer contributes to its result, for comparing a large layer on many
 * machines ({@link Comparison#compareChunk}): serialisable, so it travels between them. Merging every
 * chunk's partial in chunk order ({@link #merge}) gives exactly the result the backend computes for the
 * whole layer on one machine, bit for bit, wherever each chunk ran.
 */
public final class ChunkPartial implements Serializable {
    private static final long serialVersionUID = 1L;

    private final PairPartial partial;

    ChunkPartial(PairPartial partial) {
        this.partial = partial;
    }

    /**
     * The result of {@code row} from every one of its chunks' partials, in chunk order.
     *
     * @throws IllegalArgumentException if a chunk is missing (null)
     */
    public static PairResult merge(PairingPlan.Pair row, boolean equalNan, List<ChunkPartial> inOrder) {
        List<PairPartial> parts = new ArrayList<>(inOrder.size());
        for (int k = 0; k < inOrder.size(); k++) {
            if (inOrder.get(k) == null) throw new IllegalArgumentException("chunk " + k + " of " + row.name() + " is missing");
            parts.add(inOrder.get(k).partial);
        }
        return PairPartial.merged(row.tolerance().rtol(), row.tolerance().atol(), equalNan, parts).toResult(null);
    }
}
