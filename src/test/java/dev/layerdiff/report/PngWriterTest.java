package dev.layerdiff.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layerdiff.stats.DiffImage;
import dev.layerdiff.stats.ImageLayout;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The labelled PNG: the picture, a colour bar running the whole map, the NaN/Inf and padding legend, tile labels. */
class PngWriterTest {
    @TempDir
    Path tmp;

    /** conv2 of the dead-filter fixture, in shape: channels 0-3 of each of 4 batch elements are off. */
    private static DiffImage deadChannels() {
        ImageLayout layout = ImageLayout.of(new long[] {4, 16, 12, 12});
        double[] px = new double[layout.width * layout.height];
        for (int y = 0; y < layout.height; y++) {
            for (int x = 0; x < layout.width; x++) {
                long tile = (y / 12) * layout.tilesX + x / 12;
                px[y * layout.width + x] = tile % 16 < 4 ? 5 : 1e-7;
            }
        }
        return new DiffImage(layout, px);
    }

    @Test
    void theFileCarriesAColourBarALegendAndThePicture() throws IOException {
        DiffImage image = deadChannels();
        Path file = tmp.resolve("conv2.png");
        PngWriter.write("conv2", image, file);
        BufferedImage png = ImageIO.read(file.toFile());
        BufferedImage bare = PngWriter.toBufferedImage(image);
        assertThat(png.getWidth()).isGreaterThan(bare.getWidth());
        assertThat(png.getHeight()).isGreaterThan(bare.getHeight());

        int middle = DiffColormap.colour(0.5) >>> 8, bottom = DiffColormap.colour(0) >>> 8;
        int magenta = DiffColormap.NON_FINITE >>> 8, grey = DiffColormap.PADDING >>> 8;
        assertThat(count(bare, middle)).isZero();
        assertThat(count(png, middle)).as("the colour bar's middle, which no pixel of the picture has").isPositive();
        assertThat(count(png, magenta)).as("the NaN/Inf legend swatch, though no block is NaN").isPositive();
        assertThat(count(png, grey)).as("the padding swatch").isPositive();
        assertThat(count(png, bottom)).isPositive();
    }

    @Test
    void axesAreNamedAndTilesLabelledByTheirIndices() {
        ImageLayout nchw = ImageLayout.of(new long[] {4, 16, 12, 12});
        assertThat(ImageAxes.caption(nchw)).startsWith("64 tiles (dim 0 x dim 1: 4 x 16), 8 per row")
                .contains("each tile rows dim 2 x columns dim 3 (12 x 12)");
        assertThat(ImageAxes.tileLabel(nchw, 19)).isEqualTo("1,3");
        assertThat(ImageAxes.tileLabel(ImageLayout.of(new long[] {3, 16, 128}), 2)).isEqualTo("2");
        assertThat(ImageAxes.caption(ImageLayout.of(new long[] {40}))).isEqualTo("one strip: dim 0 (40 elements)");
        assertThat(ImageAxes.caption(ImageLayout.of(new long[] {3000, 2049})))
                .isEqualTo("rows: dim 0 (3000), columns: dim 1 (2049); one pixel is the largest |d| of 3 x 3 elements");
    }

    private static int count(BufferedImage img, int rgb) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) for (int x = 0; x < img.getWidth(); x++) if ((img.getRGB(x, y) & 0xFFFFFF) == rgb) n++;
        return n;
    }
}
