package dev.layerdiff.spark;

import java.io.Serializable;

/**
 * One archive pair as the tasks see it.
 *
 * @param index     its position in the manifest (and its report's number)
 * @param reference the reference archive's location
 * @param candidate the candidate archive's location
 */
record PairInput(int index, String reference, String candidate) implements Serializable {
    private static final long serialVersionUID = 1L;
}
