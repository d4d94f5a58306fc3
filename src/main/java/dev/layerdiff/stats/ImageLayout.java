package dev.layerdiff.stats;

import dev.layerdiff.tensor.Shapes;
import java.util.Arrays;

/**
 * Where each element of a tensor lands in its enhanced-diff image. The last two dimensions are the rows
 * and columns of one tile (a 1-D tensor is one row, a 0-d tensor one element); the tiles, one per index
 * of the leading dimensions, are laid out row-major on a grid {@code ceil(sqrt(L))} tiles wide. That
 * full element grid is reduced by block maximum to at most {@value #MAX_PIXELS} pixels a side.
 * Shared by every backend so their images agree pixel for pixel.
 */
public final class ImageLayout implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    /** Largest width and height in pixels. */
    public static final int MAX_PIXELS = 1024;

    /** Rows and columns of one tile. */
    public final long tileRows, tileCols;
    /** Number of tiles (product of the leading dimensions); 0 for an empty tensor. */
    public final long tiles;
    /** Tiles per grid row and grid rows. */
    public final long tilesX, tilesY;
    /** Element rows and columns folded into one pixel. */
    public final int rowsPerPixel, columnsPerPixel;
    /** Image size in pixels. */
    public final int width, height;
    private final long[] shape;

    private ImageLayout(long[] shape, long tileRows, long tileCols, long tiles) {
        this.shape = shape.clone();
        this.tileRows = tileRows;
        this.tileCols = tileCols;
        this.tiles = tiles;
        if (tiles == 0 || tileRows == 0 || tileCols == 0) {
            // Nothing to draw: one padding pixel.
            tilesX = tilesY = 0;
            rowsPerPixel = columnsPerPixel = width = height = 1;
            return;
        }
        tilesX = (long) Math.ceil(Math.sqrt((double) tiles));
        tilesY = (tiles + tilesX - 1) / tilesX;
        long fullRows = tilesY * tileRows, fullCols = tilesX * tileCols;
        rowsPerPixel = (int) ((fullRows + MAX_PIXELS - 1) / MAX_PIXELS);
        columnsPerPixel = (int) ((fullCols + MAX_PIXELS - 1) / MAX_PIXELS);
        height = (int) ((fullRows + rowsPerPixel - 1) / rowsPerPixel);
        width = (int) ((fullCols + columnsPerPixel - 1) / columnsPerPixel);
    }

    /** The layout of a tensor of this shape. */
    public static ImageLayout of(long[] shape) {
        int n = shape.length;
        if (n == 0) return new ImageLayout(shape, 1, 1, 1);
        if (n == 1) return new ImageLayout(shape, 1, shape[0], 1);
        long tiles = 1;
        for (int i = 0; i < n - 2; i++) tiles *= shape[i];
        return new ImageLayout(shape, shape[n - 2], shape[n - 1], tiles);
    }

    /** The shape of the tensor drawn. */
    public long[] shape() { return shape.clone(); }

    /**
     * The indices of the leading dimensions (all but the last two) that tile {@code tile} shows, e.g.
     * {@code [1, 3]} for batch element 1, channel 3 of an NCHW tensor; empty for tensors of fewer than three dimensions.
     */
    public long[] tileIndex(long tile) {
        return Shapes.unravel(tile, Arrays.copyOf(shape, Math.max(0, shape.length - 2)));
    }

    /** Pixel index (row-major) of the element at a flat C-order index; for tests and slow paths. */
    public int pixelOf(long index) {
        long tileSize = tileRows * tileCols;
        long tile = index / tileSize, within = index % tileSize;
        long row = (tile / tilesX) * tileRows + within / tileCols;
        long col = (tile % tilesX) * tileCols + within % tileCols;
        return (int) (row / rowsPerPixel) * width + (int) (col / columnsPerPixel);
    }
}
