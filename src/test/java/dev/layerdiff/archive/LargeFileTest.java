package dev.layerdiff.archive;

import dev.layerdiff.tensor.TensorData;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sparse ~3 GiB safetensors file: offsets beyond 2^31 are read through long offsets and windows. */
class LargeFileTest {
    @TempDir
    Path tmp;

    @Test
    void readsValuesBeyondTwoGiB() throws IOException {
        long elements = (3L << 30) / 4; // 3 GiB of float32
        String header = "{\"big\":{\"dtype\":\"F32\",\"shape\":[" + elements + "],\"data_offsets\":[0," + elements * 4 + "]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        long dataStart = 8 + h.length;
        long[] probes = {0, (1L << 31) / 4 - 1, (1L << 31) / 4, (1L << 30) / 4 - 1, (1L << 30) / 4, (5L << 29) / 4 + 3, elements - 1};
        Path p = tmp.resolve("big.safetensors");
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(dataStart + elements * 4); // sparse: only the pages written below take disk space
            ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length);
            f.write(b.array());
            f.write(h);
            for (long i : probes) {
                f.seek(dataStart + i * 4);
                f.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(i + 0.5f).array());
            }
        }
        try (Archive a = Archives.open(p)) {
            TensorData d = a.tensors().get(0).data();
            assertThat(d.byteSize()).isEqualTo(3L << 30);
            for (long i : probes) {
                assertThat(d.read(i * 4, 4).getFloat(0)).as("element %d", i).isEqualTo(i + 0.5f);
            }
            // A 64 MiB read straddling the 1 GiB window boundary and 2^31 comes from one window.
            long off = (1L << 31) - 32;
            ByteBuffer straddle = d.read(off, 64 << 20);
            assertThat(straddle.limit()).isEqualTo(64 << 20);
            assertThat(straddle.getFloat((int) ((1L << 31) / 4 * 4 - off))).isEqualTo((1L << 31) / 4 + 0.5f);
            assertThatThrownBy(() -> d.read(0, (64 << 20) + 1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> d.read((3L << 30) - 2, 4)).isInstanceOf(IndexOutOfBoundsException.class);
        }
    }
}
