package dev.layerdiff.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.layerdiff.Fixtures;
import dev.layerdiff.compare.CompareOptions;
import dev.layerdiff.compare.Report;
import dev.layerdiff.engine.CpuBackend;
import dev.layerdiff.pipeline.Comparison;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The report's layout: a line per top-level field and per layer, every layer's object whole on its line. */
class JsonLayoutTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyLayerIsOneLineThatParsesOnItsOwn() throws IOException {
        try (CpuBackend cpu = new CpuBackend();
             Comparison c = Comparison.open(Fixtures.path("cnn_ref_cpu.safetensors"), Fixtures.path("cnn_bug_deadrelu.safetensors"),
                     CompareOptions.builder().build(), cpu)) {
            Report report = c.report();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            JsonReport.write(report, c.diagnose(), out);
            String text = out.toString(StandardCharsets.UTF_8);
            JsonNode tree = JSON.readTree(text);
            assertThat(tree.get("layers")).hasSize(report.layers().size());

            List<String> lines = text.lines().toList();
            List<String> layerLines = lines.stream().filter(l -> l.startsWith("    {\"name\":")).toList();
            assertThat(layerLines).hasSize(report.layers().size());
            for (int i = 0; i < layerLines.size(); i++) {
                String line = layerLines.get(i).strip();
                JsonNode layer = JSON.readTree(line.endsWith(",") ? line.substring(0, line.length() - 1) : line);
                assertThat(layer).isEqualTo(tree.get("layers").get(i));
            }
            assertThat(lines).contains("  \"verdict\": \"diverged\",", "  \"layers\": [", "  ]", "}");
            assertThat(lines.stream().filter(l -> l.startsWith("    \"")).toList()).as("the summary's and diagnosis' entries")
                    .contains("    \"diverged\": 22,").anyMatch(l -> l.startsWith("    \"activations\": {\"verdict\":\"bug\""));
        }
    }
}
