package dev.layerdiff.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layerdiff.stats.DiffImage;
import dev.layerdiff.stats.ImageLayout;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DiffColormapTest {
    @Test
    void colours() {
        ImageLayout g = ImageLayout.of(new long[] {2, 2, 2}); // 2 tiles -> 2 x 1 grid, no padding
        DiffImage img = new DiffImage(ImageLayout.of(new long[] {3, 1, 1}), new double[] {0, Double.POSITIVE_INFINITY, 2, -1});
        byte[] px = DiffColormap.rgba(img);
        assertThat(Arrays.copyOfRange(px, 4, 8)).containsExactly((byte) 255, 0, (byte) 255, (byte) 255);
        assertThat(Arrays.copyOfRange(px, 12, 16)).containsExactly(0x28, 0x28, 0x28, (byte) 255);
        assertThat(Arrays.copyOfRange(px, 0, 4)).containsExactly(0, 0, 4, (byte) 255); // range low end: darkest
        assertThat(Arrays.copyOfRange(px, 8, 12)).containsExactly((byte) 0xFC, (byte) 0xFF, (byte) 0xA4, (byte) 255);
        assertThat(g.width * g.height).isEqualTo(8);
    }
}
