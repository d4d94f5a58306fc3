package dev.layerdiff.archive;

import static dev.layerdiff.archive.TestFiles.find;
import static dev.layerdiff.archive.TestFiles.generated;
import static dev.layerdiff.archive.TestFiles.values;
import static org.assertj.core.api.Assertions.assertThat;

import dev.layerdiff.cli.CliTest;
import dev.layerdiff.tensor.TensorEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Valid numpy files that were refused (issue 27), as numpy writes them (tools/make_numpy_fixtures.py):
 * a Fortran-order member of a compressed .npz (any transposed array saved with savez_compressed), and
 * an .npz with a string or object member beside its numbers.
 */
class NumpyFilesTest {

    @Test
    void aFortranOrderMemberOfACompressedNpzReadsAsItsStoredTwin() throws IOException {
        try (Archive deflated = Archives.open(generated("fortran_compressed.npz"));
             Archive stored = Archives.open(generated("fortran_stored.npz"))) {
            for (TensorEntry d : deflated.tensors()) {
                TensorEntry s = find(stored, d.name());
                assertThat(d.shape()).as(d.name()).containsExactly(s.shape());
                assertThat(TestFiles.bytes(d)).as(d.name()).isEqualTo(TestFiles.bytes(s));
            }
            // t = (arange(12) * 1.5).reshape(3, 4).T, in C order.
            assertThat(values(find(deflated, "t"))).containsExactly(0, 6, 12, 1.5, 7.5, 13.5, 3, 9, 15, 4.5, 10.5, 16.5);
        }
        // The inflated copy is unlinked as soon as it is mapped: nothing is left in the temporary directory.
        try (Stream<Path> left = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("layerdiff-npz-"));
        }
    }

    @Test
    void stringAndObjectMembersAreSetAsideNamedAndSkippable() throws IOException {
        String npz = generated("object_member.npz").toString();
        try (Archive a = Archives.open(generated("object_member.npz"))) {
            assertThat(a.tensors()).extracting(TensorEntry::name).containsExactly("w");
            assertThat(a.uncomparable()).containsOnlyKeys("names", "meta");
            assertThat(a.uncomparable().get("names")).isEqualTo("string arrays (dtype '<U1') cannot be compared");
        }
        CliTest.Run ls = CliTest.run("ls", npz);
        assertThat(ls.exit()).isZero();
        assertThat(ls.out()).containsPattern("(?m)^ +- +names +not compared: string arrays \\(dtype '<U1'\\) cannot be compared$")
                .contains("npz, 1 tensors and 2 member(s) that cannot be compared");
        CliTest.Run refused = CliTest.run("compare", npz, npz);
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.err().strip()).isEqualTo("layerdiff: " + npz + ": member names: string arrays (dtype '<U1') cannot be"
                + " compared; leave it out with --skip 'names' to compare the rest");
        CliTest.Run skipped = CliTest.run("compare", npz, npz, "--skip", "names", "--skip", "meta", "--quiet");
        assertThat(skipped.exit()).as(skipped.err()).isZero();
        assertThat(skipped.out()).startsWith("OK: all 1 layers");
    }
}
