package dev.layerdiff.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the manifest, typing labels, and the command line's refusals, before any Spark runs. */
class InputsTest {
    @TempDir
    Path tmp;

    @Test
    void relativePathsAreRelativeToTheManifestAndLabelsKeepTheirJsonTypes() throws IOException {
        Path m = Fixtures.manifest(tmp.resolve("m.jsonl"), List.of(
                "{\"reference\": \"ref/r0.safetensors\", \"candidate\": \"/abs/c0.safetensors\", \"labels\": {\"rank\": 0, \"lr\": 1e-3, \"tag\": \"a\"}}",
                "",
                "{\"reference\": \"hdfs://nn/r1.pt\", \"candidate\": \"c1.pt\", \"labels\": {\"rank\": 1, \"lr\": 2, \"tag\": 7}}"));
        List<ArchivePair> pairs = Manifest.read(m.toString(), new Configuration());
        assertThat(pairs).hasSize(2);
        assertThat(pairs.get(0).input().reference()).isEqualTo(tmp + "/ref/r0.safetensors");
        assertThat(pairs.get(0).input().candidate()).isEqualTo("/abs/c0.safetensors");
        assertThat(pairs.get(1).input().reference()).isEqualTo("hdfs://nn/r1.pt");
        assertThat(pairs.get(1).input().index()).isEqualTo(1);

        var schema = new LayersTable(pairs).schema();
        assertThat(schema.apply("rank").dataType()).isEqualTo(DataTypes.LongType);
        assertThat(schema.apply("lr").dataType()).isEqualTo(DataTypes.DoubleType);
        assertThat(schema.apply("tag").dataType()).isEqualTo(DataTypes.StringType);
        assertThat(schema.fieldNames()).startsWith("pair", "rank", "lr", "tag", "reference", "candidate", "layer");
    }

    @Test
    void aBadLineIsNamedByFileAndNumber() throws IOException {
        Path m = Fixtures.manifest(tmp.resolve("bad.jsonl"), List.of(
                "{\"reference\": \"a\", \"candidate\": \"b\"}",
                "{\"reference\": \"a\"}"));
        assertThatThrownBy(() -> Manifest.read(m.toString(), new Configuration()))
                .hasMessage(m + ":2: 'candidate' must be a non-empty path");
        Files.write(m, List.of("{\"reference\": \"a\", \"candidate\": \"b\", \"label\": {}}"));
        assertThatThrownBy(() -> Manifest.read(m.toString(), new Configuration()))
                .hasMessageStartingWith(m + ":1: unknown key 'label'");
        Files.write(m, List.of("not json"));
        assertThatThrownBy(() -> Manifest.read(m.toString(), new Configuration())).hasMessageStartingWith(m + ":1: not JSON");
    }

    @Test
    void aLabelNamedLikeAColumnIsRefused() {
        ArchivePair p = new ArchivePair(new PairInput(0, "r", "c"), Map.of("status", Fixtures.JSON.getNodeFactory().textNode("x")));
        assertThatThrownBy(() -> new LayersTable(List.of(p))).hasMessageContaining("label 'status'");
    }

    @Test
    void badOptionsExitWithTwoBeforeSparkStarts() {
        StringWriter err = new StringWriter();
        int code = CompareJob.execute(null, new CompareJob(), new String[] {"--manifest", "m", "--out", "o", "--tol", "bad"},
                new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("layerdiff-spark: --tol 'bad': expected GLOB=RTOL,ATOL" + System.lineSeparator());

        err = new StringWriter();
        code = CompareJob.execute(null, new CompareJob(), new String[] {"--manifest", "m", "--out", "o", "--task-bytes", "12x"},
                new PrintWriter(new StringWriter()), new PrintWriter(err));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("'12x' is not a positive byte count");
    }

    @Test
    void taskBytesTakeBinarySuffixes() {
        CompareJob.ByteSize size = new CompareJob.ByteSize();
        assertThat(size.convert("512m")).isEqualTo(512L << 20);
        assertThat(size.convert("2G")).isEqualTo(2L << 30);
        assertThat(size.convert("4096")).isEqualTo(4096L);
    }

    @Test
    void attemptsFollowTheMaster() {
        SparkConf conf = new SparkConf(false);
        assertThat(CompareJob.attempts("local[2]", conf)).isEqualTo(1);
        assertThat(CompareJob.attempts("local", conf)).isEqualTo(1);
        assertThat(CompareJob.attempts("local[*, 3]", conf)).isEqualTo(3);
        assertThat(CompareJob.attempts("yarn", conf)).isEqualTo(4);
        assertThat(CompareJob.attempts("spark://h:7077", conf.set("spark.task.maxFailures", "6"))).isEqualTo(6);
    }
}
