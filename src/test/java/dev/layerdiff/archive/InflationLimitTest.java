package dev.layerdiff.archive;

import static dev.layerdiff.archive.TestFiles.members;
import static dev.layerdiff.archive.TestFiles.npy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.layerdiff.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A deflated .npz member may inflate only within a limit (default: 1 GiB + 256 x compressed), which --max-inflated sets. */
class InflationLimitTest {
    @TempDir
    Path tmp;

    /** 2 MiB of float32 zeros, deflated to about 2 KB. */
    private Path zeros() throws IOException {
        return TestFiles.zip(tmp.resolve("zeros.npz"), members("z.npy", npy("<f4", "(524288,)", new byte[2 << 20])), true);
    }

    @Test
    void aFixedLimitRefusesAMemberThatInflatesBeyondIt() throws IOException {
        Path p = zeros();
        assertThatThrownBy(() -> Archives.open(p, new ReadLimits(1L << 20)).close()).isInstanceOf(ArchiveException.class)
                .hasMessageStartingWith(p + "!z.npy: inflates to 2097280 bytes from ")
                .hasMessageContaining("over the --max-inflated limit of 1048576 bytes; raise it with --max-inflated SIZE");
        try (Archive a = Archives.open(p)) {
            assertThat(TestFiles.values(a.tensors().get(0))).hasSize(524288).containsOnly(0);
        }
    }

    @Test
    void theLimitReachesAnNpzInsideADirectory() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("dump"));
        Files.move(zeros(), dir.resolve("001_zeros.npz"));
        assertThatThrownBy(() -> Archives.open(dir, new ReadLimits(1L << 20)).close()).isInstanceOf(ArchiveException.class)
                .hasMessageContaining("001_zeros.npz!z.npy: inflates to 2097280 bytes");
        try (Archive a = Archives.open(dir)) {
            assertThat(a.tensors()).hasSize(1);
        }
    }

    @Test
    void byDefaultAMemberDeclaringGigabytesFromAFewBytesIsRefused() throws IOException {
        Path p = declaring(0xF000_0000L);
        assertThatThrownBy(() -> Archives.open(p).close()).isInstanceOf(ArchiveException.class)
                .hasMessageContaining("inflates to 4026531840 bytes from ")
                .hasMessageContaining("over the default limit of ").hasMessageContaining("(1 GiB + 256 x compressed size)");
        // Raised, the limit lets the member through to the next check, which finds its size a lie.
        assertThatThrownBy(() -> Archives.open(p, new ReadLimits(8L << 30)).close()).isInstanceOf(ArchiveException.class)
                .hasMessageContaining("declares 4026531840 uncompressed bytes but its .npy header describes");
    }

    @Test
    void theDefaultLimitScalesWithTheCompressedSize() {
        assertThat(ReadLimits.DEFAULTS.inflatedLimit(0)).isEqualTo(1L << 30);
        assertThat(ReadLimits.DEFAULTS.inflatedLimit(9_700_000)).isEqualTo((1L << 30) + 256 * 9_700_000L).isLessThan(10_000_000_000L);
        assertThat(ReadLimits.DEFAULTS.inflatedLimit(Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
        assertThat(new ReadLimits(5L).inflatedLimit(1 << 30)).isEqualTo(5);
    }

    @Test
    void everyReadingCommandTakesTheOption() throws IOException {
        String p = zeros().toString();
        for (String[] args : new String[][] {{"ls", p}, {"stats", p}, {"compare", p, p}}) {
            assertThat(run(args)[0]).as(args[0]).isEqualTo("0");
            String[] refused = run(append(args, "--max-inflated", "1M"));
            assertThat(refused[0]).as(args[0]).isEqualTo("2");
            assertThat(refused[1].strip().lines()).as(args[0]).hasSize(1).allMatch(l -> l.contains("--max-inflated"));
            assertThat(run(append(args, "--max-inflated", "3MiB"))[0]).as(args[0]).isEqualTo("0");
            assertThat(run(append(args, "--max-inflated", "lots"))[0]).as(args[0]).isEqualTo("2");
            assertThat(run(args[0], "--help")[1]).as(args[0]).contains("--max-inflated=SIZE");
        }
    }

    /** One deflated member whose central directory claims {@code size} uncompressed bytes. */
    private Path declaring(long size) throws IOException {
        Path p = TestFiles.zip(tmp.resolve("liar.npz"), members("x.npy", npy("<f4", "(2,)", new byte[8])), true);
        byte[] b = Files.readAllBytes(p);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = b.length - 46; i >= 0; i--) {
            if (bb.getInt(i) == 0x02014b50) {
                bb.putInt(i + 24, (int) size);
                return Files.write(p, b);
            }
        }
        throw new AssertionError("no central directory entry");
    }

    private static String[] append(String[] a, String... more) {
        String[] out = java.util.Arrays.copyOf(a, a.length + more.length);
        System.arraycopy(more, 0, out, a.length, more.length);
        return out;
    }

    /** {exit code, stderr + stdout}. */
    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new String[] {Integer.toString(exit), err + "" + (exit == 2 ? "" : out)};
    }
}
