package dev.layerdiff.archive;

import dev.layerdiff.tensor.TensorEntry;

import static dev.layerdiff.archive.TestFiles.f32;
import static dev.layerdiff.archive.TestFiles.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** torch.save zips built by hand: views, nesting, and pickles that try to do harm. */
class TorchPickleTest {
    @TempDir
    Path tmp;

    private static final byte[] STORAGE = f32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);

    @Test
    void nonContiguousTensorReadsInCOrder() throws IOException {
        // t = arange(12).reshape(3, 4).t()[1:]: size (3, 3), stride (1, 4), offset 1.
        PickleBuilder p = new PickleBuilder().proto().op('}').op('(')
                .str("t").tensor("FloatStorage", "0", 12, 1, new int[] {3, 3}, new int[] {1, 4})
                .str("whole").tensor("FloatStorage", "0", 12, 0, new int[] {3, 4}, new int[] {4, 1})
                .op('u', '.');
        try (Archive a = Archives.open(PickleBuilder.pt(tmp.resolve("v.pt"), p.bytes(), Map.of("0", STORAGE)))) {
            TensorEntry t = TestFiles.find(a, "t");
            assertThat(t.shape()).containsExactly(3, 3);
            assertThat(values(t)).containsExactly(1, 5, 9, 2, 6, 10, 3, 7, 11);
            assertThat(TestFiles.bytes(t, 3)).isEqualTo(TestFiles.bytes(t));
            assertThat(values(TestFiles.find(a, "whole"))).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        }
    }

    @Test
    void nestedContainersFlattenWithSlashesAndSkipNonTensors() throws IOException {
        PickleBuilder p = new PickleBuilder().proto().op('}').op('(')
                .str("acts").op('}').op('(').str("a").tensor("FloatStorage", "0", 12, 0, new int[] {2}, new int[] {1}).op('u')
                .str("list").op(']').op('(').tensor("FloatStorage", "0", 12, 2, new int[] {1}, new int[] {1}).int1(7).op('N')
                .str("text").op('e')
                .str("step").int1(3)
                .op('u', '.');
        try (Archive a = Archives.open(PickleBuilder.pt(tmp.resolve("n.pt"), p.bytes(), Map.of("0", STORAGE)))) {
            assertThat(a.tensors()).extracting(TensorEntry::name).containsExactly("acts/a", "list/0");
            assertThat(values(a.tensors().get(1))).containsExactly(2);
        }
    }

    @Test
    void osSystemIsRefusedAndNeverRun() throws IOException {
        Path marker = tmp.resolve("pwned");
        for (String[] g : new String[][] {{"os", "system"}, {"posix", "system"}, {"builtins", "eval"}, {"subprocess", "call"}}) {
            PickleBuilder p = new PickleBuilder().proto().global(g[0], g[1]).op('(').str("touch " + marker).op('t', 'R', '.');
            Path pt = PickleBuilder.pt(tmp.resolve(g[0] + ".pt"), p.bytes(), Map.of());
            assertThatThrownBy(() -> Archives.open(pt)).isInstanceOf(ArchiveException.class)
                    .hasMessageContaining(pt.toString())
                    .hasMessageContaining("pickle refers to global " + g[0] + "." + g[1]
                            + ", which a tensor dump never needs; refusing to load");
        }
        assertThat(marker).doesNotExist();
    }

    @Test
    void stackGlobalIsCheckedToo() throws IOException {
        PickleBuilder p = new PickleBuilder().proto().str("os").str("system").op(0x93).op('(').str("x").op('t', 'R', '.');
        Path pt = PickleBuilder.pt(tmp.resolve("sg.pt"), p.bytes(), Map.of());
        assertThatThrownBy(() -> Archives.open(pt)).hasMessageContaining("global os.system");
    }

    @Test
    void deeplyNestedPickleIsRefused() throws IOException {
        PickleBuilder marks = new PickleBuilder().proto();
        for (int i = 0; i < 100_000; i++) marks.op('(');
        Path pt = PickleBuilder.pt(tmp.resolve("marks.pt"), marks.bytes(), Map.of());
        assertThatThrownBy(() -> Archives.open(pt)).isInstanceOf(ArchiveException.class).hasMessageContaining("nests deeper");

        PickleBuilder lists = new PickleBuilder().proto();
        for (int i = 0; i < 100_000; i++) lists.op(']');
        for (int i = 1; i < 100_000; i++) lists.op('a');
        lists.op('.');
        Path pt2 = PickleBuilder.pt(tmp.resolve("lists.pt"), lists.bytes(), Map.of());
        assertThatThrownBy(() -> Archives.open(pt2)).isInstanceOf(ArchiveException.class).hasMessageContaining("nest deeper");
    }

    @Test
    void truncatedPickleIsAnError() throws IOException {
        byte[] full = new PickleBuilder().proto().op('}').str("a").tensor("FloatStorage", "0", 12, 0, new int[] {2}, new int[] {1})
                .op('s', '.').bytes();
        for (int cut : new int[] {1, 5, full.length / 2, full.length - 1}) {
            byte[] part = java.util.Arrays.copyOf(full, cut);
            Path pt = PickleBuilder.pt(tmp.resolve("cut" + cut + ".pt"), part, Map.of("0", STORAGE));
            assertThatThrownBy(() -> Archives.open(pt)).isInstanceOf(ArchiveException.class)
                    .hasMessageContaining(pt.toString()).hasMessageMatching(".*(truncated|malformed).*");
        }
    }

    @Test
    void hugeStringLengthIsCheckedBeforeAllocating() throws IOException {
        byte[] p = new PickleBuilder().proto().op('X', 0xff, 0xff, 0xff, 0x7f).bytes();
        Path pt = PickleBuilder.pt(tmp.resolve("s.pt"), p, Map.of());
        assertThatThrownBy(() -> Archives.open(pt)).hasMessageContaining("runs past the end of the pickle");
    }

    @Test
    void viewPastItsStorageIsRefused() throws IOException {
        PickleBuilder p = new PickleBuilder().proto().op('}').str("t").tensor("FloatStorage", "0", 12, 4, new int[] {3, 4}, new int[] {4, 1}).op('s', '.');
        Path pt = PickleBuilder.pt(tmp.resolve("o.pt"), p.bytes(), Map.of("0", STORAGE));
        assertThatThrownBy(() -> Archives.open(pt)).isInstanceOf(ArchiveException.class)
                .hasMessageContaining("tensor t: view").hasMessageContaining("of storage archive/data/0 of 48 bytes");
    }

    @Test
    void missingStorageIsNamed() throws IOException {
        PickleBuilder p = new PickleBuilder().proto().op('}').str("t").tensor("FloatStorage", "9", 12, 0, new int[] {2}, new int[] {1}).op('s', '.');
        Path pt = PickleBuilder.pt(tmp.resolve("m.pt"), p.bytes(), Map.of("0", STORAGE));
        assertThatThrownBy(() -> Archives.open(pt)).hasMessageContaining("storage member archive/data/9 is missing");
    }

    @Test
    void aPlainPickleIsRefusedForWhatItIs() throws IOException {
        // pickle.dumps([1, 2]) at protocol 2: no torch.save magic number.
        Path plain = TestFiles.write(tmp.resolve("list.pt"), new byte[] {(byte) 0x80, 2, ']', 'q', 0, '(', 'K', 1, 'K', 2, 'e', '.'});
        assertThatThrownBy(() -> Archives.open(plain)).isInstanceOf(ArchiveException.class)
                .hasMessage(plain + ": a bare pickle without torch.save's magic number: a plain Python pickle (pickle.dump), whose"
                        + " objects are code to run, which layerdiff never does; save the tensors with torch.save, safetensors or numpy");
    }

    @Test
    void directoryOfPtFiles() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("dump"));
        byte[] one = new PickleBuilder().proto().tensor("FloatStorage", "0", 12, 0, new int[] {3}, new int[] {1}).op('.').bytes();
        PickleBuilder.pt(dir.resolve("2-fc.pt"), one, Map.of("0", STORAGE));
        PickleBuilder.pt(dir.resolve("10_out.pt"), one, Map.of("0", STORAGE));
        byte[] dict = new PickleBuilder().proto().op('}').str("w").tensor("FloatStorage", "0", 12, 0, new int[] {2}, new int[] {1}).op('s', '.').bytes();
        PickleBuilder.pt(dir.resolve("1.conv.pt"), dict, Map.of("0", STORAGE));
        try (Archive a = Archives.open(dir)) {
            assertThat(a.format()).isEqualTo("pt-dir");
            assertThat(a.tensors()).extracting(TensorEntry::name).containsExactly("conv/w", "fc", "out");
            assertThat(a.tensors()).extracting(TensorEntry::order).containsExactly(0, 1, 2);
            assertThat(values(a.tensors().get(1))).containsExactly(0, 1, 2);
        }
    }
}
