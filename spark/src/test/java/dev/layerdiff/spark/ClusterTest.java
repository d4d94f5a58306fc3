package dev.layerdiff.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on a real cluster: a standalone Master and Worker on 127.0.0.1 and two executor JVMs, each
 * task's results travelling between processes as they would between machines, a split layer's chunks
 * compared on both executors and merged on the driver.
 */
class ClusterTest {
    @TempDir
    Path tmp;

    @Test
    void twoExecutorProcessesGiveTheLocalEnginesReports() throws Exception {
        String[][] pairs = {
                {Fixtures.abs("cnn_ref_cpu.safetensors"), Fixtures.abs("cnn_bug_deadrelu.safetensors")},
                {Fixtures.abs("cnn_ref_cpu"), Fixtures.abs("cnn_bug_trainmode.npz")},
                {Fixtures.abs("tf_ref_cpu.pt"), Fixtures.abs("tf_bug_tokenizer.pt")},
                {Fixtures.abs("tf_ref_cpu.safetensors"), Fixtures.abs("tf_gpu_bf16.safetensors")},
                BigDumps.pair(tmp),
        };
        List<String> lines = new ArrayList<>();
        for (int rank = 0; rank < pairs.length; rank++) lines.add(Fixtures.entry(pairs[rank][0], pairs[rank][1], Map.of("rank", rank)));
        Path manifest = Fixtures.manifest(tmp.resolve("m.jsonl"), lines);
        Path out = tmp.resolve("out");

        try (StandaloneCluster cluster = StandaloneCluster.start(tmp.resolve("spark-home"), 2, "2g")) {
            SparkSession spark = SparkSession.builder().appName("layerdiff-cluster-test").master(cluster.masterUrl)
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.executor.cores", "1")
                    .config("spark.executor.memory", "512m")
                    .config("spark.cores.max", "2")
                    .config("spark.executor.extraClassPath", StandaloneCluster.classPath())
                    .config("spark.ui.enabled", "false")
                    // Start only once both executors are up, so that the tasks spread over two processes.
                    .config("spark.scheduler.minRegisteredResourcesRatio", "1.0")
                    .config("spark.scheduler.maxRegisteredResourcesWaitingTime", "120s")
                    .getOrCreate();
            Set<String> executors = ConcurrentHashMap.newKeySet();
            spark.sparkContext().addSparkListener(new SparkListener() {
                @Override
                public void onTaskEnd(SparkListenerTaskEnd end) {
                    executors.add(end.taskInfo().executorId());
                }
            });
            SparkSessions.Run run;
            try {
                run = SparkSessions.run(spark, "--manifest", manifest.toString(), "--out", out.toString(), "--task-bytes", "16m");
            } finally {
                spark.stop();
            }

            assertThat(run.exitCode()).as(run.err() + "\n" + cluster.log("worker")).isEqualTo(1);
            assertThat(run.job().lastComparison().units()).isEqualTo(4);
            assertThat(executors).as("executors that ran tasks").hasSize(2).doesNotContain("driver");
        }
        JsonNode summary = Fixtures.readJson(out.resolve("summary.json")).get("pairs");
        for (int rank = 0; rank < pairs.length; rank++) {
            JsonNode entry = summary.get(rank);
            assertThat(entry.get("error").isNull()).as(entry.toString()).isTrue();
            Reports.assertSameReport(Fixtures.readJson(out.resolve(entry.get("report").asText())),
                    LocalEngine.report(pairs[rank][0], pairs[rank][1]));
        }
    }
}
