package dev.layerdiff.spark;

import dev.layerdiff.compare.PairingPlan;
import dev.layerdiff.engine.Chunks;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a large pair into units of about {@code taskBytes} of input each: consecutive small layers share a
 * unit; a layer larger than that is cut into ranges of the CPU backend's chunks (a layer that must be read
 * in order, a deflated npz member, stays whole in a unit of its own).
 */
final class Planner {
    private final long taskBytes;
    private final int chunkElements;

    /** @param chunkElements elements per chunk of the CPU backend that will compare the chunks */
    Planner(long taskBytes, int chunkElements) {
        this.taskBytes = taskBytes;
        this.chunkElements = chunkElements;
    }

    List<Unit> units(Planned planned) {
        List<PairingPlan.Pair> compared = planned.plan().compared();
        List<Unit> units = new ArrayList<>();
        List<PairingPlan.Pair> rows = new ArrayList<>();
        List<Integer> indices = new ArrayList<>();
        long bytes = 0;
        for (int i = 0; i < compared.size(); i++) {
            Planned.RowSize size = planned.rows().get(i);
            if (size.randomAccess() && size.bytes() > taskBytes) {
                chunkRanges(planned.pair(), compared.get(i), i, size, units);
                continue;
            }
            if (!rows.isEmpty() && bytes + size.bytes() > taskBytes) {
                units.add(new Unit.Rows(planned.pair(), rows, indices));
                rows = new ArrayList<>();
                indices = new ArrayList<>();
                bytes = 0;
            }
            rows.add(compared.get(i));
            indices.add(i);
            bytes += size.bytes();
        }
        if (!rows.isEmpty()) units.add(new Unit.Rows(planned.pair(), rows, indices));
        return units;
    }

    private void chunkRanges(PairInput pair, PairingPlan.Pair row, int index, Planned.RowSize size, List<Unit> out) {
        int chunks = chunks(size.numel());
        long chunkBytes = Math.max(1, size.bytes() / size.numel() * chunkElements);
        int perUnit = (int) Math.max(1, Math.min(chunks, taskBytes / chunkBytes));
        for (int first = 0; first < chunks; first += perUnit) {
            out.add(new Unit.Chunks(pair, row, index, first, Math.min(chunks, first + perUnit)));
        }
    }

    /** How many chunks the CPU backend splits {@code numel} elements into (one for an empty tensor). */
    int chunks(long numel) {
        return Math.max(1, new Chunks(numel, chunkElements).count());
    }
}
