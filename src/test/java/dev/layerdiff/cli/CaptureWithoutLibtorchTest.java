package dev.layerdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layerdiff.ChildJvm;
import dev.layerdiff.Fixtures;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * libtorch and OpenBLAS are optional dependencies: a library user who only compares does not have them.
 * A JVM whose class path lacks them compares as before, and capture and compare-model say so in one line
 * (exit 2), not with a NoClassDefFoundError.
 */
class CaptureWithoutLibtorchTest {
    @TempDir
    Path tmp;

    @Test
    void captureSaysInOneLineThatLibtorchIsMissing() throws Exception {
        Result r = runWithoutTorch("capture", CaptureCliTest.model("cnn.ts.pt"), "--input", CaptureCliTest.model("cnn_inputs.pt"),
                "-o", tmp.resolve("out.safetensors").toString());
        assertThat(r.exit).as(r.err).isEqualTo(2);
        assertThat(r.err.lines()).as(r.err).hasSize(1);
        assertThat(r.err).startsWith("layerdiff: libtorch is not on the class path: capture and compare-model need org.bytedeco:pytorch");
        assertThat(r.out).isEmpty();
        assertThat(tmp.resolve("out.safetensors")).doesNotExist();
    }

    @Test
    void compareModelSaysInOneLineThatLibtorchIsMissing() throws Exception {
        Result r = runWithoutTorch("compare-model", CaptureCliTest.model("cnn.ts.pt"), "--input", CaptureCliTest.model("cnn_inputs.pt"),
                Fixtures.path("cnn_ref_cpu.safetensors").toString());
        assertThat(r.exit).as(r.err).isEqualTo(2);
        assertThat(r.err.lines()).as(r.err).hasSize(1);
        assertThat(r.err).startsWith("layerdiff: libtorch is not on the class path");
    }

    @Test
    void compareNeedsNoLibtorch() throws Exception {
        Result r = runWithoutTorch("compare", Fixtures.path("cnn_ref_cpu.safetensors").toString(),
                Fixtures.path("cnn_bug_deadrelu.safetensors").toString(), "--quiet");
        assertThat(r.exit).as(r.err).isEqualTo(1);
        assertThat(r.out).startsWith("DIVERGED (bug)");
        assertThat(r.err).isEmpty();
    }

    private record Result(int exit, String out, String err) {}

    /** Runs the command line in a JVM with this test's class path less every PyTorch and OpenBLAS jar. */
    private static Result runWithoutTorch(String... args) throws IOException, InterruptedException {
        List<String> entries = Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator));
        String classPath = entries.stream()
                .filter(e -> !e.contains("org/bytedeco/pytorch") && !e.contains("org/bytedeco/openblas"))
                .collect(Collectors.joining(File.pathSeparator));
        assertThat(classPath.split(File.pathSeparator)).as("the PyTorch and OpenBLAS jars were left out")
                .hasSizeLessThan(entries.size());
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath, Main.class.getName()));
        cmd.addAll(List.of(args));
        Process p = ChildJvm.of(cmd).start();
        p.getOutputStream().close();
        var err = new java.util.concurrent.CompletableFuture<String>();
        Thread t = new Thread(() -> {
            try {
                err.complete(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                err.completeExceptionally(e);
            }
        });
        t.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out, err.join());
    }
}
