package dev.layerdiff.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layerdiff.compare.PairingPlan;
import dev.layerdiff.compare.PairingPlan.Kind;
import dev.layerdiff.compare.Tolerance;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a large pair is cut into units. */
class PlannerTest {
    private static final int CHUNK = 1000;
    private static final PairInput PAIR = new PairInput(0, "r", "c");

    @Test
    void smallLayersShareUnitsUpToTheTaskSizeAndALargeOneIsCutIntoChunkRanges() {
        // float32 on both sides: 8 bytes per element pair; 20,000 bytes a task = 2.5 chunks, so 2 per unit.
        Planned planned = planned(
                row("a", 500, true), row("b", 1500, true), row("c", 1000, true),   // 4,000 + 12,000 + 8,000 bytes
                row("big", 5 * CHUNK + 1, true),                                   // 6 chunks
                row("d", 100, true));
        List<Unit> units = new Planner(20_000, CHUNK).units(planned);

        List<String> described = units.stream().map(PlannerTest::describe).toList();
        assertThat(described).containsExactly("rows [0, 1]", "chunks 3 [0,2)", "chunks 3 [2,4)", "chunks 3 [4,6)", "rows [2, 4]");
    }

    @Test
    void aLargeLayerThatMustBeReadInOrderStaysWhole() {
        List<Unit> units = new Planner(20_000, CHUNK).units(planned(row("deflated", 10 * CHUNK, false), row("x", 10, true)));
        assertThat(units.stream().map(PlannerTest::describe).toList()).containsExactly("rows [0]", "rows [1]");
    }

    @Test
    void chunkCountIsTheCpuBackendsOneEmptyChunkForAnEmptyLayer() {
        Planner planner = new Planner(1, CHUNK);
        assertThat(planner.chunks(0)).isEqualTo(1);
        assertThat(planner.chunks(CHUNK)).isEqualTo(1);
        assertThat(planner.chunks(CHUNK + 1)).isEqualTo(2);
    }

    private record Row(String name, long numel, boolean randomAccess) {}

    private static Row row(String name, long numel, boolean randomAccess) {
        return new Row(name, numel, randomAccess);
    }

    private static Planned planned(Row... rows) {
        List<PairingPlan.Pair> pairs = new ArrayList<>();
        List<Planned.RowSize> sizes = new ArrayList<>();
        for (int i = 0; i < rows.length; i++) {
            pairs.add(new PairingPlan.Pair(rows[i].name, rows[i].name, rows[i].name, i, Kind.COMPARE, new Tolerance(0, 0), PairingPlan.Match.NAME));
            sizes.add(new Planned.RowSize(rows[i].numel, 8 * rows[i].numel, rows[i].randomAccess));
        }
        return new Planned(PAIR, new PairingPlan(pairs), sizes);
    }

    private static String describe(Unit u) {
        if (u instanceof Unit.Chunks c) return "chunks " + c.index() + " [" + c.first() + "," + c.end() + ")";
        return "rows " + ((Unit.Rows) u).indices();
    }
}
