package dev.layerdiff.archive;

/**
 * What reading an archive may cost beyond the file's own size. A deflated .npz member may inflate up to
 * about 1032 times its compressed size: 10 GB from 9.7 MB takes over a minute to compare. By default a
 * member may inflate to 1 GiB plus {@value #INFLATE_RATIO} times its compressed size (real tensors
 * rarely compress better than that; zeros do); {@code --max-inflated} sets a fixed limit instead.
 *
 * @param maxInflated the largest inflated size of one member in bytes; null for the default rule
 */
public record ReadLimits(Long maxInflated) {
    /** The default rule: {@link #INFLATE_FLOOR} + {@link #INFLATE_RATIO} x compressed size. */
    public static final ReadLimits DEFAULTS = new ReadLimits(null);

    static final long INFLATE_FLOOR = 1L << 30;
    private static final String INFLATE_FLOOR_TEXT = "1 GiB";
    static final long INFLATE_RATIO = 256;

    public ReadLimits {
        if (maxInflated != null && maxInflated < 0) throw new IllegalArgumentException("negative inflation limit " + maxInflated);
    }

    /** The largest size a member of {@code compressedSize} bytes may inflate to. */
    public long inflatedLimit(long compressedSize) {
        if (maxInflated != null) return maxInflated;
        long scaled = compressedSize > (Long.MAX_VALUE - INFLATE_FLOOR) / INFLATE_RATIO ? Long.MAX_VALUE - INFLATE_FLOOR
                : compressedSize * INFLATE_RATIO;
        return INFLATE_FLOOR + scaled;
    }

    /** How {@link #inflatedLimit} came about, for the refusal. */
    public String describeInflatedLimit(long compressedSize) {
        long limit = inflatedLimit(compressedSize);
        if (maxInflated != null) return "the --max-inflated limit of " + limit + " bytes";
        return "the default limit of " + limit + " bytes (" + INFLATE_FLOOR_TEXT + " + " + INFLATE_RATIO + " x compressed size)";
    }
}
