package dev.layerdiff.archive;

import static dev.layerdiff.archive.TestFiles.f32;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The safetensors header is UTF-8 JSON, as the format says: no guessing of UTF-16 or UTF-32. */
class SafetensorsHeaderEncodingTest {
    @TempDir
    Path tmp;

    private static final String HEADER = "{\"gewünscht/形状\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";

    private Path file(String name, byte[] header) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header).put(f32(1, 2));
        return Files.write(tmp.resolve(name), b.array());
    }

    @Test
    void headerThatLooksLikeUtf32IsMalformedJsonOfThisFile() throws IOException {
        Path p = file("utf32.safetensors", new byte[] {0x7f, 0, 0, 0, '{', '}', ' ', ' '});
        assertThatThrownBy(() -> Archives.open(p).close()).isInstanceOf(ArchiveException.class)
                .hasMessageStartingWith(p + ": malformed JSON header");
    }

    @Test
    void utf16HeaderIsRefused() throws IOException {
        Path p = file("utf16.safetensors", HEADER.getBytes(StandardCharsets.UTF_16LE));
        assertThatThrownBy(() -> Archives.open(p).close()).isInstanceOf(ArchiveException.class)
                .hasMessageStartingWith(p + ": ");
    }

    @Test
    void invalidUtf8IsRefusedWithItsOffset() throws IOException {
        byte[] h = HEADER.getBytes(StandardCharsets.UTF_8);
        h[3] = (byte) 0xff;
        Path p = file("bad.safetensors", h);
        assertThatThrownBy(() -> Archives.open(p).close()).isInstanceOf(ArchiveException.class)
                .hasMessage(p + ": the JSON header is not valid UTF-8 (byte 0xff at header offset 3)");
    }

    @Test
    void utf8NamesRead() throws IOException {
        try (Archive a = Archives.open(file("ok.safetensors", HEADER.getBytes(StandardCharsets.UTF_8)))) {
            assertThat(a.tensors().get(0).name()).isEqualTo("gewünscht/形状");
        }
    }
}
