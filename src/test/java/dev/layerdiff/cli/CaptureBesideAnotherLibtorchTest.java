package dev.layerdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layerdiff.ChildJvm;
import dev.layerdiff.archive.Archive;
import dev.layerdiff.archive.Archives;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The first {@code capture} on a machine where another libtorch comes first on the library path (issue
 * 27): a fresh JVM with an empty JavaCPP cache and {@code LD_LIBRARY_PATH} naming, first, a directory of
 * impostors (libtorch_cpu.so, libc10.so, ... that are some other library, so that resolving one is an
 * error, never a silent success) and, where the machine has one, the system's own libtorch (Debian's
 * python3-torch puts libtorch 1.13 in /usr/lib/x86_64-linux-gnu, which killed the JVM in native code).
 * The bundled libraries must be the ones resolved: the capture succeeds and writes the model's tensors.
 */
class CaptureBesideAnotherLibtorchTest {
    private static final Path SYSTEM_LIBS = Path.of("/usr/lib/x86_64-linux-gnu");
    private static final String[] IMPOSTORS = {"libtorch_cpu.so", "libtorch.so", "libc10.so", "libgomp.so.1",
        "libopenblas.so.0", "libgfortran.so.5", "libquadmath.so.0"};

    @TempDir
    Path tmp;

    static Stream<Arguments> foreignLibtorch() {
        List<Arguments> cases = new ArrayList<>(List.of(Arguments.of("impostors")));
        // CI installs Debian's python3-torch; a user's machine has it or PyTorch's torch/lib.
        if (Files.exists(SYSTEM_LIBS.resolve("libtorch_cpu.so"))) cases.add(Arguments.of("system"));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("foreignLibtorch")
    void firstCaptureResolvesTheBundledLibtorch(String which) throws IOException, InterruptedException {
        String path;
        if (which.equals("impostors")) {
            Path dir = Files.createDirectories(tmp.resolve("impostors"));
            Path other = Path.of(System.getProperty("java.home"), "lib", "libjimage.so");
            for (String name : IMPOSTORS) Files.copy(other, dir.resolve(name));
            path = dir.toString();
        } else {
            path = SYSTEM_LIBS.toString();
        }
        Path cache = tmp.resolve("empty-javacpp-cache"), out = tmp.resolve("cnn.safetensors");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = List.of(java.toString(), "-Dorg.bytedeco.javacpp.cachedir=" + cache,
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "capture", CaptureCliTest.model("cnn.ts.pt"), "--input", CaptureCliTest.model("cnn_inputs.pt"),
                "-o", out.toString());
        ProcessBuilder pb = ChildJvm.of(cmd).directory(tmp.toFile()).redirectErrorStream(true);
        String before = System.getenv("LD_LIBRARY_PATH");
        pb.environment().put("LD_LIBRARY_PATH", path + (before == null || before.isEmpty() ? "" : ":" + before));
        Process p = pb.start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(log).isZero();
        assertThat(log).contains("13 activations");
        try (Archive a = Archives.open(out); Stream<Path> left = Files.list(tmp)) {
            assertThat(a.tensors()).hasSize(13);
            assertThat(left.map(f -> f.getFileName().toString())).noneMatch(n -> n.startsWith("hs_err"));
        }
    }
}
