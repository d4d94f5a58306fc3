package dev.layerdiff.archive;

import static dev.layerdiff.archive.TestFiles.f32;
import static dev.layerdiff.archive.TestFiles.npy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.layerdiff.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code .npy} symbolic link in a dump directory that leads nowhere (dangling) or back to itself (a loop)
 * is a tensor the dump means to hold and does not: one line naming the link, exit 2, not a layer
 * silently left out (issue 13). A link to a real file is read as that file.
 */
class DirectoryLinksCliTest {
    @TempDir
    Path tmp;

    private Path dump(String name) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        TestFiles.write(dir.resolve("001_conv1.npy"), npy("<f4", "(2,)", f32(1, 2)));
        return dir;
    }

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int exit = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void aDanglingLinkIsOneLineNamingIt() throws IOException {
        Path dir = dump("dangling");
        Path link = Files.createSymbolicLink(dir.resolve("002_relu1.npy"), Path.of("gone.npy"));
        for (String command : new String[] {"compare", "ls"}) {
            Run r = command.equals("ls") ? run("ls", dir.toString()) : run("compare", dump("ref").toString(), dir.toString());
            assertThat(r.exit).as(command + ": " + r.err).isEqualTo(2);
            assertThat(r.err).isEqualTo("layerdiff: " + link + ": dangling symbolic link (to gone.npy, which does not exist)"
                    + System.lineSeparator());
        }
    }

    @Test
    void aLoopingLinkIsOneLineNamingIt() throws IOException {
        Path dir = dump("loop");
        Path a = dir.resolve("002_a.npy"), b = dir.resolve("003_b.npy");
        Files.createSymbolicLink(a, b.getFileName());
        Files.createSymbolicLink(b, a.getFileName());
        Run r = run("compare", dump("ref").toString(), dir.toString());
        assertThat(r.exit).as(r.err).isEqualTo(2);
        assertThat(r.err).isEqualTo("layerdiff: " + a + ": symbolic link loop (to 003_b.npy: too many levels of symbolic links)"
                + System.lineSeparator());
    }

    @Test
    void aLinkToATensorFileIsThatFile() throws IOException {
        Path dir = dump("linked");
        Path elsewhere = TestFiles.write(tmp.resolve("relu1.npy"), npy("<f4", "(2,)", f32(0, 2)));
        Files.createSymbolicLink(dir.resolve("002_relu1.npy"), elsewhere);
        Run r = run("ls", dir.toString());
        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.out).contains("conv1").contains("relu1");
        assertThat(r.err).isEmpty();
    }
}
