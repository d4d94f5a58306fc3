package dev.layerdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.layerdiff.Fixtures;
import dev.layerdiff.diagnosis.Finding;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code layerdiff check} end to end: the lines, the summary, exit codes, JSON and one-line errors. */
class CheckCliTest {
    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {
        String lastLine() { return out.strip().lines().reduce((a, b) -> b).orElse(""); }
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int exit = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    static String archive(String name) { return Fixtures.resource("/diagnosis/" + name + ".safetensors").toString(); }

    @Test
    void aHealthyRunExitsZeroWithOnlyTheSummary() {
        Run r = run("check", archive("s_deepmlp_healthy"), "--device", "cpu");
        assertThat(r.exit()).isZero();
        assertThat(r.out().strip().lines()).hasSize(1);
        assertThat(r.lastLine()).startsWith("OK: no finding in 52 tensors of ").endsWith("s_deepmlp_healthy.safetensors");
    }

    @Test
    void findingsExitOneOneLineEach() {
        Run r = run("check", archive("cnn2_deadrelu"), "--device", "cpu");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).containsPattern("(?m)^dead_units +relu2 +3 of 16 indices of dim 1 \\(1, 6, 9\\) are zero");
        assertThat(r.lastLine()).startsWith("FOUND: 1 finding (dead_units) in 25 tensors of ");
    }

    @Test
    void jsonHasTheFindingsKeysWithNullWhereNoIndicesApply() throws IOException {
        Path json = Files.createDirectory(tmp.resolve("out")).resolve("check.json");
        Run r = run("check", archive("cnn2_fp16_overflow"), "--json", json.toString());
        assertThat(r.exit()).isEqualTo(1);
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertThat(root.get("archive").asText()).endsWith("cnn2_fp16_overflow.safetensors");
        JsonNode f = root.get("findings").get(0);
        for (String key : List.of("kind", "layer", "dim", "indices", "detail")) assertThat(f.has(key)).as(key).isTrue();
        assertThat(f.get("kind").asText()).isEqualTo("nonfinite_origin");
        assertThat(f.get("layer").asText()).isEqualTo("conv3");
        assertThat(f.get("dim").isNull()).isTrue();
        assertThat(f.get("indices").isNull()).isTrue();
        try (Stream<Path> files = Files.list(json.getParent())) {
            assertThat(files.count()).as("no temporary files left").isEqualTo(1);
        }

        run("check", archive("cnn2_deadrelu"), "--json", json.toString());
        JsonNode dead = new ObjectMapper().readTree(json.toFile()).get("findings").get(0);
        assertThat(dead.get("dim").asInt()).isEqualTo(1);
        assertThat(dead.get("indices").toString()).isEqualTo("[1,6,9]");
    }

    @Test
    void aHealthyRunWritesAnEmptyList() throws IOException {
        Path json = tmp.resolve("check.json");
        assertThat(run("check", archive("cnn2_ref_cpu"), "--json", json.toString()).exit()).isZero();
        assertThat(new ObjectMapper().readTree(json.toFile()).get("findings").isEmpty()).isTrue();
    }

    @Test
    void aBadFileExitsTwoWithOneLineNamingIt() throws IOException {
        Path bad = Files.write(tmp.resolve("bad.safetensors"), new byte[] {1, 2, 3});
        Run r = run("check", bad.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).startsWith("layerdiff: ").contains(bad.toString());
        assertThat(r.out()).isEmpty();

        Run missing = run("check", tmp.resolve("missing.safetensors").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err().strip()).contains("missing.safetensors").contains("no such file");
    }

    @Test
    void verboseAddsTheStackTrace() {
        Run r = run("check", tmp.resolve("missing.pt").toString(), "--verbose");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("layerdiff: ").contains("\tat dev.layerdiff.");
    }

    @Test
    void helpNamesEveryKind() {
        Run r = run("check", "--help");
        assertThat(r.exit()).isZero();
        for (Finding.Kind k : Finding.Kind.values()) assertThat(r.out()).contains(k.jsonName());
    }
}
