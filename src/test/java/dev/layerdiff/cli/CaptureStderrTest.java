package dev.layerdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A successful capture says nothing on stderr: JavaCPP prints its openblas version mismatch (a pin of the
 * pom) on the process's own stderr as libtorch loads, so a fresh JVM is what shows it, once.
 */
class CaptureStderrTest {
    @TempDir
    Path tmp;

    @Test
    void captureIsQuietOnStderrUnlessVerbose() throws IOException, InterruptedException {
        String[] capture = {"capture", CaptureCliTest.model("cnn.ts.pt"), "--input", CaptureCliTest.model("cnn_inputs.pt"),
                "-o", tmp.resolve("c.safetensors").toString()};
        Result quiet = runMain(capture);
        assertThat(quiet.exit).as(quiet.err).isZero();
        assertThat(quiet.err).isEmpty();
        List<String> verbose = new ArrayList<>(List.of(capture));
        verbose.add("--verbose");
        assertThat(runMain(verbose.toArray(String[]::new)).err)
                .contains("Versions of org.bytedeco:javacpp:").contains("org.bytedeco:openblas:");
    }

    private record Result(int exit, String err) {}

    private static Result runMain(String... args) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Process p = dev.layerdiff.ChildJvm.of(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), err);
    }
}
