package dev.layerdiff.diagnosis;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Exploding and vanishing gradients: the activation gradients' L2 norm, walked from the output toward
 * the input, fitted as a straight line in log10 against the position along the walk. A fit rather than
 * the two ends, because single layers change the norm by a constant factor that says nothing about
 * the depth (average pooling over k positions divides it by sqrt(k): 0.78 orders over 6x6, the largest
 * single step of the fixtures' healthy runs); what grows or shrinks layer after layer is the trend.
 *
 * <p>The finding is raised when the fitted change from the output end to the input end is at least
 * {@link #ORDERS} orders of magnitude: "orders of magnitude", in the plural, is a factor of 100, beyond
 * what one learning rate serves at both ends. Measured on the fixtures (fitted change, margin to 2):
 * {@code s_deepmlp_healthy} -0.61 (1.39 orders inside), {@code cnn2_ref_cpu} -0.45 (1.55),
 * {@code tfp_ref_cpu} -0.19 (1.81); {@code s_deepmlp_exploding} +4.61 (2.61 beyond),
 * {@code s_deepmlp_vanishing} -7.72 (5.72 beyond). The repository's older {@code cnn_ref_cpu}, with
 * 15 dead ReLU channels, sits at -2.04: flagged, 0.04 orders beyond.
 */
final class GradientTrend {
    /** Orders of magnitude of fitted change, output end to input end, that make a finding. */
    static final double ORDERS = 2;
    /** A line through fewer points is one layer's factor, not a trend. */
    static final int MIN_LAYERS = 3;
    private static final Pattern CALL_GRADIENT = Pattern.compile("\\.backward\\.\\d+\\.(input|output)\\.\\d+$");

    private GradientTrend() {}

    /**
     * The trend finding of the activation gradients, walked from the output backward; layers with NaN,
     * Inf or a zero norm are left out (they have no log-norm; non-finite ones are reported as such).
     */
    static Optional<Finding> check(List<MeasuredTensor> backward) {
        List<double[]> points = new ArrayList<>();
        List<MeasuredTensor> used = new ArrayList<>();
        for (int i = 0; i < backward.size(); i++) {
            MeasuredTensor t = backward.get(i);
            double norm = t.norm();
            if (t.nonfinite() > 0 || !(norm > 0) || !Double.isFinite(norm)) continue;
            points.add(new double[] {i, Math.log10(norm)});
            used.add(t);
        }
        if (points.size() < MIN_LAYERS) return Optional.empty();
        double slope = slope(points);
        double change = slope * (points.get(points.size() - 1)[0] - points.get(0)[0]);
        if (Math.abs(change) < ORDERS) return Optional.empty();
        MeasuredTensor out = used.get(0), in = used.get(used.size() - 1);
        boolean grows = change > 0;
        return Optional.of(Finding.of(grows ? Finding.Kind.EXPLODING_GRADIENTS : Finding.Kind.VANISHING_GRADIENTS, in.name(),
                String.format("gradient norm %s by %.2f orders of magnitude (x%.2g) from the output toward the input, fitted over"
                                + " %d gradients (%+.3f orders per layer): %s %.3g, %s %.3g",
                        grows ? "grows" : "shrinks", Math.abs(change), Math.pow(10, change), used.size(), slope,
                        out.name(), out.norm(), in.name(), in.norm())));
    }

    /**
     * The chain of activation gradients in a backward walk. Where a dump names each call's gradients by
     * direction, as msprobe does ({@code ...backward.N.input.K}: the gradient arriving at the call's
     * output K; {@code ...backward.N.output.K}: what the call passes to its inputs, weight and bias), only
     * the first kind: a weight's or a bias's gradient is no link of the chain (a conv's bias followed by
     * BatchNorm gets a zero gradient in a healthy run). Otherwise every gradient of the walk.
     */
    static List<MeasuredTensor> chain(List<MeasuredTensor> backward) {
        List<MeasuredTensor> arriving = backward.stream().filter(t -> "input".equals(direction(t.name()))).toList();
        return arriving.isEmpty() ? backward : arriving;
    }

    /** {@code input} or {@code output} for a gradient named by call and direction, else null. */
    private static String direction(String name) {
        Matcher m = CALL_GRADIENT.matcher(name);
        return m.find() ? m.group(1) : null;
    }

    /** Least-squares slope of y on x. */
    static double slope(List<double[]> points) {
        double mx = 0, my = 0;
        for (double[] p : points) {
            mx += p[0];
            my += p[1];
        }
        mx /= points.size();
        my /= points.size();
        double sxy = 0, sxx = 0;
        for (double[] p : points) {
            sxy += (p[0] - mx) * (p[1] - my);
            sxx += (p[0] - mx) * (p[0] - mx);
        }
        return sxy / sxx;
    }
}
