package dev.layerdiff.diagnosis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.layerdiff.Fixtures;
import dev.layerdiff.archive.Archive;
import dev.layerdiff.archive.Archives;
import dev.layerdiff.engine.CpuBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every single-run archive of the diagnosis fixtures ({@code health} in truth.json) gets each of its
 * expected findings, and nothing else; the healthy ones none.
 */
class HealthFixturesTest {

    static Health check(String archive) throws IOException {
        try (Archive a = Archives.open(Fixtures.resource("/diagnosis/" + archive + ".safetensors"))) {
            return HealthCheck.check(a.path().toString(), a.tensors(), new CpuBackend());
        }
    }

    static Stream<Arguments> cases() throws IOException {
        JsonNode health = new ObjectMapper().readTree(Fixtures.resource("/diagnosis/truth.json").toFile()).get("health");
        List<Arguments> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = health.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.add(Arguments.of(e.getKey(), e.getValue().get("findings")));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachArchiveGetsItsFindingsAndNoOther(String archive, JsonNode expected) throws IOException {
        Health h = check(archive);
        List<Finding> unmatched = new ArrayList<>(h.findings());
        for (JsonNode want : expected) {
            Finding hit = h.findings().stream().filter(f -> matches(f, want)).findFirst().orElse(null);
            assertThat(hit).as("%s: %s in %s", archive, want, h.findings()).isNotNull();
            unmatched.remove(hit);
        }
        assertThat(unmatched).as(archive + ": findings beyond the expected").isEmpty();
        assertThat(h.exitCode()).isEqualTo(expected.isEmpty() ? 0 : 1);
    }

    @Test
    void closingAfterTheSecondPassUnmapsTheFile(@TempDir Path tmp) throws IOException {
        Path maps = Path.of("/proc/self/maps");
        assumeTrue(Files.isReadable(maps), "needs /proc/self/maps");
        Path copy = Files.copy(Fixtures.resource("/diagnosis/cnn2_deadrelu.safetensors"), tmp.resolve("dead.safetensors"));
        try (Archive a = Archives.open(copy)) {
            assertThat(HealthCheck.check(a.path().toString(), a.tensors(), new CpuBackend()).findings()).isNotEmpty();
            assertThat(Files.readString(maps)).contains(copy.toRealPath().toString());
        }
        assertThat(Files.readString(maps)).doesNotContain(copy.toRealPath().toString());
    }

    private static boolean matches(Finding f, JsonNode want) {
        if (!f.kind().jsonName().equals(want.get("kind").asText())) return false;
        if (want.has("layer") && !f.layer().equals(want.get("layer").asText())) return false;
        if (want.has("dim") && (f.dim() == null || f.dim() != want.get("dim").asInt())) return false;
        if (want.has("indices")) {
            List<Integer> indices = new ArrayList<>();
            want.get("indices").forEach(i -> indices.add(i.asInt()));
            if (!indices.equals(f.indices())) return false;
        }
        return true;
    }
}
