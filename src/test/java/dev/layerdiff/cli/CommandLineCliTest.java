package dev.layerdiff.cli;

import static dev.layerdiff.cli.CliTest.fixture;
import static dev.layerdiff.cli.CliTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.layerdiff.cli.CliTest.Run;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What daily use of the command line meets: quiet stderr, outputs, the table's columns, colour, names of options. */
class CommandLineCliTest {
    @TempDir
    Path tmp;

    private static Run runOn(Terminal terminal, String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int exit = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true), terminal);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void stderrIsQuietOnSuccessAndVerboseSaysTheBackend() {
        String ref = fixture("cnn_ref_cpu.safetensors");
        for (String[] args : List.of(new String[] {"compare", ref, ref}, new String[] {"compare", ref, ref, "--quiet"},
                new String[] {"stats", ref}, new String[] {"ls", ref})) {
            Run r = run(args);
            assertThat(r.exit()).isZero();
            assertThat(r.err()).as(String.join(" ", args)).isEmpty();
        }
        Run missing = run("compare", tmp.resolve("missing.pt").toString(), ref);
        assertThat(missing.err().strip().lines()).containsExactly("layerdiff: " + tmp.resolve("missing.pt") + ": no such file or directory");

        for (String command : List.of("compare", "stats", "check")) {
            Run verbose = command.equals("compare") ? run(command, ref, ref, "--verbose", "--quiet") : run(command, ref, "--verbose");
            assertThat(verbose.err()).as(command).containsPattern("(?m)^layerdiff: using the (cpu-[a-z]+|cuda) backend");
        }
        assertThat(run("doctor").out()).containsPattern("(?m)^device: +auto -> ");
    }

    @Test
    void writtenFilesTakeTheModeTheUmaskLeaves() throws IOException {
        Path json = tmp.resolve("r.json");
        Path images = tmp.resolve("img");
        run("compare", fixture("cnn_ref_cpu.safetensors"), fixture("cnn_bug_deadrelu.safetensors"), "--json", json.toString(),
                "--images", images.toString(), "--quiet");
        Set<PosixFilePermission> umasked = Files.getPosixFilePermissions(Files.createFile(tmp.resolve("plain")));
        assertThat(umasked).as("the JVM's umask lets a new file be read by its group").contains(PosixFilePermission.GROUP_READ);
        assertThat(Files.getPosixFilePermissions(json)).isEqualTo(umasked);
        assertThat(Files.getPosixFilePermissions(images.resolve("0003_conv2.png"))).isEqualTo(umasked);
    }

    @Test
    void jsonDashWritesTheReportToStdoutAndTheTableToStderr() throws IOException {
        String ref = fixture("cnn_ref_cpu.safetensors");
        Run r = run("compare", ref, fixture("cnn_bug_deadrelu.safetensors"), "--json", "-");
        assertThat(r.exit()).isEqualTo(1);
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertThat(root.get("first_divergence").get("activations").asText()).isEqualTo("conv2");
        assertThat(r.err()).containsPattern("(?m)^conv2 +diverged ").contains("DIVERGED (bug)");
        assertThat(Files.exists(Path.of("-"))).as("no file named -").isFalse();

        Run html = run("compare", ref, fixture("cnn_bug_deadrelu.safetensors"), "--html", "-", "--quiet");
        assertThat(html.out()).startsWith("<!DOCTYPE html>").contains("conv2");
        assertThat(html.err()).startsWith("DIVERGED (bug)");
        Run both = run("compare", ref, ref, "--html", "-", "--json", "-");
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err().strip()).isEqualTo("layerdiff: --json - and --html -: only one can go to stdout");

        Run stats = run("stats", ref, "--json", "-");
        assertThat(new ObjectMapper().readTree(stats.out()).get("tensors")).hasSize(25);
        assertThat(stats.err()).startsWith("layer ");
    }

    @Test
    void outputsAreCheckedBeforeAnyWorkAndSaidInWords() throws IOException {
        String ref = fixture("cnn_ref_cpu.safetensors");
        Path missingDir = tmp.resolve("missing");
        Run json = run("compare", ref, ref, "--json", missingDir.resolve("x.json").toString());
        assertThat(json.exit()).isEqualTo(2);
        assertThat(json.err().strip()).isEqualTo("layerdiff: " + missingDir.resolve("x.json") + ": no such directory " + missingDir
                + " (--json creates no directories)");
        assertThat(json.out()).as("nothing compared").isEmpty();
        assertThat(missingDir).doesNotExist();

        Path file = Files.writeString(tmp.resolve("README.md"), "# notes\n");
        Run images = run("compare", ref, fixture("cnn_bug_deadrelu.safetensors"), "--images", file.toString());
        assertThat(images.exit()).isEqualTo(2);
        assertThat(images.err().strip()).isEqualTo("layerdiff: " + file + ": is a file, not a directory (--images takes a directory)");

        Path dir = tmp.resolve("new");
        assertThat(run("compare", ref, fixture("cnn_bug_deadrelu.safetensors"), "--images", dir.toString(), "--quiet").exit()).isEqualTo(1);
        assertThat(dir.resolve("0003_conv2.png")).as("--images creates DIR itself").exists();
        Run statsJson = run("stats", ref, "--json", missingDir.resolve("s.json").toString());
        assertThat(statsJson.err()).contains("no such directory");

        Path model = Files.createFile(tmp.resolve("m.pt"));
        for (String[] args : List.of(
                new String[] {"capture", model.toString(), "--input", model.toString(), "-o", tmp.resolve("x.npz").toString()},
                new String[] {"compare-model", model.toString(), "--input", model.toString(), ref, "-o", tmp.resolve("x.npz").toString()})) {
            Run capture = run(args);
            assertThat(capture.exit()).isEqualTo(2);
            assertThat(capture.err().strip()).as(args[0])
                    .isEqualTo("layerdiff: " + tmp.resolve("x.npz") + ": capture writes safetensors, not npz; name the output .safetensors");
        }
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left.map(p -> p.getFileName().toString())).doesNotContain("x.npz");
        }
    }

    @Test
    void theTableSaysWhereTheWorstElementIsAndWhatDiffersBetweenTheSides() throws IOException {
        float[] ref = Dumps.values(1, 24);
        float[] cand = ref.clone();
        cand[1 * 12 + 2 * 4 + 3] += 0.5f; // element [1, 2, 3]
        Path f32 = Dumps.npy(tmp.resolve("out_cpu.npy"), "<f4", ref, 2, 3, 4);
        Path f16 = Dumps.npy(tmp.resolve("out_gpu.npy"), "<f2", cand, 2, 3, 4);
        Run r = run("compare", f32.toString(), f16.toString());
        assertThat(r.out()).containsPattern("(?m)^layer .* worst at .* dtype ref\\|cand$")
                .containsPattern("(?m)^out_cpu ~ out_gpu +diverged .* \\[1,2,3\\] .* float32\\|float16  <- first divergence");

        Path flat = Dumps.npy(tmp.resolve("flat.npy"), "<f4", ref, 6, 4);
        Run shapes = run("compare", f32.toString(), flat.toString(), "--no-diagnosis");
        assertThat(shapes.out()).containsPattern("(?m)^layer .* shape ref\\|cand$")
                .containsPattern("(?m)^out_cpu ~ flat +shape_mismatch .* \\[2, 3, 4\\]\\|\\[6, 4\\]  <- first divergence");
        assertThat(run("compare", f32.toString(), f32.toString()).out()).doesNotContain("dtype ref|cand").doesNotContain("shape ref|cand");
    }

    /** A tensor named "" is legal in safetensors; ls and stats once failed on a format of width 0. */
    @Test
    void aTensorWithAnEmptyNameIsListed() throws IOException {
        // Written by hand: our own writer refuses the name.
        byte[] header = "{\"\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + header.length + 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header).putFloat(1.5f).putFloat(-2f);
        Path f = java.nio.file.Files.write(tmp.resolve("empty-name.safetensors"), b.array());
        for (String command : new String[] {"ls", "stats"}) {
            Run r = run(command, f.toString());
            assertThat(r.exit()).as(command + ": " + r.err()).isZero();
            assertThat(r.err()).as(command).isEmpty();
        }
        assertThat(run("ls", f.toString()).out()).containsPattern("(?m)^    0     float32 ");
    }

    /** A table of many layers shows where the runs part, not thousands of rows; --all shows them all. */
    @Test
    void aLongTableShowsWhereTheRunsPart() throws IOException {
        Dumps ref = new Dumps(), cand = new Dumps();
        for (int i = 0; i < 400; i++) {
            float[] v = Dumps.values(i, 8);
            ref.tensor(String.format("l%03d", i), v, 2, 4);
            float[] c = v.clone();
            if (i >= 200) c[0] += 1;  // the bug enters at l200 and every later layer inherits it
            cand.tensor(String.format("l%03d", i), c, 2, 4);
        }
        Path r = ref.write(tmp.resolve("r.safetensors")), c = cand.write(tmp.resolve("c.safetensors"));
        Run shortRun = run("compare", r.toString(), c.toString());
        assertThat(shortRun.out()).containsPattern("(?m)^l200 +diverged .*<- first divergence \\(activations\\)$")
                .containsPattern("(?m)^l198 ").containsPattern("(?m)^l202 ").doesNotContainPattern("(?m)^l100 ")
                .contains("... 198 rows not shown ...").contains("layers shown: each group's first divergence and culprit")
                .contains("DIVERGED (bug): activations: bug introduced at l200");
        Run full = run("compare", r.toString(), c.toString(), "--all");
        assertThat(full.out()).containsPattern("(?m)^l100 ").doesNotContain("rows not shown");
        assertThat(full.exit()).isEqualTo(shortRun.exit()).isEqualTo(1);
    }

    /** Two archives without a tensor compare nothing: not "OK: all 0 layers" (a CI job would pass on it). */
    @Test
    void twoEmptyArchivesAreNotOk() throws IOException {
        byte[] header = "{\"__metadata__\":{\"k\":\"v\"}}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + header.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header);
        Path a = java.nio.file.Files.write(tmp.resolve("a.safetensors"), b.array());
        Path c = java.nio.file.Files.write(tmp.resolve("c.safetensors"), b.array());
        Run r = run("compare", a.toString(), c.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("layerdiff: " + a + ": holds no tensors, nor does " + c + ": nothing to compare");
    }

    @Test
    void aShapeMismatchIsNeverCalledNoise() throws IOException {
        float[] ref = Dumps.values(1, 24);
        Path f32 = Dumps.npy(tmp.resolve("out_cpu.npy"), "<f4", ref, 2, 3, 4);
        Path flat = Dumps.npy(tmp.resolve("flat.npy"), "<f4", ref, 6, 4);
        for (String failOn : new String[] {"divergence", "bug"}) {
            Run r = run("compare", f32.toString(), flat.toString(), "--fail-on", failOn);
            assertThat(r.exit()).as(failOn).isEqualTo(1);
            assertThat(r.out()).as(failOn).doesNotContain("noise only").doesNotContain("(noise)")
                    .contains("DIVERGED (shapes differ): activations first diverge at out_cpu ~ flat (shape mismatch); ");
        }
    }

    @Test
    void colourOnlyOnATerminalThatWantsIt() {
        String[] args = {"compare", fixture("cnn_ref_cpu.safetensors"), fixture("cnn_bug_deadrelu.safetensors")};
        Run coloured = runOn(Terminal.of(Map.of("TERM", "xterm"), true, false), args);
        assertThat(coloured.out()).contains("\u001B[31mdiverged\u001B[0m", "\u001B[32mok\u001B[0m", "\u001B[1;31mintroduced\u001B[0m")
                .containsPattern("(?m)^\u001B\\[1;31mDIVERGED \\(bug\\)");
        assertThat(coloured.out().replaceAll("\u001B\\[[0-9;]*m", "")).as("the same text without the codes").isEqualTo(run(args).out());
        assertThat(runOn(Terminal.of(Map.of("NO_COLOR", "1"), true, false), args).out()).doesNotContain("\u001B");
        assertThat(runOn(Terminal.of(Map.of("TERM", "dumb"), true, false), args).out()).doesNotContain("\u001B");
        assertThat(runOn(Terminal.of(Map.of(), false, false), args).out()).as("stdout not a terminal").doesNotContain("\u001B");
        assertThat(Terminal.of(Map.of(Terminal.STDERR_TERMINAL_ENV, "1"), false, false).progress()).isTrue();
    }

    @Test
    void aProgressLineOnlyOnATerminalAndGoneWhenTheComparisonEnds() {
        String[] args = {"compare", fixture("cnn_ref_cpu.safetensors"), fixture("cnn_bug_deadrelu.safetensors"), "--quiet"};
        Run terminal = runOn(new Terminal(false, true, 0), args);
        assertThat(terminal.out()).isEqualTo(run(args).out());
        // Drawn or not (the pair may finish first), whatever was drawn is erased: the line ends clean.
        assertThat(terminal.err()).matches("(?s)(.*\r\u001B\\[K)?");
        assertThat(runOn(new Terminal(false, false, 0), args).err()).isEmpty();
    }

    @Test
    void oneNamePerMeaningOfDevice() {
        String capture = run("capture", "--help").out();
        assertThat(capture).contains("--model-device").doesNotContain("--device ");
        assertThat(run("compare-model", "--help").out()).contains("--model-device", "--device=auto|cpu|cuda");
        Path missing = tmp.resolve("missing.pt");
        Run old = run("capture", missing.toString(), "--input", missing.toString(), "--device", "cpu", "-o", tmp.resolve("o.safetensors").toString());
        assertThat(old.err()).startsWith("layerdiff: capture --device is deprecated: use --model-device\n")
                .contains("missing.pt: no such file");
    }

    @Test
    void usageErrorsNameTheCommandsHelp() {
        assertThat(run("compare", "only-one").err()).endsWith("Try 'layerdiff compare --help'.\n");
        assertThat(run("nonsense").err()).endsWith("Try 'layerdiff --help'.\n");
    }
}
