package dev.layerdiff.diagnosis;

import java.util.List;

/**
 * Where inside a tensor its error sits: a few indices of one dimension carry it while the others are
 * clean (at least ten times quieter).
 *
 * @param dim     0 (batch element) or 1 (channel, token position or head)
 * @param indices the indices carrying the error, ascending
 * @param clean   how many indices of the dimension are clean (the rest)
 * @param rank    the tensor's number of dimensions (dim 0 of a 2+-D activation is its batch)
 */
public record Localized(int dim, List<Integer> indices, int clean, int rank) {
    public Localized {
        indices = List.copyOf(indices);
    }

    /** In words: "batch elements 1, 2 of dim 0 (index 0 clean)", "dim 1 indices 0-3 (the other 12 clean)". */
    public String describe() {
        String element = rank >= 2 ? "batch element" : "element";
        String what = dim == 0 ? element + (indices.size() == 1 ? " " : "s ") + ranges(indices) + " of dim 0"
                : "dim " + dim + (indices.size() == 1 ? " index " : " indices ") + ranges(indices);
        return what + " (" + (clean == 1 ? "the other one" : "the other " + clean) + " clean)";
    }

    /** {@code 0-3, 7, 9-10}. */
    static String ranges(List<Integer> sorted) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < sorted.size(); ) {
            int j = i;
            while (j + 1 < sorted.size() && sorted.get(j + 1) == sorted.get(j) + 1) j++;
            if (sb.length() > 0) sb.append(", ");
            sb.append(sorted.get(i));
            if (j > i + 1) sb.append('-').append(sorted.get(j));
            else if (j == i + 1) sb.append(", ").append(sorted.get(j));
            i = j + 1;
        }
        return sb.toString();
    }
}
