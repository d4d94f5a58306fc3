package dev.layerdiff.spark;

import dev.layerdiff.compare.PairingPlan;
import java.io.Serializable;
import java.util.List;

/**
 * A pair too large for one task: its plan (built once, from the headers) and the size of each compared
 * row, from which the driver cuts it into {@link Unit}s.
 *
 * @param rows one entry per row of {@link PairingPlan#compared()}, in that order
 */
record Planned(PairInput pair, PairingPlan plan, List<RowSize> rows) implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * @param numel        elements of each side
     * @param bytes        bytes of both sides together
     * @param randomAccess whether both sides may be read by chunks out of order (not a deflated member)
     */
    record RowSize(long numel, long bytes, boolean randomAccess) implements Serializable {
        private static final long serialVersionUID = 1L;
    }
}
