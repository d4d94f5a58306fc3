package dev.layerdiff.spark;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * What became of one pair: its report, or the one-line reason it has none.
 *
 * @param index           the pair's position in the manifest
 * @param verdict         {@code ok}, {@code diverged} (as the report's) or {@code error}
 * @param firstDivergence each group's first diverged layer (null for none), by the group's JSON name; null on error
 * @param diagnosis       each group's diagnosis verdict (null for a group with no compared layer); null on error
 *                        or without diagnosis
 * @param report          the report, in the JSON of {@code layerdiff compare --json}; null on error
 * @param layers          one row of {@link LayerColumn} values per layer
 * @param error           null, or one line naming the file and the problem
 */
record Outcome(int index, String verdict, Map<String, String> firstDivergence, Map<String, String> diagnosis,
               byte[] report, List<Object[]> layers, String error) implements Serializable {
    private static final long serialVersionUID = 1L;

    static final String ERROR = "error";

    static Outcome failed(int index, String error) {
        return new Outcome(index, ERROR, null, null, null, List.of(), error);
    }
}
