package dev.layerdiff.stats;

/**
 * Statistics of one side's values. {@code min}, {@code max}, {@code mean} and {@code std} are over the
 * finite values (NaN if there are none); {@code std} is the population standard deviation (divide by N);
 * {@code zeroFraction} is zeros (either sign) over all elements.
 *
 * @param count  elements
 * @param finite finite elements
 * @param nan    NaN elements
 * @param posInf +Inf elements
 * @param negInf -Inf elements
 */
public record SideStats(long count, long finite, long nan, long posInf, long negInf,
                        double min, double max, double mean, double std, double zeroFraction)
        implements java.io.Serializable {

    /** +Inf and -Inf together. */
    public long inf() { return posInf + negInf; }
}
