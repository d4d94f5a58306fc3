package dev.layerdiff.engine;

import dev.layerdiff.stats.DiffImage;
import dev.layerdiff.stats.ImageLayout;

/**
 * A pair's image in host memory, allocated by the first chunk that runs: the CPU backend queues every
 * pair at once, and a queued pair should not hold its pixels yet.
 */
final class HostImage implements PairJob.Image {
    private final ImageLayout layout;
    private ImageAccumulator pixels;

    HostImage(ImageLayout layout) {
        this.layout = layout;
    }

    /** The accumulator the chunks fold into. */
    synchronized ImageAccumulator accumulator() {
        if (pixels == null) pixels = new ImageAccumulator(layout);
        return pixels;
    }

    @Override
    public synchronized DiffImage read() {
        return accumulator().image();
    }

    @Override
    public synchronized void release() {
        pixels = null;
    }
}
