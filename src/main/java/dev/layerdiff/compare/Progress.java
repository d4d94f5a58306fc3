package dev.layerdiff.compare;

/**
 * Follows a comparison's pass over the bytes: the total once the plan is known, then the bytes of each
 * pair as it completes (both sides; on any thread, in any order).
 */
public interface Progress {
    /** Before any pair is read: the bytes of every pair compared, both sides. */
    void started(long totalBytes);

    /** One pair is complete; {@code bytes} is its size on both sides. */
    void completed(long bytes);
}
