package dev.layerdiff.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job in local mode: every pair's report is the one {@code layerdiff compare --json} writes. */
class CompareJobTest {
    private static SparkSession spark;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        spark = SparkSessions.local();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void eightRanksEachReportEqualsTheLocalEngine() throws IOException {
        String deflated = Fixtures.deflatedCopy("cnn_bug_trainmode.npz", tmp.resolve("cnn_bug_trainmode_deflated.npz")).toString();
        String[][] pairs = {
                {Fixtures.abs("cnn_ref_cpu.safetensors"), Fixtures.abs("cnn_ref_cpu.safetensors")},
                {Fixtures.abs("cnn_ref_cpu.safetensors"), Fixtures.abs("cnn_bug_deadrelu.safetensors")},
                {Fixtures.abs("cnn_ref_cpu.npz"), deflated},
                {Fixtures.abs("tf_ref_cpu.pt"), Fixtures.abs("tf_bug_tokenizer.pt")},
                {Fixtures.abs("cnn_ref_cpu"), Fixtures.abs("cnn_bug_trainmode.npz")},
                {Fixtures.abs("cnn_ref_cpu.safetensors"), Fixtures.abs("cnn_gpu_fp16.safetensors")},
                {Fixtures.abs("tf_ref_cpu.safetensors"), Fixtures.abs("tf_bug_lneps.safetensors")},
                {Fixtures.abs("tf_ref_cpu.safetensors"), Fixtures.abs("tf_gpu_bf16.safetensors")},
        };
        List<String> lines = new ArrayList<>();
        for (int rank = 0; rank < pairs.length; rank++) {
            lines.add(Fixtures.entry(pairs[rank][0], pairs[rank][1], Map.of("rank", rank, "step", 100, "host", "node" + rank / 4)));
        }
        Path out = tmp.resolve("out");
        SparkSessions.Run run = SparkSessions.run(spark, "--manifest", Fixtures.manifest(tmp.resolve("ranks.jsonl"), lines).toString(),
                "--out", out.toString());

        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        JsonNode summary = Fixtures.readJson(out.resolve("summary.json")).get("pairs");
        assertThat(summary).hasSize(8);
        long layers = 0;
        for (int rank = 0; rank < pairs.length; rank++) {
            JsonNode local = LocalEngine.report(pairs[rank][0], pairs[rank][1]);
            JsonNode entry = summary.get(rank);
            assertThat(entry.get("labels").get("rank").asInt()).isEqualTo(rank);
            assertThat(entry.get("error").isNull()).as(entry.toString()).isTrue();
            assertThat(entry.get("verdict")).isEqualTo(local.get("verdict"));
            assertThat(entry.get("first_divergence")).isEqualTo(local.get("first_divergence"));
            for (String group : List.of("activations", "gradients", "param_grads")) {
                JsonNode verdict = local.get("diagnosis").get(group);
                assertThat(entry.get("diagnosis").get(group).asText(null))
                        .isEqualTo(verdict.isNull() ? null : verdict.get("verdict").asText());
            }
            Reports.assertSameReport(Fixtures.readJson(out.resolve(entry.get("report").asText())), local);
            layers += local.get("layers").size();
        }
        assertThat(summary.get(0).get("verdict").asText()).isEqualTo("ok");
        assertThat(summary.get(1).get("diagnosis").get("activations").asText()).isEqualTo("bug");
        assertThat(summary.get(5).get("diagnosis").get("activations").asText()).isEqualTo("noise");

        Dataset<Row> table = spark.read().parquet(out.resolve("layers.parquet").toString());
        assertThat(table.count()).isEqualTo(layers);
        assertThat(table.schema().apply("rank").dataType()).isEqualTo(DataTypes.LongType);
        assertThat(table.schema().apply("host").dataType()).isEqualTo(DataTypes.StringType);
        table.createOrReplaceTempView("layers");
        List<Row> firsts = spark.sql("SELECT rank, layer FROM layers WHERE first_divergence AND `group` = 'activations' "
                + "ORDER BY rank").collectAsList();
        List<String> expected = new ArrayList<>();
        for (int rank = 0; rank < pairs.length; rank++) {
            JsonNode first = summary.get(rank).get("first_divergence").get("activations");
            if (!first.isNull()) expected.add(rank + " " + first.asText());
        }
        assertThat(firsts.stream().map(r -> r.getLong(0) + " " + r.getString(1)).toList()).isEqualTo(expected);
        Row conv2 = spark.sql("SELECT max_abs, mismatched, role, introduced FROM layers WHERE rank = 1 AND layer = 'conv2'").first();
        JsonNode localConv2 = layer(LocalEngine.report(pairs[1][0], pairs[1][1]), "conv2");
        assertThat(conv2.getDouble(0)).isEqualTo(localConv2.get("max_abs").asDouble());
        assertThat(conv2.getLong(1)).isEqualTo(localConv2.get("mismatched").asLong());
        assertThat(conv2.getString(2)).isEqualTo(localConv2.get("role").asText());
    }

