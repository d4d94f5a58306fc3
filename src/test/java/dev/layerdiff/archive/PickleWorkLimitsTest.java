package dev.layerdiff.archive;

import static dev.layerdiff.archive.TestFiles.f32;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.layerdiff.tensor.TensorEntry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pickles whose values are cyclic, deeply nested or DAG-shaped (a few bytes naming exponentially many
 * values): each ends in one ArchiveException naming the file, quickly, never a stack overflow or a hang.
 * The byte strings are the ones fuzzing found.
 */
class PickleWorkLimitsTest {
    @TempDir
    Path tmp;

    private static final byte[] STORAGE = f32(0, 1, 2, 3);

    private Path pt(String name, byte[] pickle) throws IOException {
        return PickleBuilder.pt(tmp.resolve(name), pickle, Map.of("0", STORAGE));
    }

    private void refused(Path pt, String problem) {
        assertThatThrownBy(() -> Archives.open(pt).close()).isInstanceOf(ArchiveException.class)
                .hasMessageStartingWith(pt.toString()).hasMessageContaining(problem);
    }

    @Test
    void listThatContainsItselfAsADictKey() throws IOException {
        refused(pt("self.pt", HexFormat.of().parseHex("80027d5d71006800614b01732e")), "unhashable");
    }

    @Test
    void twoListsThatContainEachOtherAsADictKey() throws IOException {
        refused(pt("pair.pt", HexFormat.of().parseHex("80027d5d71014b01736801 5d7102 6130 68026801 6130 2e".replace(" ", ""))),
                "unhashable");
    }

    @Test
    void hundredThousandNestedTuplesAsADictKey() throws IOException {
        PickleBuilder p = new PickleBuilder().proto().op('}').int1(0);
        for (int i = 0; i < 100_000; i++) p.op(0x85);
        p.int1(1).op('s', '.');
        refused(pt("tuples.pt", p.bytes()), "dict key");
    }

    @Test
    @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void tupleDagAsADictKeyIsRefusedWithoutHashingIt() throws IOException {
        // T0 = (0,), Ti = (Ti-1, Ti-1): 2^60 leaves in a few hundred bytes.
        PickleBuilder p = new PickleBuilder().proto().op('}').int1(0).op(0x85, 'q', 0, '0');
        for (int i = 1; i <= 60; i++) p.op('h', i - 1, 'h', i - 1, 0x86, 'q', i, '0');
        p.op('h', 60).int1(1).op('s', '.');
        refused(pt("tdag.pt", p.bytes()), "dict key");
    }

    @Test
    @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void listDagOfFortyLevelsIsRefusedQuickly() throws IOException {
        refused(pt("dag40.pt", listDag(40)), "names more than");
    }

    @Test
    @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void listDagOfTwentyTwoLevelsDoesNotListMillionsOfTensors() throws IOException {
        refused(pt("dag22.pt", listDag(22)), "names more than");
    }

    @Test
    void sharedContainersOfARealisticSizeStillRead() throws IOException {
        try (Archive a = Archives.open(pt("dag4.pt", listDag(4)))) {
            assertThat(a.tensors()).hasSize(32);
            assertThat(a.tensors().get(31).name()).isEqualTo("x/1/1/1/1/1");
        }
    }

    @Test
    void oneTensorRepeatedPastTheFileSizeIsRefused() throws IOException {
        // A stride-0 view names 2^40 elements of a 4-element storage: terabytes to compare from 16 bytes.
        PickleBuilder p = new PickleBuilder().proto().op('}').str("big")
                .tensor("FloatStorage", "0", 4, 0, new int[] {1 << 20, 1 << 20}, new int[] {0, 0}).op('s', '.');
        refused(pt("expand.pt", p.bytes()), "bytes of tensor data");
    }

    @Test
    void tupleKeysStillNameTensors() throws IOException {
        PickleBuilder p = new PickleBuilder().proto().op('}').str("a").int1(1).op(0x86)
                .tensor("FloatStorage", "0", 4, 0, new int[] {4}, new int[] {1}).op('s', '.');
        try (Archive a = Archives.open(pt("tk.pt", p.bytes()))) {
            assertThat(a.tensors()).extracting(TensorEntry::name).containsExactly("[a, 1]");
        }
    }

    @Test
    void cyclicPersistentIdIsDescribedBoundedly() throws IOException {
        // A list that holds itself, handed to BINPERSID: the error message must not print it forever.
        byte[] pickle = HexFormat.of().parseHex("80025d710068006151 2e".replace(" ", ""));
        refused(pt("pid.pt", pickle), "unsupported persistent id [[[");
    }

    @Test
    void deviceOfACyclicValueIsDescribedBoundedly() throws IOException {
        PickleBuilder p = new PickleBuilder().proto().global("torch", "device").op(']', 'q', 0, 'h', 0, 'a', 0x85, 'R', '.');
        Path pt = pt("dev.pt", p.bytes());
        assertThatThrownBy(() -> Archives.open(pt).close()).isInstanceOf(ArchiveException.class)
                .hasMessageContaining("holds no tensors");
    }

    /** {"x": L_n} where L_0 = [t, t] and L_i = [L_i-1, L_i-1]: 2^(n+1) leaves. */
    private static byte[] listDag(int levels) {
        PickleBuilder p = new PickleBuilder().proto().op('}').str("x");
        p.op(']', 'q', 0, '(').tensor("FloatStorage", "0", 4, 0, new int[] {4}, new int[] {1}).op('q', 1, 'h', 1, 'e', '0');
        for (int i = 1; i <= levels; i++) {
            int prev = i == 1 ? 0 : i + 1;
            p.op(']', 'q', i + 2, '(', 'h', prev, 'h', prev, 'e', '0');
        }
        return p.op('h', levels == 0 ? 0 : levels + 2, 's', '.').bytes();
    }
}
