package dev.layerdiff.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.layerdiff.Fixtures;
import dev.layerdiff.tensor.TensorEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * torch.save's legacy format (PyTorch before 1.6, or {@code _use_new_zipfile_serialization=False}), as
 * torch 1.13 writes it (tools/make_legacy_torch_fixtures.py): the same tensors, names, dtypes, shapes
 * and bytes as the zip twin of each file; and every truncation or corruption one line naming the file.
 */
class LegacyTorchTest {
    @TempDir
    Path tmp;

    private static Path legacy(String name) {
        return Fixtures.resource("/legacy/" + name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"dump", "glove", "bare"})
    void readsWhatItsZipTwinHolds(String name) throws IOException {
        try (Archive old = Archives.open(legacy(name + ".legacy.pt")); Archive zip = Archives.open(legacy(name + ".zip.pt"))) {
            assertThat(old.format()).isEqualTo("pt");
            assertThat(old.tensors()).hasSameSizeAs(zip.tensors());
            for (int i = 0; i < zip.tensors().size(); i++) {
                TensorEntry a = old.tensors().get(i), b = zip.tensors().get(i);
                if (!name.equals("bare")) assertThat(a.name()).isEqualTo(b.name());
                assertThat(a.dtype()).as(b.name()).isEqualTo(b.dtype());
                assertThat(a.shape()).as(b.name()).containsExactly(b.shape());
                assertThat(TestFiles.bytes(a)).as(b.name()).isEqualTo(TestFiles.bytes(b));
            }
        }
    }

    @Test
    void viewsSharingAStorageAndNonContiguousViewsReadInCOrder() throws IOException {
        try (Archive a = Archives.open(legacy("dump.legacy.pt"))) {
            float[] t = floats(TestFiles.find(a, "transposed")), head = floats(TestFiles.find(a, "head"));
            float[] tail = floats(TestFiles.find(a, "tail"));
            // transposed = base.t() of a [4, 6] base; head = base[:2], tail = base[1:]: one storage.
            assertThat(t[1]).isEqualTo(head[6]);
            assertThat(Arrays.copyOfRange(tail, 0, 6)).containsExactly(Arrays.copyOfRange(head, 6, 12));
        }
    }

    @Test
    void everyTruncationIsOneLineNamingTheFile() throws IOException {
        byte[] whole = Files.readAllBytes(legacy("dump.legacy.pt"));
        Path cut = tmp.resolve("cut.pt");
        for (int n = 1; n < whole.length; n++) {
            Files.write(cut, Arrays.copyOf(whole, n));
            int length = n;
            assertThatThrownBy(() -> Archives.open(cut).close()).as("cut at %d", length)
                    .isInstanceOf(dev.layerdiff.io.BadFileException.class).hasMessageStartingWith(cut.toString() + ": ")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\\n"));
        }
    }

    @Test
    void aStorageCountThatDisagreesWithItsTensorsIsRefused() throws IOException {
        byte[] bytes = Files.readAllBytes(legacy("bare.legacy.pt"));
        // The one storage's 10 elements (2 x 5 float32) follow its count, at the end of the file.
        int count = bytes.length - 40 - 8;
        assertThat(ByteBuffer.wrap(bytes, count, 8).order(ByteOrder.LITTLE_ENDIAN).getLong()).isEqualTo(10);
        ByteBuffer.wrap(bytes, count, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40);
        Path bad = Files.write(tmp.resolve("bad.pt"), bytes);
        assertThatThrownBy(() -> Archives.open(bad)).isInstanceOf(ArchiveException.class)
                .hasMessageContaining("holds 1099511627776 elements at byte " + count + ", its tensors say 10");
    }

    /** torch's own weights-only loader reads these; layerdiff says what they are and the way out. */
    @Test
    void quantizedAndSparseTensorsAreRefusedForWhatTheyAre() {
        Path q = legacy("quantized.zip.pt"), s = legacy("sparse.zip.pt");
        assertThatThrownBy(() -> Archives.open(q)).isInstanceOf(ArchiveException.class).hasMessage(q + "!quantized.zip/data.pkl: holds a"
                + " quantized tensor (torch._utils._rebuild_qtensor), which layerdiff does not read yet; save t.dequantize() to compare it");
        assertThatThrownBy(() -> Archives.open(s)).isInstanceOf(ArchiveException.class).hasMessage(s + "!sparse.zip/data.pkl: holds a"
                + " sparse tensor (torch._utils._rebuild_sparse_tensor), which layerdiff does not read yet; save t.to_dense() to compare it");
    }

    private static float[] floats(TensorEntry t) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(TestFiles.bytes(t)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[b.remaining() / 4];
        b.asFloatBuffer().get(out);
        return out;
    }
}