    @Test
    void aBadArchiveFailsOnlyItsOwnPair() throws IOException {
        String truncated = Fixtures.truncatedCopy("cnn_bug_deadrelu.safetensors", 5000, tmp.resolve("truncated.safetensors")).toString();
        String missing = tmp.resolve("missing.safetensors").toString();
        String ref = Fixtures.abs("cnn_ref_cpu.safetensors");
        Path manifest = Fixtures.manifest(tmp.resolve("m.jsonl"), List.of(
                Fixtures.entry(ref, Fixtures.abs("cnn_bug_deadrelu.safetensors"), Map.of("rank", 0)),
                Fixtures.entry(ref, truncated, Map.of("rank", 1)),
                Fixtures.entry(missing, ref, Map.of("rank", 2))));
        Path out = tmp.resolve("out");
        SparkSessions.Run run = SparkSessions.run(spark, "--manifest", manifest.toString(), "--out", out.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        JsonNode pairs = Fixtures.readJson(out.resolve("summary.json")).get("pairs");
        assertThat(pairs.get(0).get("error").isNull()).isTrue();
        Reports.assertSameReport(Fixtures.readJson(out.resolve(pairs.get(0).get("report").asText())),
                LocalEngine.report(ref, Fixtures.abs("cnn_bug_deadrelu.safetensors")));
        String bad = pairs.get(1).get("error").asText();
        assertThat(bad).startsWith(truncated + ": ").doesNotContain("\n");
        assertThat(pairs.get(1).get("verdict").asText()).isEqualTo("error");
        assertThat(pairs.get(1).get("report").isNull()).isTrue();
        assertThat(pairs.get(2).get("error").asText()).isEqualTo(missing + ": no such file or directory");
        assertThat(run.out()).contains(bad);
        assertThat(spark.read().parquet(out.resolve("layers.parquet").toString()).select("rank").distinct().count()).isEqualTo(1);
    }

    @Test
    void aLargeTensorIsSplitAcrossTasksAndMergedAsTheCpuBackendMergesItsChunks() throws IOException {
        String[] big = BigDumps.pair(tmp);
        Path manifest = Fixtures.manifest(tmp.resolve("big.jsonl"), List.of(Fixtures.entry(big[0], big[1], Map.of("rank", 0))));
        Path out = tmp.resolve("out");
        SparkSessions.Run run = SparkSessions.run(spark, "--manifest", manifest.toString(), "--out", out.toString(),
                "--task-bytes", "16m");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        // 40 MB of the big layer in 16 MB chunk pairs: one unit per chunk; the two small layers share one.
        assertThat(run.job().lastComparison().units()).isEqualTo(4);
        JsonNode local = LocalEngine.report(big[0], big[1]);
        assertThat(layer(local, "big").get("max_abs_index").asLong()).isEqualTo(BigDumps.TIE_FIRST);
        JsonNode pair = Fixtures.readJson(out.resolve("summary.json")).get("pairs").get(0);
        Reports.assertSameReport(Fixtures.readJson(out.resolve(pair.get("report").asText())), local);
    }

    @Test
    void twoRootsArePairedByRelativePath() throws IOException {
        Path refs = tmp.resolve("ref"), cands = tmp.resolve("cand");
        copy("cnn_ref_cpu.safetensors", refs.resolve("rank0/dump.safetensors"));
        copy("cnn_bug_deadrelu.safetensors", cands.resolve("rank0/dump.safetensors"));
        copy("cnn_ref_cpu.safetensors", refs.resolve("rank1/dump.safetensors"));
        for (String f : List.of("000_conv1.npy", "001_bn1.npy")) {
            copy("cnn_ref_cpu/" + f, refs.resolve("rank2/layers/" + f));
            copy("cnn_ref_cpu/" + f, cands.resolve("rank2/layers/" + f));
        }
        Path out = tmp.resolve("out");
        SparkSessions.Run run = SparkSessions.run(spark, "--reference-root", refs.toString(), "--candidate-root",
                cands.toString(), "--out", out.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        JsonNode pairs = Fixtures.readJson(out.resolve("summary.json")).get("pairs");
        assertThat(pairs).hasSize(3);
        assertThat(pairs.get(0).get("labels").get("path").asText()).isEqualTo("rank0/dump.safetensors");
        assertThat(pairs.get(0).get("first_divergence").get("activations").asText()).isEqualTo("conv2");
        assertThat(pairs.get(1).get("error").asText()).isEqualTo(cands.resolve("rank1/dump.safetensors") + ": no such file or directory");
        assertThat(pairs.get(2).get("labels").get("path").asText()).isEqualTo("rank2/layers");
        assertThat(pairs.get(2).get("verdict").asText()).isEqualTo("ok");
    }

    @Test
    void aFailedReadIsRetriedBySparkAndOneThatKeepsFailingFailsOnlyItsPair() throws IOException {
        FlakyFileSystem.reset();
        Path broken = copy("cnn_ref_cpu.safetensors", tmp.resolve("broken.safetensors"));
        String ref = Fixtures.abs("cnn_ref_cpu.safetensors"), cand = Fixtures.abs("cnn_bug_deadrelu.safetensors");
        String flakyRef = FlakyFileSystem.SCHEME + ":" + ref, flakyBroken = FlakyFileSystem.SCHEME + ":" + broken;
        Path manifest = Fixtures.manifest(tmp.resolve("flaky.jsonl"), List.of(
                Fixtures.entry(flakyRef, cand, Map.of("rank", 0)),
                Fixtures.entry(flakyBroken, cand, Map.of("rank", 1))));
        AtomicInteger failedTasks = new AtomicInteger();
        SparkListener listener = new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                if (!end.taskInfo().successful()) failedTasks.incrementAndGet();
            }
        };
        spark.sparkContext().addSparkListener(listener);
        Path out = tmp.resolve("out");
        SparkSessions.Run run;
        try {
            run = SparkSessions.run(spark, "--manifest", manifest.toString(), "--out", out.toString());
        } finally {
            spark.sparkContext().removeSparkListener(listener);
        }

        assertThat(run.exitCode()).isEqualTo(2);
        // Each pair's first attempt failed; the second one of pair 0 read its copy, pair 1 gave up with its error.
        assertThat(failedTasks.get()).isEqualTo(2);
        JsonNode pairs = Fixtures.readJson(out.resolve("summary.json")).get("pairs");
        ObjectNode local = (ObjectNode) LocalEngine.report(ref, cand);
        local.put("reference", flakyRef);
        // The health of each side is named as the report names the side.
        if (local.at("/diagnosis/health/reference") instanceof ObjectNode h) h.put("archive", flakyRef);
        Reports.assertSameReport(Fixtures.readJson(out.resolve(pairs.get(0).get("report").asText())), local);
        assertThat(pairs.get(1).get("error").asText()).contains("injected").contains(broken.toString());
    }

    private static JsonNode layer(JsonNode report, String name) {
        for (JsonNode l : report.get("layers")) if (l.get("name").asText().equals(name)) return l;
        throw new AssertionError("no layer " + name);
    }

    private static Path copy(String fixture, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        return Files.copy(Fixtures.path(fixture), target);
    }
}
