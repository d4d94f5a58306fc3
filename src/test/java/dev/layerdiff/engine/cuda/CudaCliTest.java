package dev.layerdiff.engine.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.layerdiff.Fixtures;
import dev.layerdiff.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code layerdiff compare --device cuda} on the planted-bug fixtures: the same report as the CPU's. */
class CudaCliTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void gpu() {
        CudaTests.backend().close();
    }

    private static int run(String... args) {
        return Main.execute(args, new PrintWriter(new StringWriter(), true), new PrintWriter(new StringWriter(), true));
    }

    @Test
    void fixturesGiveTheCpuReport() throws IOException {
        String[][] pairs = {
            {"cnn_ref_cpu.safetensors", "cnn_bug_deadrelu.safetensors"},
            {"cnn_ref_cpu.npz", "cnn_bug_trainmode.npz"},
            {"cnn_ref_cpu.safetensors", "cnn_gpu_fp16_bug_deadrelu.safetensors"},
            {"tf_ref_cpu.pt", "tf_bug_lneps.pt"},
            {"tf_ref_cpu.safetensors", "tf_bug_gradbatch.safetensors"},
            {"tf_ref_cpu.safetensors", "tf_ref_cpu.safetensors"},
        };
        ObjectMapper json = new ObjectMapper();
        for (String[] p : pairs) {
            Path cpu = tmp.resolve("cpu.json"), cuda = tmp.resolve("cuda.json");
            String ref = Fixtures.path(p[0]).toString(), cand = Fixtures.path(p[1]).toString();
            int cpuExit = run("compare", ref, cand, "--device", "cpu", "--json", cpu.toString(), "--quiet");
            int cudaExit = run("compare", ref, cand, "--device", "cuda", "--json", cuda.toString(), "--quiet");
            assertThat(cudaExit).as(p[1]).isEqualTo(cpuExit);
            JsonNode a = json.readTree(cpu.toFile()), b = json.readTree(cuda.toFile());
            assertThat(b.get("first_divergence")).as(p[1]).isEqualTo(a.get("first_divergence"));
            for (int i = 0; i < a.get("layers").size(); i++) {
                JsonNode x = a.get("layers").get(i), y = b.get("layers").get(i);
                String what = p[1] + " " + x.get("name").asText();
                for (String exact : new String[] {"name", "status", "mismatched", "max_abs", "max_abs_index", "max_rel",
                    "nan", "inf", "histograms"}) {
                    assertThat(y.get(exact)).as(what + " " + exact).isEqualTo(x.get(exact));
                }
                assertThat(y.get("reference_stats").get("min")).as(what).isEqualTo(x.get("reference_stats").get("min"));
                assertThat(y.get("candidate_stats").get("max")).as(what).isEqualTo(x.get("candidate_stats").get("max"));
            }
        }
    }
}
