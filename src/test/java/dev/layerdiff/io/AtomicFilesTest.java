package dev.layerdiff.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path tmp;

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void killedWhileWritingLeavesTheOldTargetAndNoTemporaryFile() throws Exception {
        Path target = Files.writeString(tmp.resolve("out.json"), "old");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = dev.layerdiff.ChildJvm.of(java, "-cp", "target/classes" + File.pathSeparator + "target/test-classes",
                SlowAtomicWrite.class.getName(), target.toString()).redirectErrorStream(true).start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(r.readLine()).isEqualTo("writing");
            assertThat(names()).hasSize(2).anyMatch(n -> n.startsWith(".out.json") && n.endsWith(".tmp"));
            // SIGTERM; Ctrl-C (SIGINT) runs the same shutdown hooks.
            p.destroy();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(names()).containsExactly("out.json");
        assertThat(Files.readString(target)).isEqualTo("old");
    }

    @Test
    void aDirectoryInTheWayIsReportedAgainstTheTarget() throws IOException {
        Path target = Files.createDirectories(tmp.resolve("report.json"));
        Files.writeString(target.resolve("keep"), "x");
        assertThatThrownBy(() -> AtomicFiles.write(target, out -> out.write('{')))
                .isInstanceOf(FileSystemException.class)
                .satisfies(e -> assertThat(((FileSystemException) e).getFile()).isEqualTo(target.toString()))
                .hasMessageNotContaining(".tmp").hasMessage(target + ": cannot write (Is a directory)");
        assertThat(names()).containsExactly("report.json");
    }

    @Test
    void aFileWhereTheDirectoryShouldBeIsReportedAgainstTheTarget() throws IOException {
        Files.writeString(tmp.resolve("images"), "not a directory");
        Path target = tmp.resolve("images/0001_conv.png");
        assertThatThrownBy(() -> AtomicFiles.write(target, out -> out.write(1)))
                .isInstanceOf(FileSystemException.class)
                .satisfies(e -> assertThat(((FileSystemException) e).getFile()).isEqualTo(target.toString()))
                .hasMessageContaining("is in the way");
    }

    @Test
    void theWritersOwnFailurePassesThroughAndLeavesNothing() throws IOException {
        Path target = Files.writeString(tmp.resolve("t.safetensors"), "old");
        BadFileException bad = new BadFileException("input.npy", "truncated");
        assertThatThrownBy(() -> AtomicFiles.write(target, out -> {
            out.write(new byte[100_000]);
            throw bad;
        })).isSameAs(bad);
        assertThat(names()).containsExactly("t.safetensors");
        assertThat(Files.readString(target)).isEqualTo("old");
    }
}
