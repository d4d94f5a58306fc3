package dev.layerdiff.archive;

import dev.layerdiff.tensor.DType;
import dev.layerdiff.tensor.TensorEntry;

import static dev.layerdiff.archive.TestFiles.bytes;
import static dev.layerdiff.archive.TestFiles.find;
import static dev.layerdiff.archive.TestFiles.fixture;
import static dev.layerdiff.archive.TestFiles.generated;
import static dev.layerdiff.archive.TestFiles.values;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The real PyTorch/NumPy fixtures read right and agree across formats. */
class FixtureFormatsTest {

    private static final List<String> DTYPE_NAMES = List.of("f16", "bf16", "f64", "i64", "i32", "u8", "bool", "scalar", "empty", "nanny");

    @Test
    void dtypesAgreeBitForBitAcrossPtAndSafetensors() throws IOException {
        try (Archive pt = Archives.open(fixture("dtypes.pt")); Archive st = Archives.open(fixture("dtypes.safetensors"))) {
            assertThat(pt.format()).isEqualTo("pt");
            assertThat(st.format()).isEqualTo("safetensors");
            assertThat(pt.tensors()).extracting(TensorEntry::name).containsExactlyElementsOf(DTYPE_NAMES);
            for (String n : DTYPE_NAMES) {
                TensorEntry a = find(pt, n);
                TensorEntry b = find(st, n);
                assertThat(a.dtype()).as(n).isEqualTo(b.dtype());
                assertThat(a.shape()).as(n).isEqualTo(b.shape());
                assertThat(bytes(a)).as(n).isEqualTo(bytes(b));
            }
        }
    }

