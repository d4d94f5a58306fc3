package dev.layerdiff.compare;

/**
 * An enhanced-diff picture of |cand - ref|: {@code width * height} pixels, RGBA, row-major, 4 bytes each.
 * Each pixel is the maximum |cand - ref| of the block of elements it covers, coloured by its place in
 * the layer's own range; pixels covering a NaN or infinite difference are magenta.
 *
 * @param rowsPerPixel    element rows folded into one pixel row (block maximum)
 * @param columnsPerPixel element columns folded into one pixel column
 */
public record DiffImage(int width, int height, int rowsPerPixel, int columnsPerPixel, byte[] rgba) {
    public DiffImage {
        if ((long) width * height * 4 != rgba.length) {
            throw new IllegalArgumentException("rgba holds " + rgba.length + " bytes, not " + width + "x" + height + "x4");
        }
    }
}
