package dev.layerdiff.compare;

import dev.layerdiff.stats.DiffImage;

import java.io.IOException;

/**
 * Receives the enhanced-diff image of each diverged layer as soon as its comparison completes, on any
 * thread, so images are written out one by one instead of held until the report is done (each can be
 * 4 MiB, and a broken model diverges in every layer after the first).
 */
@FunctionalInterface
public interface ImageSink {
    /** The image of the layer at {@code order} named {@code name} (its reference name). */
    void write(int order, String name, DiffImage image) throws IOException;
}
