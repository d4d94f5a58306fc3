package dev.layerdiff.report;

import dev.layerdiff.stats.ImageLayout;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * What an enhanced-diff image's axes mean, in words, for the PNGs and the HTML report alike: which
 * dimensions are a tile's rows and columns, which indices each tile stands for, and how many elements
 * one pixel folds (by block maximum).
 */
public final class ImageAxes {
    private ImageAxes() {}

    /** How the picture is laid out, e.g. "64 tiles (dim 0 x dim 1: 4 x 16), 8 per row; each tile dims 2 x 3 (12 x 12)". */
    public static String caption(ImageLayout layout) {
        long[] shape = layout.shape();
        int n = shape.length;
        String text;
        if (n == 0) {
            text = "one element";
        } else if (n == 1) {
            text = "one strip: dim 0 (" + shape[0] + " elements)";
        } else if (n == 2) {
            text = "rows: dim 0 (" + shape[0] + "), columns: dim 1 (" + shape[1] + ")";
        } else {
            StringJoiner dims = new StringJoiner(" x "), sizes = new StringJoiner(" x ");
            for (int i = 0; i < n - 2; i++) {
                dims.add("dim " + i);
                sizes.add(Long.toString(shape[i]));
            }
            text = String.format(Locale.ROOT, "%d tiles (%s: %s), %d per row, labelled by their indices; "
                            + "each tile rows dim %d x columns dim %d (%d x %d)",
                    layout.tiles, dims, sizes, layout.tilesX, n - 2, n - 1, shape[n - 2], shape[n - 1]);
        }
        if (layout.rowsPerPixel > 1 || layout.columnsPerPixel > 1) {
            text += "; one pixel is the largest |d| of " + layout.rowsPerPixel + " x " + layout.columnsPerPixel + " elements";
        }
        return text;
    }

    /** A tile's label: its indices along the leading dimensions, e.g. "1,3"; empty when there is one tile. */
    public static String tileLabel(ImageLayout layout, long tile) {
        StringJoiner label = new StringJoiner(",");
        for (long i : layout.tileIndex(tile)) label.add(Long.toString(i));
        return label.toString();
    }
}
