package dev.layerdiff.archive;

import dev.layerdiff.tensor.DType;
import dev.layerdiff.tensor.TensorData;
import dev.layerdiff.tensor.TensorEntry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.layerdiff.archive.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SafetensorsWriter output reads back with layerdiff's own reader: header, alignment, metadata, bytes. */
class SafetensorsWriterTest {
    @TempDir
    Path tmp;

    @Test
    void writesWhatTheReaderReadsBack() throws IOException {
        Path f = tmp.resolve("x.safetensors");
        byte[] floats = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putFloat(1f).putFloat(-2f).putFloat(3.5f).array();
        byte[] bigEndianInts = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putInt(7).putInt(-9).array();
        TensorData be = new TensorData() {
            @Override public long byteSize() { return 8; }
            @Override public boolean isRandomAccess() { return true; }
            @Override public ByteBuffer read(long offset, int length) { return ByteBuffer.wrap(bigEndianInts, (int) offset, length).slice(); }
        };
        new SafetensorsWriter()
                .metadata("order", "[\"b\",\"a\"]")
                .metadata("producer", "test")
                .add("a", DType.FLOAT32, new long[] {3}, floats)
                .add("b", DType.INT32, new long[] {2, 1}, ByteOrder.BIG_ENDIAN, be)
                .add("empty", DType.BFLOAT16, new long[] {0, 4}, new byte[0])
                .write(f);
        long headerLength = ByteBuffer.wrap(Files.readAllBytes(f), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat((8 + headerLength) % 8).isZero();
        try (Archive a = Archives.open(f)) {
            assertThat(a.metadata()).containsEntry("producer", "test");
            assertThat(a.tensors()).extracting(TensorEntry::name).containsExactly("b", "a", "empty");
            TensorEntry b = a.tensors().get(0);
            assertThat(b.shape()).containsExactly(2, 1);
            ByteBuffer bb = b.data().read(0, 8);
            assertThat(bb.getInt(0)).isEqualTo(7);
            assertThat(bb.getInt(4)).isEqualTo(-9);
            ByteBuffer fa = a.tensors().get(1).data().read(0, 12);
            assertThat(fa.getFloat(8)).isEqualTo(3.5f);
            assertThat(a.tensors().get(2).dtype()).isEqualTo(DType.BFLOAT16);
        }
        assertThat(Files.list(tmp)).containsExactly(f); // no temporary file left behind
    }

    @Test
    void refusesSizeMismatchAndDuplicates() {
        SafetensorsWriter w = new SafetensorsWriter().add("a", DType.FLOAT32, new long[] {1}, new byte[4]);
        assertThatThrownBy(() -> w.add("a", DType.FLOAT32, new long[] {1}, new byte[4])).hasMessageContaining("duplicate");
        assertThatThrownBy(() -> w.add("c", DType.FLOAT32, new long[] {2}, new byte[4])).hasMessageContaining("expected 8");
    }
}
