package dev.layerdiff.io;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrintableTest {
    @Test
    void controlCharactersAreEscaped() {
        assertThat(Printable.of("a\nb\rc\td")).isEqualTo("a\\nb\\rc\\td");
        assertThat(Printable.of("nul\0here")).isEqualTo("nul\\x00here");
        assertThat(Printable.of("\u001b[31mred\u007f\u0085")).isEqualTo("\\x1b[31mred\\x7f\\x85");
    }

    @Test
    void separatorsAndInvisibleFormatCharactersAreEscaped() {
        assertThat(Printable.of("x\u2028y\u2029z")).isEqualTo("x\\u2028y\\u2029z");
        assertThat(Printable.of("abc\u202edef\u200b")).isEqualTo("abc\\u202edef\\u200b");
        assertThat(Printable.of("tag\uDB40\uDC01")).isEqualTo("tag\\U000e0001");
        assertThat(Printable.of("lone\uD800")).isEqualTo("lone\\ud800");
    }

    @Test
    void printableTextIsKeptAsItIs() {
        String s = "layers.0/attn: gewünscht 形状 \uD83D\uDE00 C:\\dir\\n";
        assertThat(Printable.of(s)).isSameAs(s);
        assertThat(Printable.of(Printable.of("a\nb"))).isEqualTo("a\\nb");
        assertThat(Printable.of(null)).isEqualTo("null");
    }
}
