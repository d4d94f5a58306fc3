package dev.layerdiff.report;

import dev.layerdiff.io.AtomicFiles;
import dev.layerdiff.stats.DiffImage;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Writes enhanced-diff images as PNG. Small images are enlarged by an integer factor (nearest
 * neighbour, so every element stays a crisp square) and 1-pixel-high strips are thickened, so that a
 * 10-element output layer is still visible in an image viewer.
 */
public final class PngWriter {
    private static final int TARGET_SIZE = 256;
    private static final int MAX_SCALE = 16;
    private static final int MIN_STRIP_HEIGHT = 16;

    private PngWriter() {}

    /** Writes the image to {@code file} atomically. */
    public static void write(DiffImage image, Path file) throws IOException {
        BufferedImage img = toBufferedImage(image);
        AtomicFiles.write(file, out -> {
            if (!ImageIO.write(img, "png", out)) throw new IOException("no PNG writer in this Java runtime");
        });
    }

    static BufferedImage toBufferedImage(DiffImage image) {
        int w = image.width();
        int h = image.height();
        int scale = Math.max(1, Math.min(MAX_SCALE, TARGET_SIZE / Math.max(w, h)));
        int rowRepeat = h == 1 ? Math.max(scale, MIN_STRIP_HEIGHT) : scale;
        BufferedImage out = new BufferedImage(w * scale, h * rowRepeat, BufferedImage.TYPE_INT_ARGB);
        byte[] rgba = DiffColormap.rgba(image);
        for (int y = 0; y < out.getHeight(); y++) {
            int srcRow = y / rowRepeat;
            for (int x = 0; x < out.getWidth(); x++) {
                int p = (srcRow * w + x / scale) * 4;
                int argb = (rgba[p + 3] & 0xFF) << 24 | (rgba[p] & 0xFF) << 16 | (rgba[p + 1] & 0xFF) << 8 | (rgba[p + 2] & 0xFF);
                out.setRGB(x, y, argb);
            }
        }
        return out;
    }

    /** A file name for a layer's image: its order and its name with unsafe characters replaced. */
    public static String fileName(int order, String layer) {
        return String.format("%04d_%s.png", order, layer.replaceAll("[^A-Za-z0-9._-]", "_"));
    }
}
