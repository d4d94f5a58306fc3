package dev.layerdiff.diagnosis;

import java.util.Map;

/**
 * A third run of the same inputs in higher precision (e.g. {@code capture --dtype float64}): each
 * layer's relative error against it, of the reference and of the candidate. The candidate may then be
 * as far from the referee as the reference is, times {@link #allowance}, as PyTorch dynamo's
 * {@code same()} judges a run against an fp64 one.
 *
 * @param source    the referee archive, for messages
 * @param reference per layer: ||ref - gold|| / ||gold||
 * @param candidate per layer: ||cand - gold|| / ||gold||
 */
public record Referee(String source, Map<String, Double> reference, Map<String, Double> candidate) {
    public Referee {
        reference = Map.copyOf(reference);
        candidate = Map.copyOf(candidate);
    }

    /** How many times the reference's own error the candidate may show: 2 in fp32, 3 in 16-bit formats (dynamo's). */
    static double allowance(double unit) {
        return unit > Precision.FP32.unit() ? 3 : 2;
    }
}
