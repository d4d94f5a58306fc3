package dev.layerdiff.report;

import dev.layerdiff.io.AtomicFiles;
import dev.layerdiff.stats.DiffImage;
import dev.layerdiff.stats.ImageLayout;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Writes enhanced-diff images as PNG, labelled so that the file explains itself: the layer and its
 * shape, what the axes and tiles are ({@link ImageAxes}), each tile's indices, a colour bar with the
 * value scale, and the colours of NaN/Inf blocks and padding. Small images are enlarged by an integer
 * factor (nearest neighbour, so every element stays a crisp square) and 1-pixel-high strips are
 * thickened, so that a 10-element output layer is still visible.
 */
public final class PngWriter {
    private static final int TARGET_SIZE = 512;
    private static final int MAX_SCALE = 16;
    private static final int MIN_STRIP_HEIGHT = 16;
    private static final int MARGIN = 10;
    private static final int BAR_WIDTH = 14;
    private static final int MIN_BAR_HEIGHT = 96;
    /** A tile gets its label inside it when it is at least this many pixels wide and high. */
    private static final int LABEL_TILE_WIDTH = 28, LABEL_TILE_HEIGHT = 14;
    /** Tiles at least this many pixels a side get faint lines between them. */
    private static final int MIN_GRID_TILE = 6;
    private static final Color BACKGROUND = Color.WHITE, INK = new Color(0x202020), FAINT = new Color(0x606060);

    private PngWriter() {}

    /** Writes the image to {@code file} atomically, titled by the file name. */
    public static void write(DiffImage image, Path file) throws IOException {
        write(String.valueOf(file.getFileName()), image, file);
    }

    /** Writes the image of {@code layer} to {@code file} atomically. */
    public static void write(String layer, DiffImage image, Path file) throws IOException {
        BufferedImage img = render(layer, image);
        AtomicFiles.write(file, out -> {
            if (!ImageIO.write(img, "png", out)) throw new IOException("no PNG writer in this Java runtime");
        });
    }

    /** The labelled picture: title, caption, the image with tile labels, colour bar and legend. */
    static BufferedImage render(String layer, DiffImage image) {
        BufferedImage pixels = toBufferedImage(image);
        ImageLayout layout = image.layout();
        double lo = Double.POSITIVE_INFINITY, hi = -1;
        for (double v : image.blockMax()) {
            if (v >= 0 && v < Double.POSITIVE_INFINITY) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        Font titleFont = new Font(Font.SANS_SERIF, Font.BOLD, 13), small = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
        Graphics2D probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB).createGraphics();
        FontMetrics fm = probe.getFontMetrics(small), tfm = probe.getFontMetrics(titleFont);
        probe.dispose();

        String title = layer + "   |cand - ref|   shape " + Arrays.toString(layout.shape());
        List<String> ticks = hi < 0 ? List.of("no finite |d|") : List.of(num(hi), num((lo + hi) / 2), num(lo));
        int tickWidth = ticks.stream().mapToInt(fm::stringWidth).max().orElse(0);
        int barHeight = Math.max(MIN_BAR_HEIGHT, pixels.getHeight());
        int contentWidth = pixels.getWidth() + MARGIN + BAR_WIDTH + 4 + tickWidth;
        int width = Math.max(contentWidth, tfm.stringWidth(title)) + 2 * MARGIN;
        List<String> caption = wrap(ImageAxes.caption(layout), fm, width - 2 * MARGIN);
        int line = fm.getHeight();
        int imageTop = MARGIN + tfm.getHeight() + caption.size() * line + 6;
        int height = imageTop + Math.max(barHeight, pixels.getHeight()) + 8 + line + MARGIN;

        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(BACKGROUND);
        g.fillRect(0, 0, width, height);
        g.setColor(INK);
        g.setFont(titleFont);
        g.drawString(title, MARGIN, MARGIN + tfm.getAscent());
        g.setFont(small);
        g.setColor(FAINT);
        for (int i = 0; i < caption.size(); i++) g.drawString(caption.get(i), MARGIN, MARGIN + tfm.getHeight() + i * line + fm.getAscent());
        g.drawImage(pixels, MARGIN, imageTop, null);
        drawTileLabels(g, layout, pixels.getWidth() / (double) layout.width, pixels.getHeight() / (double) layout.height,
                MARGIN, imageTop, fm);

        int barX = MARGIN + pixels.getWidth() + MARGIN;
        for (int y = 0; y < barHeight; y++) {
            g.setColor(new Color(DiffColormap.colour(1 - y / (double) (barHeight - 1)) >>> 8));
            g.fillRect(barX, imageTop + y, BAR_WIDTH, 1);
        }
        g.setColor(INK);
        g.drawRect(barX, imageTop, BAR_WIDTH - 1, barHeight - 1);
        for (int i = 0; i < ticks.size(); i++) {
            int y = ticks.size() == 1 ? imageTop + fm.getAscent()
                    : imageTop + (int) Math.round(i * (barHeight - 1) / (double) (ticks.size() - 1));
            int baseline = Math.min(imageTop + barHeight, Math.max(imageTop + fm.getAscent(), y + fm.getAscent() / 2));
            g.drawString(ticks.get(i), barX + BAR_WIDTH + 4, baseline);
        }

        int legendY = imageTop + Math.max(barHeight, pixels.getHeight()) + 8;
        int x = MARGIN;
        x = swatch(g, x, legendY, DiffColormap.NON_FINITE, "NaN or Inf in the block", fm);
        swatch(g, x + 12, legendY, DiffColormap.PADDING, "padding (no tile)", fm);
        g.dispose();
        return out;
    }

