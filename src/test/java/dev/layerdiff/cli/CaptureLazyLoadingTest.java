package dev.layerdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layerdiff.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code compare} must never load libtorch (430 MB unpacked, a second of start-up): a fresh JVM runs it
 * with {@code -verbose:class}, and no class of the PyTorch or OpenBLAS presets may appear. (JavaCPP's
 * own Loader may: it loads the native CPU kernel.) Nor may building the capture command (which a run
 * builds only when it is the command named, and help builds with all the others).
 */
class CaptureLazyLoadingTest {

    @Test
    void compareLoadsNoPyTorchClass() throws IOException, InterruptedException {
        String log = runMain("compare", Fixtures.path("cnn_ref_cpu.safetensors").toString(),
                Fixtures.path("cnn_bug_deadrelu.safetensors").toString(), "--quiet");
        assertThat(log).contains("DIVERGED");
        assertThat(log).doesNotContain("dev.layerdiff.cli.CaptureCommand"); // only the command named is built
        assertThat(log).doesNotContain("org.bytedeco.pytorch").doesNotContain("org.bytedeco.openblas");
    }

    @Test
    void buildingTheCaptureCommandsLoadsNoPyTorchClass() throws IOException, InterruptedException {
        for (String[] args : new String[][] {{"--help"}, {"capture", "--help"}, {"compare-model", "--help"}}) {
            String log = runMain(args);
            String command = args[0].equals("compare-model") ? "CompareModelCommand" : "CaptureCommand";
            assertThat(log).contains("dev.layerdiff.cli." + command, "Usage: layerdiff");
            assertThat(log).doesNotContain("org.bytedeco.pytorch").doesNotContain("org.bytedeco.openblas");
        }
    }

    private static String runMain(String... args) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new java.util.ArrayList<>(List.of(java.toString(), "-verbose:class",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        Process p = dev.layerdiff.ChildJvm.of(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return out;
    }
}
