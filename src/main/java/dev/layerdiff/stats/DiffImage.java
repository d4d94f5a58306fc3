package dev.layerdiff.stats;

import java.util.Arrays;

/**
 * The raw enhanced-diff picture of |cand - ref|: for each pixel of {@code layout}, row-major, the
 * maximum |cand - ref| of the block of elements it covers; {@code +Inf} where that block holds a NaN or
 * infinite difference, {@code -1} for a pixel outside every tile (grid padding). Colouring, scale and
 * legend are the report's choice.
 */
public record DiffImage(ImageLayout layout, double[] blockMax) implements java.io.Serializable {
    public DiffImage {
        if ((long) layout.width * layout.height != blockMax.length) {
            throw new IllegalArgumentException(blockMax.length + " block maxima, not " + layout.width + "x" + layout.height);
        }
    }

    public int width() { return layout.width; }

    public int height() { return layout.height; }

    /** Element rows folded into one pixel row. */
    public int rowsPerPixel() { return layout.rowsPerPixel; }

    /** Element columns folded into one pixel column. */
    public int columnsPerPixel() { return layout.columnsPerPixel; }

    /** The largest finite block maximum, or -1 when no pixel holds a finite difference. */
    public double maxFinite() {
        double hi = -1;
        for (double v : blockMax) if (v < Double.POSITIVE_INFINITY && v > hi) hi = v;
        return hi;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DiffImage d && d.layout.width == layout.width && d.layout.height == layout.height
                && Arrays.equals(d.blockMax, blockMax);
    }

    @Override
    public int hashCode() { return Arrays.hashCode(blockMax); }

    @Override
    public String toString() { return "DiffImage[" + layout.width + "x" + layout.height + "]"; }
}
