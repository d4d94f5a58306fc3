package dev.layerdiff.engine;

import dev.layerdiff.stats.ImageLayout;

import dev.layerdiff.stats.DiffImage;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Block maxima of |d| for one pair's image, filled by any number of chunk tasks at once. A pixel holds
 * the bits of a non-negative double (+Inf marks a NaN or infinite difference), whose order as a long
 * is its order as a double, so a compare-and-set max is exact and the result independent of timing;
 * -1 marks a pixel no element reached (grid padding).
 */
public final class ImageAccumulator {
    private final ImageLayout layout;
    private final AtomicLongArray pixels;

    /** An empty accumulator for this layout (8 bytes per pixel, at most 8 MiB). */
    public ImageAccumulator(ImageLayout layout) {
        this.layout = layout;
        this.pixels = new AtomicLongArray(layout.width * layout.height);
        for (int i = 0; i < pixels.length(); i++) pixels.setPlain(i, -1);
    }

    /**
     * Folds keys {@code keys[0..n)} of elements {@code firstIndex...} in: walks row runs of a tile and
     * pixel-wide segments of each run, so divisions happen per run, not per element, and each pixel
     * gets one atomic update per element row.
     */
    public void accept(double[] keys, int n, long firstIndex) {
        final ImageLayout g = layout;
        final long rows = g.tileRows, cols = g.tileCols, tileSize = rows * cols;
        final int cpp = g.columnsPerPixel;
        long tile = firstIndex / tileSize;
        long within = firstIndex - tile * tileSize;
        long row = within / cols, col = within - row * cols;
        int i = 0;
        while (i < n) {
            long tileX = tile % g.tilesX, tileY = tile / g.tilesX;
            int base = (int) ((tileY * rows + row) / g.rowsPerPixel) * g.width;
            long fullCol = tileX * cols + col;
            int end = (int) Math.min(i + (cols - col), n);
            int px = (int) (fullCol / cpp);
            int seg = (int) Math.min((long) (px + 1) * cpp - fullCol, end - i);
            while (i < end) {
                int segEnd = Math.min(i + seg, end);
                double m = keys[i];
                for (int j = i + 1; j < segEnd; j++) if (keys[j] > m) m = keys[j];
                maxInto(base + px, Double.doubleToRawLongBits(m));
                i = segEnd;
                px++;
                seg = cpp;
            }
            col = 0;
            if (++row == rows) {
                row = 0;
                tile++;
            }
        }
    }

    private void maxInto(int p, long bits) {
        long cur = pixels.getPlain(p);
        while (bits > cur && !pixels.weakCompareAndSetVolatile(p, cur, bits)) cur = pixels.get(p);
    }

    /** Block maxima: a value >= 0, +Inf for a non-finite difference, -1 for padding. */
    public double[] blockMaxima() {
        double[] v = new double[pixels.length()];
        for (int i = 0; i < v.length; i++) {
            long b = pixels.get(i);
            v[i] = b < 0 ? -1 : Double.longBitsToDouble(b);
        }
        return v;
    }

    /** The raw image. */
    public DiffImage image() {
        return new DiffImage(layout, blockMaxima());
    }
}
