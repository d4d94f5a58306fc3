package dev.layerdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.layerdiff.Fixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Python recorder (python/layerdiff) on Debian's PyTorch (/usr/bin/python3, which .ci/run installs;
 * skipped where that interpreter has no torch): what it writes, layerdiff reads and compares. A CNN
 * recorded twice is identical; a bug planted in conv2 is found there; a transformer's module called twice
 * is recorded twice; bfloat16 autocast stays bfloat16; a recording streams (its host memory grows by a
 * fraction of what it writes).
 */
class PythonRecorderTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @TempDir
    Path tmp;

    @Test
    void whatThePythonRecorderWritesIsComparedAsADump() throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(PYTHON) && run(List.of(PYTHON.toString(), "-c", "import setuptools, pip, torch")) == 0,
                "Debian's python3-torch (with pip and setuptools) is not installed (.ci/run installs it)");
        Path script = Fixtures.resource("/python/recorder_runs.py");
        // Installed as a user would, from the source tree, with no network: pip with the system's setuptools.
        Path site = tmp.resolve("site");
        int pip = run(List.of(PYTHON.toString(), "-m", "pip", "install", "--quiet", "--no-build-isolation", "--no-deps", "--no-index",
                "--target", site.toString(), Path.of("python").toAbsolutePath().toString()));
        assertThat(pip).as("pip install --no-build-isolation python/").isZero();
        assertThat(site.resolve("layerdiff/recorder.py")).isRegularFile();
        Path log = tmp.resolve("log.txt");
        ProcessBuilder pb = new ProcessBuilder(PYTHON.toString(), script.toString(), tmp.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("PYTHONPATH", site.toString());
        Process p = pb.start();
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(output).isZero();
        JsonNode measured = new ObjectMapper().readTree(output.lines().reduce((a, b) -> b).orElseThrow());

        CliTest.Run ls = CliTest.run("ls", tmp.resolve("cnn_a.safetensors").toString());
        assertThat(ls.out()).contains("conv1 ", "relu2 ", "output ", "grad/conv2 ", "param_grad/conv2.weight ");
        CliTest.Run same = CliTest.run("compare", tmp.resolve("cnn_a.safetensors").toString(), tmp.resolve("cnn_b.safetensors").toString(), "--quiet");
        assertThat(same.exit()).as(same.out() + same.err()).isZero();
        CliTest.Run bug = CliTest.run("compare", tmp.resolve("cnn_a.safetensors").toString(), tmp.resolve("cnn_bug.safetensors").toString(), "--quiet");
        assertThat(bug.exit()).isEqualTo(1);
        assertThat(bug.out()).startsWith("DIVERGED (bug): activations: bug introduced at conv2, in dim 1 index 0");

        assertThat(CliTest.run("ls", tmp.resolve("tf.safetensors").toString()).out())
                .containsPattern("(?m)^ +\\d+ +0\\.act +float32").containsPattern("(?m)^ +\\d+ +0\\.act#2 +float32")
                .containsPattern("(?m)^ +\\d+ +grad/0\\.act#2 +float32");
        assertThat(CliTest.run("ls", tmp.resolve("cnn_bf16.safetensors").toString()).out())
                .containsPattern("(?m)^ +\\d+ +conv1 +bfloat16");

        // summary=True: what `layerdiff summarize` writes of the same run, the counts and hash bit for bit.
        Path javaSummary = tmp.resolve("cnn_a.java.summary.safetensors");
        assertThat(CliTest.run("summarize", tmp.resolve("cnn_a.safetensors").toString(), "-o", javaSummary.toString()).exit()).isZero();
        try (dev.layerdiff.archive.Archive py = dev.layerdiff.archive.Archives.open(tmp.resolve("cnn_a.summary.safetensors"));
             dev.layerdiff.archive.Archive java = dev.layerdiff.archive.Archives.open(javaSummary)) {
            List<dev.layerdiff.summary.SummaryFile.Entry> fromPython = dev.layerdiff.summary.SummaryFile.read(py);
            List<dev.layerdiff.summary.SummaryFile.Entry> fromJava = dev.layerdiff.summary.SummaryFile.read(java);
            assertThat(fromPython).hasSameSizeAs(fromJava);
            for (int i = 0; i < fromJava.size(); i++) {
                var py_ = fromPython.get(i);
                var j = fromJava.get(i);
                assertThat(py_.name()).isEqualTo(j.name());
                assertThat(py_.digest().sketch().hash()).as(j.name() + " hash").isEqualTo(j.digest().sketch().hash());
                assertThat(py_.digest().histogram()).as(j.name() + " histogram").isEqualTo(j.digest().histogram());
                var ps = py_.digest().stats();
                var js = j.digest().stats();
                assertThat(new long[] {ps.count(), ps.finite(), ps.nan(), ps.posInf(), ps.negInf()})
                        .isEqualTo(new long[] {js.count(), js.finite(), js.nan(), js.posInf(), js.negInf()});
                assertThat(ps.min()).isEqualTo(js.min());
                assertThat(ps.max()).isEqualTo(js.max());
                double[] fromTorch = py_.digest().sketch().buckets(), jb = j.digest().sketch().buckets();
                assertThat(fromTorch).hasSameSizeAs(jb);
                double scale = 0;
                for (double b : jb) scale = Math.max(scale, Math.abs(b));
                for (int b = 0; b < jb.length; b++) assertThat(fromTorch[b]).as(j.name() + " bucket " + b).isCloseTo(jb[b], org.assertj.core.data.Offset.offset(1e-12 * (1 + scale)));
            }
        }
        CliTest.Run sameFromSummaries = CliTest.run("compare", tmp.resolve("cnn_a.summary.safetensors").toString(), javaSummary.toString(), "--quiet");
        assertThat(sameFromSummaries.exit()).as(sameFromSummaries.out()).isZero();

        // One file per rank, and the Spark job's manifest of the two runs' pairs, labelled with rank and step.
        List<String> manifest = Files.readAllLines(tmp.resolve("pairs.jsonl"));
        assertThat(manifest).hasSize(2);
        JsonNode first = new ObjectMapper().readTree(manifest.get(0));
        assertThat(first.get("reference").asText()).isEqualTo(tmp.resolve("ref/rank0.step7.safetensors").toAbsolutePath().toString());
        assertThat(first.get("candidate").asText()).isEqualTo(tmp.resolve("cand/rank0.step7.safetensors").toAbsolutePath().toString());
        assertThat(first.get("labels").get("rank").asInt()).isZero();
        assertThat(first.get("labels").get("step").asInt()).isEqualTo(7);
        assertThat(new ObjectMapper().readTree(manifest.get(1)).get("labels").get("rank").asInt()).isEqualTo(1);

        long recorded = measured.get("recorded").asLong(), growth = measured.get("peak_growth").asLong();
        assertThat(recorded).isGreaterThan(190L << 20);
        assertThat(growth).as("peak host memory growth while recording %d bytes", recorded).isLessThan(recorded / 4);
    }

    private static int run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor(60, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }
}
