package dev.layerdiff.report.html;

import dev.layerdiff.stats.DiffImage;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Base64;
import javax.imageio.ImageIO;

/**
 * An enhanced-diff image as the page carries it: reduced by block maximum to at most {@link #MAX_SIDE}
 * pixels a side (a lone bad element still shows), each pixel's place in the image's own range of finite
 * block maxima quantised to {@link #LEVELS} levels, stored as a greyscale PNG. The page colours it, in
 * its own range or in one shared by the layers of its group, so one copy serves both scales.
 *
 * @param width     pixels across
 * @param height    pixels down
 * @param foldX     image pixels (of the {@link DiffImage}) folded into one across
 * @param foldY     image pixels folded into one down
 * @param lo        the smallest finite block maximum (level 0)
 * @param hi        the largest (level {@code LEVELS - 1}); -1 when there is none
 * @param pngBase64 the levels, base64 PNG
 */
record PageImage(int width, int height, int foldX, int foldY, double lo, double hi, String pngBase64) {
    static final int MAX_SIDE = 512;
    /** Levels 0..LEVELS-1 place a finite value in [lo, hi]. */
    static final int LEVELS = 254;
    /** The level of a block holding NaN or Inf. */
    static final int NON_FINITE = 254;
    /** The level of grid padding. */
    static final int PADDING = 255;

    static PageImage of(DiffImage image) throws IOException {
        int w = image.width(), h = image.height();
        int fx = (w + MAX_SIDE - 1) / MAX_SIDE, fy = (h + MAX_SIDE - 1) / MAX_SIDE;
        int rw = (w + fx - 1) / fx, rh = (h + fy - 1) / fy;
        double[] src = image.blockMax();
        double[] reduced = new double[rw * rh];
        Arrays.fill(reduced, -1);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = (y / fy) * rw + x / fx;
                reduced[p] = Math.max(reduced[p], src[y * w + x]);
            }
        }
        double lo = Double.POSITIVE_INFINITY, hi = -1;
        for (double v : reduced) {
            if (v >= 0 && v < Double.POSITIVE_INFINITY) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        if (hi < 0) lo = -1;
        BufferedImage grey = new BufferedImage(rw, rh, BufferedImage.TYPE_BYTE_GRAY);
        byte[] levels = ((DataBufferByte) grey.getRaster().getDataBuffer()).getData();
        for (int p = 0; p < reduced.length; p++) levels[p] = (byte) level(reduced[p], lo, hi);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        if (!ImageIO.write(grey, "png", png)) throw new IOException("no PNG writer in this Java runtime");
        return new PageImage(rw, rh, fx, fy, lo, hi, Base64.getEncoder().encodeToString(png.toByteArray()));
    }

    static int level(double v, double lo, double hi) {
        if (v < 0) return PADDING;
        if (v == Double.POSITIVE_INFINITY) return NON_FINITE;
        if (hi <= lo) return 0;
        return (int) Math.round((v - lo) / (hi - lo) * (LEVELS - 1));
    }
}
