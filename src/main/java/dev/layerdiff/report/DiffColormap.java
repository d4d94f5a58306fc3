package dev.layerdiff.report;


import dev.layerdiff.stats.DiffImage;

/**
 * The colouring of enhanced-diff images: each pixel's block maximum is
 * placed in the layer's own range of finite pixel values and looked up in an inferno-like 256-entry
 * LUT (perceptually ordered dark to bright, readable in greyscale); non-finite blocks are magenta,
 * padding dark grey.
 */
public final class DiffColormap {
    private DiffColormap() {}

    /** Magenta: the block holds a NaN or infinite difference. */
    public static final int NON_FINITE = 0xFF00FFFF;
    /** Dark grey: the pixel lies outside every tile. */
    public static final int PADDING = 0x282828FF;

    /** Matplotlib's inferno sampled at t = 0, 0.1, ..., 1 (RGB). */
    private static final int[] CONTROL = {
        0x000004, 0x160B39, 0x420A68, 0x6A176E, 0x932667, 0xBC3754, 0xDD513A, 0xF37819, 0xFCA50A, 0xF6D746, 0xFCFFA4,
    };
    private static final int[] LUT = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            double x = i / 255.0 * (CONTROL.length - 1);
            int k = Math.min((int) x, CONTROL.length - 2);
            double f = x - k;
            int rgb = 0;
            for (int shift = 16; shift >= 0; shift -= 8) {
                int a = (CONTROL[k] >>> shift) & 0xFF, b = (CONTROL[k + 1] >>> shift) & 0xFF;
                rgb |= ((int) Math.round(a + (b - a) * f)) << shift;
            }
            LUT[i] = (rgb << 8) | 0xFF;
        }
    }

    /** RGBA (as 0xRRGGBBAA) of position {@code t} in [0, 1]. */
    public static int colour(double t) {
        return LUT[(int) Math.round(Math.min(1, Math.max(0, t)) * 255)];
    }

    /** RGBA bytes of the image, each pixel placed in the image's own range of finite block maxima. */
    public static byte[] rgba(DiffImage image) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double v : image.blockMax()) {
            if (v >= 0 && v < Double.POSITIVE_INFINITY) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        return rgba(image, lo, hi);
    }

    /** RGBA bytes of the image, finite block maxima placed linearly between {@code lo} and {@code hi}. */
    public static byte[] rgba(DiffImage image, double lo, double hi) {
        double[] blockMax = image.blockMax();
        byte[] rgba = new byte[blockMax.length * 4];
        for (int p = 0; p < blockMax.length; p++) {
            double v = blockMax[p];
            int c;
            if (v < 0) c = PADDING;
            else if (v == Double.POSITIVE_INFINITY) c = NON_FINITE;
            else c = colour(hi <= lo ? 0 : (v - lo) / (hi - lo));
            rgba[4 * p] = (byte) (c >>> 24);
            rgba[4 * p + 1] = (byte) (c >>> 16);
            rgba[4 * p + 2] = (byte) (c >>> 8);
            rgba[4 * p + 3] = (byte) c;
        }
        return rgba;
    }
}
