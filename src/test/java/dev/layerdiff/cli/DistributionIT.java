package dev.layerdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution as a user gets it, after {@code mvn package} (failsafe, at integration-test): the
 * tar.gz unpacked in a directory of its own, its bin/layerdiff run through a symlink on PATH from a third
 * directory, with the completion script it ships and libtorch for capture.
 */
class DistributionIT {
    @TempDir
    static Path tmp;
    static Path home;
    static Path path;
    static Path work;

    @BeforeAll
    static void unpack() throws Exception {
        String dist = System.getProperty("layerdiff.dist");
        assertThat(dist).as("failsafe passes -Dlayerdiff.dist (target/layerdiff-VERSION)").isNotNull();
        Path tar = Path.of(dist + ".tar.gz");
        assertThat(tar).as("mvn package writes the tar.gz").isRegularFile();
        Path opt = Files.createDirectories(tmp.resolve("opt"));
        Result untar = run(opt, List.of("tar", "-xzf", tar.toString()), null);
        assertThat(untar.exit).as(untar.err).isZero();
        home = opt.resolve(Path.of(dist).getFileName());
        path = Files.createDirectories(tmp.resolve("path"));
        Files.createSymbolicLink(path.resolve("layerdiff"), home.resolve("bin/layerdiff"));
        work = Files.createDirectories(tmp.resolve("work"));
    }

    @Test
    void zipHoldsTheSameLayout() throws IOException {
        Path zip = Path.of(System.getProperty("layerdiff.dist") + ".zip");
        String base = zip.getFileName().toString().replaceFirst("\\.zip$", "") + "/";
        try (ZipFile z = new ZipFile(zip.toFile())) {
            for (String entry : List.of("bin/layerdiff", "lib/classpath", "lib/layerdiff.jar", "share/bash-completion/completions/layerdiff",
                    "examples/cnn_ref_cpu.safetensors", "python/pyproject.toml", "python/README.md", "python/layerdiff/recorder.py")) {
                assertThat(z.getEntry(base + entry)).as(entry).isNotNull();
            }
        }
    }

    @Test
    void runsFromAnotherDirectoryThroughASymlinkOnPath() throws Exception {
        for (int i = 0; i < 2; i++) { // the first run also writes the class-data archive; the second maps it
            Result r = layerdiff("compare", example("cnn_ref_cpu"), example("cnn_bug_deadrelu"), "--quiet");
            assertThat(r.exit).as(r.err).isEqualTo(1);
            assertThat(r.out).startsWith("DIVERGED (bug): activations: bug introduced at conv2");
            assertThat(r.err).isEmpty();
            assertThat(home.resolve("lib/layerdiff.jsa")).isRegularFile();
        }
        Result v = layerdiff("--version");
        assertThat(v.exit).as(v.err).isZero();
        assertThat(v.out).startsWith("layerdiff ");
        // What the old launcher did through a symlink: look for a POM, and make bin/target.
        assertThat(home.resolve("bin/target")).doesNotExist();
        assertThat(path.resolve("target")).doesNotExist();
        try (Stream<Path> left = Files.list(work)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void withoutTheArchiveItRunsAlike() throws Exception {
        Result r = layerdiffWith("LAYERDIFF_CDS=off", "compare", example("cnn_ref_cpu"), example("cnn_bug_deadrelu"), "--quiet");
        assertThat(r.exit).as(r.err).isEqualTo(1);
        assertThat(r.out).startsWith("DIVERGED (bug)");
        assertThat(r.err).isEmpty();
    }

    @Test
    void completionScriptIsShippedAndBashTakesIt() throws Exception {
        Path script = home.resolve("share/bash-completion/completions/layerdiff");
        assertThat(script).isRegularFile();
        Result r = run(work, List.of("bash", "-c", "source \"$1\" && complete -p layerdiff", "bash", script.toString()), null);
        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.out).contains("_complete_layerdiff");
    }

    @Test
    void captureRunsWithTheLibtorchItShips() throws Exception {
        try (Stream<Path> jars = Files.list(home.resolve("lib"))) {
            assertThat(jars.map(p -> p.getFileName().toString()))
                    .anyMatch(n -> n.startsWith("pytorch-")).anyMatch(n -> n.startsWith("openblas-"));
        }
        Path out = tmp.resolve("captured.safetensors");
        Result r = layerdiff("capture", resource("/models/cnn.ts.pt"), "--input", resource("/models/cnn_inputs.pt"), "-o", out.toString());
        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.out).contains("13 activations");
        assertThat(out).isRegularFile();
    }

    private static String example(String name) {
        return home.resolve("examples/" + name + ".safetensors").toString();
    }

    private static String resource(String name) throws URISyntaxException {
        return Path.of(DistributionIT.class.getResource(name).toURI()).toString();
    }

    private static Result layerdiff(String... args) throws Exception {
        return layerdiffWith(null, args);
    }

    /** {@code layerdiff ARGS} as a shell finds it on PATH, from the work directory; {@code env}: NAME=VALUE or null. */
    private static Result layerdiffWith(String env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", "layerdiff \"$@\"", "layerdiff"));
        cmd.addAll(List.of(args));
        return run(work, cmd, env);
    }

    private record Result(int exit, String out, String err) {}

    private static Result run(Path dir, List<String> cmd, String env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().put("PATH", path + ":" + System.getenv("PATH"));
        if (env != null) pb.environment().put(env.substring(0, env.indexOf('=')), env.substring(env.indexOf('=') + 1));
        Process p = pb.start();
        p.getOutputStream().close();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("finished").isTrue();
        // .ci/run gives every JVM its JavaCPP cache through JAVA_TOOL_OPTIONS, which the JVM announces.
        String errors = err.join().lines().filter(l -> !l.startsWith("Picked up JAVA_TOOL_OPTIONS"))
                .collect(Collectors.joining("\n"));
        return new Result(p.exitValue(), out, errors);
    }
}
