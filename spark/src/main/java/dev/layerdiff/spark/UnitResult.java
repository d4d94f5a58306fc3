package dev.layerdiff.spark;

import dev.layerdiff.pipeline.ChunkPartial;
import dev.layerdiff.stats.PairResult;
import java.io.Serializable;
import java.util.List;

/**
 * What a {@link Unit} computed: results of whole rows, or the unmerged partials of a chunk range (merged
 * on the driver, in chunk order, with every other range of the row), or why it could not.
 *
 * @param indices  positions in the plan's compared rows of {@code results} (whole rows)
 * @param results  one per index
 * @param chunkRow the row of {@code partials}, or -1
 * @param first    the chunk of {@code partials.get(0)}
 * @param partials one per chunk of the range
 * @param error    null, or one line naming the file and the problem
 */
record UnitResult(int pair, List<Integer> indices, List<PairResult> results, int chunkRow, int first,
                  List<ChunkPartial> partials, String error) implements Serializable {
    private static final long serialVersionUID = 1L;

    static UnitResult rows(int pair, List<Integer> indices, List<PairResult> results) {
        return new UnitResult(pair, indices, results, -1, 0, List.of(), null);
    }

    static UnitResult chunks(int pair, int row, int first, List<ChunkPartial> partials) {
        return new UnitResult(pair, List.of(), List.of(), row, first, partials, null);
    }

    static UnitResult failed(int pair, String error) {
        return new UnitResult(pair, List.of(), List.of(), -1, 0, List.of(), error);
    }
}
