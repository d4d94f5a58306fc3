package dev.layerdiff.archive;

import static dev.layerdiff.archive.TestFiles.f32;
import static dev.layerdiff.archive.TestFiles.npy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.layerdiff.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bytes from a file reach the terminal escaped: a NUL or a newline in a header or a tensor name never
 * splits a message into lines nor makes it binary.
 */
class ControlCharactersCliTest {
    @TempDir
    Path tmp;

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void nulInAnNpyHeaderKeyIsEscaped() throws IOException {
        Path p = TestFiles.write(tmp.resolve("nul.npy"),
                npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x\0y': 1, }", f32(1, 2)));
        Run r = run("ls", p.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).doesNotContain("\0").contains("x\\x00y");
        assertThat(r.err().strip().lines()).hasSize(1);
    }

    @Test
    void newlineInABadTensorNameCannotPoseAsASecondMessage() throws IOException {
        Path p = TestFiles.safetensors(tmp.resolve("nl.safetensors"),
                "{\"a\\nlayerdiff: other.safetensors: fine\":{\"dtype\":\"F7\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]);
        Run r = run("compare", p.toString(), p.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).startsWith("layerdiff: " + p).contains("tensor a\\nlayerdiff: other.safetensors: fine");
    }

    @Test
    void tensorNamesWithControlCharactersPrintOnOneLineEach() throws IOException {
        Path p = TestFiles.safetensors(tmp.resolve("names.safetensors"),
                "{\"x\\ny\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                        + "\"bell\\u0007\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", f32(1, 2));
        Run ls = run("ls", p.toString());
        assertThat(ls.exit()).isZero();
        assertThat(ls.out().lines()).hasSize(3).anyMatch(l -> l.contains("x\\ny")).anyMatch(l -> l.contains("bell\\x07"));
        Run cmp = run("compare", p.toString(), p.toString());
        assertThat(cmp.exit()).isZero();
        assertThat(cmp.out()).doesNotContain("\u0007").contains("x\\ny");
        assertThat(cmp.out().lines().filter(l -> l.startsWith("y "))).isEmpty();
        Run stats = run("stats", p.toString());
        assertThat(stats.out()).doesNotContain("\u0007").contains("bell\\x07");
    }
}
