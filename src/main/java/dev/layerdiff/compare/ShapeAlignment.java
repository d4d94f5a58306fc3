package dev.layerdiff.compare;

import dev.layerdiff.tensor.TensorEntry;
import java.util.Arrays;
import java.util.List;

/**
 * Aligns two runs' tensors by position when their names have nothing in common (a port to another
 * framework): the longest common subsequence of (group, shape) in each archive's order, so that a layer
 * one side has and the other lacks shifts nothing after it. This is the shape edit distance
 * (insertions and deletions only) that TroubleShooter pairs dumps by.
 */
final class ShapeAlignment {
    /** Cells of the alignment table (one byte each): 4096 x 4096 unpaired tensors. */
    static final long MAX_CELLS = 1L << 24;

    private static final byte DIAGONAL = 0, UP = 1, LEFT = 2;

    private ShapeAlignment() {}

    /**
     * For each reference tensor, the index of its candidate, or -1. {@code candidateNames} are the names
     * the candidates pair under, whose group must equal the reference's.
     */
    static int[] align(List<TensorEntry> references, List<TensorEntry> candidates, List<String> candidateNames) {
        int n = references.size(), m = candidates.size();
        if ((long) n * m > MAX_CELLS) {
            throw new IllegalArgumentException("--match order: " + n + " reference and " + m
                    + " candidate tensors left unpaired by name are too many to align; pair most of them with --map first");
        }
        long[][] candShapes = new long[m][];
        Group[] candGroups = new Group[m];
        for (int j = 0; j < m; j++) {
            candShapes[j] = candidates.get(j).shape();
            candGroups[j] = Group.of(candidateNames.get(j));
        }
        byte[] move = new byte[n * m];
        int[] previous = new int[m + 1], current = new int[m + 1];
        for (int i = 1; i <= n; i++) {
            long[] shape = references.get(i - 1).shape();
            Group g = Group.of(references.get(i - 1).name());
            for (int j = 1; j <= m; j++) {
                int cell = (i - 1) * m + (j - 1);
                if (g == candGroups[j - 1] && Arrays.equals(shape, candShapes[j - 1])) {
                    current[j] = previous[j - 1] + 1;
                    move[cell] = DIAGONAL;
                } else if (previous[j] >= current[j - 1]) {
                    current[j] = previous[j];
                    move[cell] = UP;
                } else {
                    current[j] = current[j - 1];
                    move[cell] = LEFT;
                }
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        int[] partner = new int[n];
        Arrays.fill(partner, -1);
        for (int i = n, j = m; i > 0 && j > 0; ) {
            byte step = move[(i - 1) * m + (j - 1)];
            if (step == DIAGONAL) partner[--i] = --j;
            else if (step == UP) i--;
            else j--;
        }
        return partner;
    }
}