    /**
     * Faint lines between tiles; each tile's indices inside it where they fit, else the first tile's of
     * every few grid rows at the left edge.
     */
    private static void drawTileLabels(Graphics2D g, ImageLayout layout, double sx, double sy, int left, int top,
                                       FontMetrics fm) {
        if (layout.shape().length < 3 || layout.tilesX == 0) return;
        double tileW = layout.tileCols / (double) layout.columnsPerPixel * sx;
        double tileH = layout.tileRows / (double) layout.rowsPerPixel * sy;
        if (tileW >= MIN_GRID_TILE && tileH >= MIN_GRID_TILE) {
            g.setColor(new Color(255, 255, 255, 70));
            int w = (int) Math.round(layout.tilesX * tileW), h = (int) Math.round(layout.tilesY * tileH);
            for (long c = 1; c < layout.tilesX; c++) g.fillRect(left + (int) Math.round(c * tileW), top, 1, h);
            for (long r = 1; r < layout.tilesY; r++) g.fillRect(left, top + (int) Math.round(r * tileH), w, 1);
        }
        boolean inside = tileW >= LABEL_TILE_WIDTH && tileH >= LABEL_TILE_HEIGHT;
        long every = inside ? 1 : Math.max(1, (long) Math.ceil(fm.getHeight() / tileH));
        for (long t = 0; t < layout.tiles; t++) {
            long row = t / layout.tilesX, col = t % layout.tilesX;
            if (!inside && (col != 0 || row % every != 0)) continue;
            String label = ImageAxes.tileLabel(layout, t);
            int x = left + (int) Math.round(col * tileW) + 1, y = top + (int) Math.round(row * tileH) + 1;
            if (inside && fm.stringWidth(label) + 2 > tileW) continue;
            g.setColor(new Color(0, 0, 0, 150));
            g.fillRect(x, y, fm.stringWidth(label) + 2, fm.getAscent());
            g.setColor(Color.WHITE);
            g.drawString(label, x + 1, y + fm.getAscent() - 1);
        }
    }

    private static int swatch(Graphics2D g, int x, int y, int rgba, String text, FontMetrics fm) {
        g.setColor(new Color(rgba >>> 8));
        g.fillRect(x, y + 1, fm.getAscent(), fm.getAscent());
        g.setColor(INK);
        g.drawRect(x, y + 1, fm.getAscent() - 1, fm.getAscent() - 1);
        g.drawString(text, x + fm.getAscent() + 4, y + fm.getAscent());
        return x + fm.getAscent() + 4 + fm.stringWidth(text);
    }

    private static List<String> wrap(String text, FontMetrics fm, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && fm.stringWidth(line + " " + word) > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) line.append(' ');
            line.append(word);
        }
        if (line.length() > 0) lines.add(line.toString());
        return lines;
    }

    /** The bare image, enlarged: one colour per pixel of the diff image, no labels. */
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

    private static String num(double v) {
        return v == 0 ? "0" : String.format(Locale.ROOT, "%.3g", v);
    }

    /** A file name for a layer's image: its order and its name with unsafe characters replaced. */
    public static String fileName(int order, String layer) {
        return String.format("%04d_%s.png", order, layer.replaceAll("[^A-Za-z0-9._-]", "_"));
    }
}
