package dev.layerdiff.diagnosis;

/**
 * A layer whose error exceeds what the precision and its upstream explain.
 *
 * @param name   the layer
 * @param score  its error over that budget (above 1: more than the budget)
 * @param reason in words, why it is or is not the culprit
 */
public record Suspect(String name, double score, String reason) {}
