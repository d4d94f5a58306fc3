package dev.layerdiff.archive;

import static dev.layerdiff.archive.TestFiles.f32;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.layerdiff.Fixtures;
import dev.layerdiff.archive.MsprobeDumps.Dump;
import dev.layerdiff.compare.CompareOptions;
import dev.layerdiff.compare.Group;
import dev.layerdiff.compare.LayerDiff;
import dev.layerdiff.compare.LayerReport;
import dev.layerdiff.compare.Report;
import dev.layerdiff.engine.CpuBackend;
import dev.layerdiff.tensor.TensorEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** msprobe dumps: dump.json's order, backward calls in the gradient group, inputs and outputs apart. */
class MsprobeDumpTest {
    @TempDir
    Path tmp;

    /**
     * An L1 (API-level) dump of conv2d then relu, their backward calls (relu's first, as autograd runs
     * them) and the parameter gradient of the module around them.
     */
    static Dump apiDump(Path dir, String ext, float reluScale) throws IOException {
        Dump d = new Dump(dir, ext);
        ObjectNode conv = d.call("Functional.conv2d.0.forward");
        conv.putArray("input_args").add(d.tensor("Functional.conv2d.0.forward.input.0", new long[] {1, 4}, f32(1, 2, 3, 4)))
                .add(d.tensor("Functional.conv2d.0.forward.input.1", new long[] {2, 2}, f32(0.5f, -1, 2, 0)))
                .addNull()
                .add(d.root().arrayNode().add(Dump.scalar(1)).add(Dump.scalar(1)));
        conv.putObject("input_kwargs").set("bias", d.tensor("Functional.conv2d.0.forward.input.bias", new long[] {2}, f32(0, 1)));
        conv.putArray("output").add(d.tensor("Functional.conv2d.0.forward.output.0", new long[] {1, 4}, f32(-1, 2, -3, 4)));
        ObjectNode relu = d.call("Functional.relu.0.forward");
        relu.putArray("input_args").add(d.tensor("Functional.relu.0.forward.input.0", new long[] {1, 4}, f32(-1, 2, -3, 4)));
        relu.putObject("input_kwargs");
        relu.putArray("output").add(d.tensor("Functional.relu.0.forward.output.0", new long[] {1, 4}, f32(0, 2 * reluScale, 0, 4)));
        ObjectNode reluBack = d.call("Functional.relu.0.backward");
        reluBack.putArray("input").add(d.tensor("Functional.relu.0.backward.input.0", new long[] {1, 4}, f32(1, 1, 1, 1)));
        reluBack.putArray("output").add(d.tensor("Functional.relu.0.backward.output.0", new long[] {1, 4}, f32(0, reluScale, 0, 1)));
        ObjectNode convBack = d.call("Functional.conv2d.0.backward");
        convBack.putArray("input").add(d.tensor("Functional.conv2d.0.backward.input.0", new long[] {1, 4}, f32(0, 1, 0, 1)));
        convBack.putArray("output").add(d.tensor("Functional.conv2d.0.backward.output.0", new long[] {1, 4}, f32(1, 0, 1, 0)))
                .add(d.tensor("Functional.conv2d.0.backward.output.1", new long[] {2, 2}, f32(0, 1, 1, 0)))
                .addNull();
        d.call("Module.block.Block.parameters_grad.0").putArray("weight")
                .add(d.tensor("Module.block.Block.parameters_grad.0.weight", new long[] {2, 2}, f32(3, 3, 3, 3)));
        d.write();
        return d;
    }

    private static final List<String> FORWARD = List.of("Functional.conv2d.0.forward.input.0", "Functional.conv2d.0.forward.input.1",
            "Functional.conv2d.0.forward.input.bias", "Functional.conv2d.0.forward.output.0", "Functional.relu.0.forward.input.0",
            "Functional.relu.0.forward.output.0");
    /** The backward tensors in dump.json's order, which is the backward pass's. */
    private static final List<String> BACKWARD = List.of("grad/Functional.relu.0.backward.input.0", "grad/Functional.relu.0.backward.output.0",
            "grad/Functional.conv2d.0.backward.input.0", "grad/Functional.conv2d.0.backward.output.0",
            "grad/Functional.conv2d.0.backward.output.1");