    @Test
    void dtypesNpzAgreesWithPt() throws IOException {
        try (Archive pt = Archives.open(fixture("dtypes.pt")); Archive npz = Archives.open(fixture("dtypes.npz"))) {
            assertThat(npz.format()).isEqualTo("npz");
            assertThat(npz.tensors()).extracting(TensorEntry::name).containsExactlyElementsOf(DTYPE_NAMES);
            for (String n : DTYPE_NAMES) {
                // NumPy has no bfloat16: the npz holds it widened to float32, exactly.
                assertThat(values(find(npz, n))).as(n).isEqualTo(values(find(pt, n)));
                assertThat(find(npz, n).shape()).as(n).isEqualTo(find(pt, n).shape());
            }
            assertThat(find(npz, "bf16").dtype()).isEqualTo(DType.FLOAT32);
            assertThat(find(pt, "bf16").dtype()).isEqualTo(DType.BFLOAT16);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dtypes.pt", "dtypes.safetensors", "dtypes.npz"})
    void dtypesSpecialValues(String file) throws IOException {
        try (Archive a = Archives.open(fixture(file))) {
            double[] nanny = values(find(a, "nanny"));
            assertThat(nanny[0]).isEqualTo(1.0);
            assertThat(nanny[1]).isNaN();
            assertThat(nanny[2]).isEqualTo(Double.POSITIVE_INFINITY);
            assertThat(nanny[3]).isEqualTo(Double.NEGATIVE_INFINITY);
            assertThat(Double.doubleToRawLongBits(nanny[4])).isEqualTo(Double.doubleToRawLongBits(-0.0));
            assertThat(Double.doubleToRawLongBits(nanny[5])).isEqualTo(0L);
            TensorEntry scalar = find(a, "scalar");
            assertThat(scalar.shape()).isEmpty();
            assertThat(values(scalar)).containsExactly(3.5);
            TensorEntry empty = find(a, "empty");
            assertThat(empty.shape()).containsExactly(0, 4);
            assertThat(empty.data().byteSize()).isZero();
            TensorEntry f16 = find(a, "f16");
            assertThat(f16.dtype()).isEqualTo(DType.FLOAT16);
            assertThat(f16.shape()).containsExactly(64, 64);
            assertThat(values(f16)[0]).isCloseTo(-0.6465, org.assertj.core.data.Offset.offset(1e-3));
            assertThat(values(find(a, "i64"))).startsWith(3, -5, -4, 4, 2, 4);
            assertThat(values(find(a, "u8"))).startsWith(113, 151, 99, 234, 236, 82);
            assertThat(find(a, "bool").dtype()).isEqualTo(DType.BOOL);
            assertThat(values(find(a, "bool"))).startsWith(1, 1, 1, 0, 1, 1);
            assertThat(find(a, "u8").shape()).containsExactly(3, 5, 5);
        }
    }

    @Test
    void fortranNpyReadsInCOrder() throws IOException {
        try (Archive a = Archives.open(fixture("fortran.npy"))) {
            TensorEntry t = a.tensors().get(0);
            assertThat(a.format()).isEqualTo("npy");
            assertThat(t.name()).isEqualTo("fortran");
            assertThat(t.shape()).containsExactly(3, 4);
            assertThat(t.data().isRandomAccess()).isTrue();
            assertThat(values(t)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
            // Reads at odd offsets and lengths still gather the right bytes.
            byte[] all = bytes(t);
            assertThat(bytes(t, 3)).isEqualTo(all);
        }
    }

    @Test
    void bigEndianNpy() throws IOException {
        try (Archive a = Archives.open(fixture("bigendian.npy"))) {
            TensorEntry t = a.tensors().get(0);
            assertThat(t.byteOrder()).isEqualTo(ByteOrder.BIG_ENDIAN);
            assertThat(t.data().read(0, 4).order()).isEqualTo(ByteOrder.BIG_ENDIAN);
            assertThat(values(t)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cnn_ref_cpu", "tf_ref_cpu"})
    void fourFormatsGiveTheSameTensors(String base) throws IOException {
        try (Archive dir = Archives.open(fixture(base)); Archive npz = Archives.open(fixture(base + ".npz"));
                Archive st = Archives.open(fixture(base + ".safetensors")); Archive pt = Archives.open(fixture(base + ".pt"))) {
            assertThat(dir.format()).isEqualTo("npy-dir");
            List<String> names = dir.tensors().stream().map(TensorEntry::name).collect(Collectors.toList());
            assertThat(names).isNotEmpty().doesNotContainNull();
            assertThat(npz.tensors()).extracting(TensorEntry::name).containsExactlyElementsOf(names);
            List<TensorEntry> stActs = new ArrayList<>();
            for (TensorEntry e : st.tensors()) if (!e.name().contains("/")) stActs.add(e);
            assertThat(stActs).extracting(TensorEntry::name).containsExactlyElementsOf(names);
            List<TensorEntry> ptActs = new ArrayList<>();
            for (TensorEntry e : pt.tensors()) if (e.name().startsWith("activations/")) ptActs.add(e);
            assertThat(ptActs).extracting(e -> e.name().substring("activations/".length())).containsExactlyElementsOf(names);
            assertThat(pt.tensors()).anyMatch(e -> e.name().startsWith("gradients/"));
            for (int i = 0; i < names.size(); i++) {
                TensorEntry d = dir.tensors().get(i);
                assertThat(d.order()).isEqualTo(i);
                for (TensorEntry other : List.of(npz.tensors().get(i), stActs.get(i), ptActs.get(i))) {
                    assertThat(other.dtype()).as(d.name()).isEqualTo(d.dtype());
                    assertThat(other.shape()).as(d.name()).isEqualTo(d.shape());
                    assertThat(values(other)).as(d.name()).isEqualTo(values(d));
                }
            }
        }
    }

    @Test
    void directoryNamesDropTheLeadingNumber() throws IOException {
        try (Archive a = Archives.open(fixture("tf_ref_cpu"))) {
            assertThat(a.tensors().get(0).name()).isEqualTo("embed");
            assertThat(a.tensors()).extracting(TensorEntry::name).contains("layers.0.norm1", "layers.0");
        }
        try (Archive a = Archives.open(fixture("cnn_ref_cpu"))) {
            assertThat(a.tensors()).extracting(TensorEntry::name).startsWith("conv1", "bn1", "relu1");
        }
    }

    @Test
    void safetensorsMetadataAndOrder() throws IOException {
        try (Archive a = Archives.open(fixture("cnn_ref_cpu.safetensors"))) {
            assertThat(a.metadata()).containsKey("order").containsEntry("producer", "torch 2.11.0+cu130");
            assertThat(a.tensors().get(0).name()).isEqualTo("conv1");
            assertThat(a.tensors()).extracting(TensorEntry::order).containsExactlyElementsOf(
                    java.util.stream.IntStream.range(0, a.tensors().size()).boxed().collect(Collectors.toList()));
        }
    }

    @Test
    void npyVersions2And3() throws IOException {
        for (String f : List.of("v2.npy", "v3.npy")) {
            try (Archive a = Archives.open(generated(f))) {
                TensorEntry t = a.tensors().get(0);
                assertThat(t.shape()).containsExactly(3, 4);
                assertThat(values(t)).containsExactly(0, 1.5, 3, 4.5, 6, 7.5, 9, 10.5, 12, 13.5, 15, 16.5);
            }
        }
    }

    @Test
    void compressedNpzEqualsStoredNpz() throws IOException {
        try (Archive stored = Archives.open(generated("mixed.npz")); Archive deflated = Archives.open(generated("mixed_compressed.npz"))) {
            for (TensorEntry d : deflated.tensors()) {
                TensorEntry s = find(stored, d.name());
                assertThat(d.data().isRandomAccess()).isFalse();
                assertThat(s.data().isRandomAccess()).isTrue();
                assertThat(d.dtype()).isEqualTo(s.dtype());
                assertThat(d.shape()).isEqualTo(s.shape());
                assertThat(d.byteOrder()).isEqualTo(s.byteOrder());
                assertThat(bytes(d, 5)).as(d.name()).isEqualTo(bytes(s));
            }
            assertThat(values(find(stored, "b"))).containsExactly(0, 1, 2, 3, 4, 5);
            assertThat(find(stored, "b").byteOrder()).isEqualTo(ByteOrder.BIG_ENDIAN);
            assertThat(values(find(stored, "u"))).containsExactly(1, 2, 65535);
            assertThat(values(find(stored, "h"))).containsExactly(1.5, -2);
            assertThat(values(find(stored, "i8"))).containsExactly(-1, 5);
        }
    }

    @Test
    void complexBecomesATrailingPair() throws IOException {
        try (Archive a = Archives.open(generated("mixed.npz")); Archive f = Archives.open(generated("complex_fortran.npy"))) {
            TensorEntry c = find(a, "c");
            assertThat(c.dtype()).isEqualTo(DType.FLOAT32);
            assertThat(c.shape()).containsExactly(2, 3, 2);
            double[] expected = {0, 0, 1, 2, 2, 4, 3, 6, 4, 8, 5, 10};
            assertThat(values(c)).containsExactly(expected);
            assertThat(values(find(a, "cf"))).containsExactly(expected);
            assertThat(values(f.tensors().get(0))).containsExactly(expected);
        }
    }
}
