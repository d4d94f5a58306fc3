package dev.layerdiff.spark;

import dev.layerdiff.compare.PairingPlan;
import java.io.Serializable;
import java.util.List;

/** One Spark task's share of a large pair: whole rows of its plan, or a range of chunks of one row. */
sealed interface Unit extends Serializable {

    /** The pair the unit belongs to. */
    PairInput pair();

    /**
     * Whole layers, compared by the executor's backend.
     *
     * @param indices positions of {@code rows} in the plan's compared rows
     */
    record Rows(PairInput pair, List<PairingPlan.Pair> rows, List<Integer> indices) implements Unit {
        private static final long serialVersionUID = 1L;
    }

    /**
     * Chunks {@code [first, end)} of one layer, each compared on its own as the CPU backend's chunk.
     *
     * @param index the row's position in the plan's compared rows
     */
    record Chunks(PairInput pair, PairingPlan.Pair row, int index, int first, int end) implements Unit {
        private static final long serialVersionUID = 1L;
    }
}