    @Test
    void tensorsAreNamedAfterTheirFilesInForwardOrderWithGradientsInTheirGroups() throws IOException {
        for (String ext : new String[] {"pt", "npy"}) {
            Dump d = apiDump(tmp.resolve(ext), ext, 1);
            try (Archive a = Archives.open(d.dir)) {
                assertThat(a.format()).isEqualTo("msprobe");
                assertThat(a.metadata()).containsEntry("framework", ext.equals("pt") ? "pytorch" : "mindspore").containsEntry("task", "tensor");
                List<String> names = a.tensors().stream().map(TensorEntry::name).toList();
                assertThat(names.subList(0, FORWARD.size())).containsExactlyElementsOf(FORWARD);
                assertThat(names.subList(FORWARD.size(), names.size())).as("gradients in forward order: the reverse of dump.json's")
                        .containsExactly("param_grad/Module.block.Block.parameters_grad.0.weight", BACKWARD.get(4), BACKWARD.get(3),
                                BACKWARD.get(2), BACKWARD.get(1), BACKWARD.get(0));
                for (TensorEntry e : a.tensors()) {
                    assertThat(e.order()).isEqualTo(names.indexOf(e.name()));
                    Group expected = e.name().startsWith("grad/") ? Group.GRADIENTS
                            : e.name().startsWith("param_grad/") ? Group.PARAM_GRADS : Group.ACTIVATIONS;
                    assertThat(Group.of(e.name())).as(e.name()).isEqualTo(expected);
                }
                assertThat(TestFiles.values(TestFiles.find(a, "Functional.conv2d.0.forward.input.1"))).containsExactly(0.5, -1, 2, 0);
                assertThat(TestFiles.find(a, "Functional.conv2d.0.forward.input.1").shape()).containsExactly(2, 2);
                assertThat(TestFiles.values(TestFiles.find(a, "grad/Functional.conv2d.0.backward.output.0"))).containsExactly(1, 0, 1, 0);
            }
        }
    }

    @Test
    void theGradientWalkRunsAsTheBackwardPassDid() throws IOException {
        Dump ref = apiDump(tmp.resolve("ref"), "npy", 1);
        Dump cand = apiDump(tmp.resolve("cand"), "npy", 1.5f);
        Report r = compare(ref.dir, cand.dir);
        assertThat(r.walk(Group.GRADIENTS)).extracting(LayerReport::name).containsExactlyElementsOf(BACKWARD);
        assertThat(r.walk(Group.ACTIVATIONS)).extracting(LayerReport::name).containsExactlyElementsOf(FORWARD);
        assertThat(r.walk(Group.PARAM_GRADS)).extracting(LayerReport::name).containsExactly("param_grad/Module.block.Block.parameters_grad.0.weight");
        assertThat(r.firstDivergence().get(Group.ACTIVATIONS).name()).isEqualTo("Functional.relu.0.forward.output.0");
        assertThat(r.firstDivergence().get(Group.GRADIENTS).name()).isEqualTo("grad/Functional.relu.0.backward.output.0");
    }

    /** The CNN's real activations and gradients as msprobe's module-level dump: the walk follows dump.json. */
    @Test
    void aModuleLevelDumpOfARealRunFindsThePlantedBug() throws IOException {
        Dump ref = MsprobeDumps.fromSequentialRun(Fixtures.path("cnn_ref_cpu.safetensors"), tmp.resolve("ref/step0/rank0"), "pt");
        Dump bug = MsprobeDumps.fromSequentialRun(Fixtures.path("cnn_bug_deadrelu.safetensors"), tmp.resolve("bug/step0/rank0"), "pt");
        Report r = compare(tmp.resolve("ref"), tmp.resolve("bug"));
        assertThat(r.firstDivergence().get(Group.ACTIVATIONS).name()).isEqualTo("Module.conv2.Conv2d.forward.0.output.0");
        List<String> walk = r.walk(Group.GRADIENTS).stream().map(LayerReport::name).toList();
        assertThat(walk.get(0)).isEqualTo("grad/Module.output.LogSoftmax.backward.0.output.0");
        assertThat(walk).containsSubsequence("grad/Module.fc.Linear.backward.0.input.0", "grad/Module.flatten.Flatten.backward.0.input.0",
                "grad/Module.conv2.Conv2d.backward.0.input.0", "grad/Module.conv1.Conv2d.backward.0.input.0");
        assertThat(r.walk(Group.ACTIVATIONS)).hasSize(25);
        assertThat(ref.dir).isNotEqualTo(bug.dir);
    }

