package dev.layerdiff.archive;

import static dev.layerdiff.archive.TestFiles.f32;
import static dev.layerdiff.archive.TestFiles.fixture;
import static dev.layerdiff.archive.TestFiles.members;
import static dev.layerdiff.archive.TestFiles.npy;
import static dev.layerdiff.archive.TestFiles.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.layerdiff.archive.safetensors.SafetensorsWriter;
import dev.layerdiff.tensor.DType;
import dev.layerdiff.tensor.TensorEntry;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Formats are found by ServiceLoader and chosen by content; a directory opens its files through them. */
class ArchiveFormatsTest {
    @TempDir
    Path tmp;

    @Test
    void theInstalledFormatsAreFoundByServiceLoader() {
        assertThat(ArchiveFormats.installed().formats()).extracting(ArchiveFormat::name)
                .containsExactly("npy", "npz", "safetensors", "pt", "dir", "msprobe", "polygraphy");
        assertThat(ArchiveFormats.installed().fileExtensions()).containsExactly("npy", "npz", "safetensors", "pt", "pth");
    }

    @Test
    void contentBeatsTheExtension() throws IOException {
        String[][] cases = {{"cnn_ref_cpu.safetensors", "safetensors"}, {"cnn_ref_cpu.npz", "npz"}, {"cnn_ref_cpu.pt", "pt"},
            {"bigendian.npy", "npy"}, {"polygraphy/outputs.json", "polygraphy"}, {"polygraphy/inputs.json", "polygraphy"}};
        for (String[] c : cases) {
            for (String disguise : new String[] {"x.npy", "x.npz", "x.safetensors", "x.pt", "x.json", "x"}) {
                Path p = Files.copy(fixture(c[0]), tmp.resolve(disguise), StandardCopyOption.REPLACE_EXISTING);
                try (Archive a = Archives.open(p)) {
                    assertThat(a.format()).as(c[0] + " as " + disguise).isEqualTo(c[1]);
                }
            }
        }
    }

    @Test
    void anUnknownFormatNamesTheFormatsItIsNot() throws IOException {
        Path h5 = TestFiles.write(tmp.resolve("acts.h5"), new byte[] {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n', 0, 0});
        assertThatThrownBy(() -> Archives.open(h5)).isInstanceOf(ArchiveException.class)
                .hasMessage(h5 + ": unknown format: not .npy, .npz, .safetensors or a torch.save file (first bytes 894844460d0a1a0a)");
    }

    @Test
    void aDirectoryOfSafetensorsFiles() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("dump"));
        new SafetensorsWriter().add("weight", DType.FLOAT32, new long[] {2}, f32(1, 2))
                .add("bias", DType.FLOAT32, new long[] {1}, f32(3)).write(dir.resolve("10_fc.safetensors"));
        new SafetensorsWriter().add("out", DType.FLOAT32, new long[] {3}, f32(4, 5, 6)).write(dir.resolve("2-conv.safetensors"));
        Files.writeString(dir.resolve("notes.txt"), "not a tensor");
        try (Archive a = Archives.open(dir)) {
            assertThat(a.format()).isEqualTo("safetensors-dir");
            assertThat(a.tensors()).extracting(TensorEntry::name).containsExactly("conv/out", "fc/weight", "fc/bias");
            assertThat(a.tensors()).extracting(TensorEntry::order).containsExactly(0, 1, 2);
            assertThat(values(a.tensors().get(0))).containsExactly(4, 5, 6);
            assertThat(values(a.tensors().get(2))).containsExactly(3);
        }
    }

    @Test
    void aDirectoryMixesFormatsAndKeepsItsOrder() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("mixed"));
        TestFiles.write(dir.resolve("003_head.npy"), npy("<f4", "(2,)", f32(7, 8)));
        TestFiles.zip(dir.resolve("1_embed.npz"), members("table.npy", npy("<f4", "(1,)", f32(1))), true);
        new SafetensorsWriter().add("x", DType.FLOAT32, new long[] {1}, f32(2)).write(dir.resolve("02.block.safetensors"));
        TestFiles.write(dir.resolve("tail.npy"), npy("<f4", "(1,)", f32(9)));
        try (Archive a = Archives.open(dir)) {
            assertThat(a.format()).isEqualTo("npy+npz+safetensors-dir");
            assertThat(a.tensors()).extracting(TensorEntry::name).containsExactly("embed/table", "block/x", "head", "tail");
            assertThat(values(a.tensors().get(2))).containsExactly(7, 8);
        }
    }

    @Test
    void aDamagedFileInADirectoryIsNamed() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("bad"));
        TestFiles.write(dir.resolve("1_a.npy"), npy("<f4", "(1,)", f32(1)));
        Path broken = TestFiles.write(dir.resolve("2_b.safetensors"), new byte[] {1, 2, 3});
        assertThatThrownBy(() -> Archives.open(dir)).isInstanceOf(ArchiveException.class)
                .hasMessageStartingWith(broken + ": truncated safetensors");
    }

    @Test
    void aFormatPlugsInThroughItsServicesFile() throws IOException {
        Path services = Files.createDirectories(tmp.resolve("plugin/META-INF/services"));
        Files.writeString(services.resolve(ArchiveFormat.class.getName()), RawF32Format.class.getName() + "\n");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {tmp.resolve("plugin").toUri().toURL()}, getClass().getClassLoader())) {
            ArchiveFormats formats = ArchiveFormats.load(loader);
            assertThat(formats.formats()).extracting(ArchiveFormat::name).containsExactly("npy", "npz", "safetensors", "pt", "dir", "msprobe", "polygraphy", "raw");

            byte[] raw = concat(RawF32Format.MAGIC, f32(1.5f, -2));
            try (Archive a = formats.open(TestFiles.write(tmp.resolve("acts.npy"), raw))) {
                assertThat(a.format()).isEqualTo("raw");
                assertThat(values(a.tensors().get(0))).containsExactly(1.5, -2);
            }
            Path damaged = TestFiles.write(tmp.resolve("d.raw"), "LDRAW".getBytes(StandardCharsets.US_ASCII));
            assertThatThrownBy(() -> formats.open(damaged)).hasMessage(damaged + ": not a raw float32 file: LDRAWF32 is missing");
            Path unknown = TestFiles.write(tmp.resolve("u.bin"), new byte[] {1, 2, 3});
            assertThatThrownBy(() -> formats.open(unknown))
                    .hasMessage(unknown + ": unknown format: not .npy, .npz, .safetensors, a torch.save file or a raw float32 file (first bytes 010203)");
        }
        assertThat(ArchiveFormats.installed().formats()).extracting(ArchiveFormat::name).doesNotContain("raw");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
