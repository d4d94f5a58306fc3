package dev.layerdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReadFlagsTest {
    @Test
    void sizesTakeBinarySuffixes() {
        assertThat(ReadFlags.parseSize("1000")).isEqualTo(1000);
        assertThat(ReadFlags.parseSize("16G")).isEqualTo(16L << 30);
        assertThat(ReadFlags.parseSize("512MiB")).isEqualTo(512L << 20);
        assertThat(ReadFlags.parseSize("2tb")).isEqualTo(2L << 40);
        assertThat(ReadFlags.parseSize(" 64 k ")).isEqualTo(64L << 10);
    }

    @Test
    void otherTextIsRefused() {
        assertThatThrownBy(() -> ReadFlags.parseSize("lots")).hasMessageContaining("is not a size");
        assertThatThrownBy(() -> ReadFlags.parseSize("-1G")).hasMessageContaining("is not a size");
        assertThatThrownBy(() -> ReadFlags.parseSize("1.5G")).hasMessageContaining("is not a size");
        assertThatThrownBy(() -> ReadFlags.parseSize("9999999999T")).hasMessageContaining("too large");
    }
}