    static Report compare(Path ref, Path cand) throws IOException {
        try (Archive r = Archives.open(ref); Archive c = Archives.open(cand)) {
            return new LayerDiff(new CpuBackend()).compare(r, c, CompareOptions.defaults());
        }
    }

    @Test
    void theDumpJsonItsDirectoryOrAStepWithOneRankOpenTheSameDump() throws IOException {
        Dump d = apiDump(tmp.resolve("dump_path/step0/rank0"), "npy", 1);
        for (Path p : new Path[] {d.dir, d.dir.resolve("dump.json"), tmp.resolve("dump_path/step0"), tmp.resolve("dump_path")}) {
            try (Archive a = Archives.open(p)) {
                assertThat(a.format()).as(p.toString()).isEqualTo("msprobe");
                assertThat(a.tensors()).as(p.toString()).hasSize(12);
            }
        }
        apiDump(tmp.resolve("dump_path/step0/rank1"), "npy", 1);
        assertThatThrownBy(() -> Archives.open(tmp.resolve("dump_path/step0"))).isInstanceOf(ArchiveException.class)
                .hasMessage(tmp.resolve("dump_path/step0") + ": holds 2 msprobe dumps (rank0/dump.json, rank1/dump.json): name one of them, e.g. "
                        + tmp.resolve("dump_path/step0/rank0"));
    }

    /** Before this format, the files of dump_tensor_data were read as a plain directory: sorted by name, all activations. */
    /** What msprobe writes that holds no comparable tensors is named for what it is (issue 27). */
    @Test
    void aDebugLevelDumpAndAPklSummaryAreRefusedForWhatTheyAre() throws IOException {
        Path rank = Files.createDirectories(tmp.resolve("debug/step0/rank0"));
        Files.writeString(rank.resolve("debug.json"), "{\"task\": \"tensor\", \"level\": \"debug\", \"dump_data_dir\": null, \"data\": {}}");
        for (Path p : List.of(tmp.resolve("debug"), rank, rank.resolve("debug.json"))) {
            assertThatThrownBy(() -> Archives.open(p)).as(p.toString()).isInstanceOf(ArchiveException.class)
                    .hasMessageStartingWith(p + ": an msprobe dump at level \"debug\" (debug.json)")
                    .hasMessageContaining("\"task\": \"tensor\" (dump.json beside dump_tensor_data)");
        }
        Path pkl = Files.writeString(tmp.resolve("dump.pkl"),
                "[\"Torch_conv2d_0_forward_input.0\", 1, [], \"torch.float32\", [2, 3], [1.0, -1.0, 0.1]]\n");
        assertThatThrownBy(() -> Archives.open(pkl)).isInstanceOf(ArchiveException.class)
                .hasMessageStartingWith(pkl + ": an msprobe (ptdbg) .pkl summary");
    }

    @Test
    void dumpTensorDataAloneIsStillAPlainDirectory() throws IOException {
        Dump d = apiDump(tmp.resolve("rank0"), "npy", 1);
        try (Archive a = Archives.open(d.tensors)) {
            assertThat(a.format()).isEqualTo("npy-dir");
        }
        Files.createDirectory(tmp.resolve("plain"));
        Files.write(tmp.resolve("plain/000_a.npy"), TestFiles.npy("<f4", "(1,)", f32(1)));
        try (Archive a = Archives.open(tmp.resolve("plain"))) {
            assertThat(a.format()).isEqualTo("npy-dir");
        }
    }
}
