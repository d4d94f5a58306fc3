package dev.layerdiff.archive;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.layerdiff.tensor.TensorEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes msprobe dumps as its documentation and dump code lay them out: {@code RANK/dump.json} (calls in
 * execution order, forward calls with input_args, input_kwargs and output, backward calls with input and
 * output, parameters_grad with one list per parameter, tensor leaves with their statistics and
 * data_name) and {@code RANK/dump_tensor_data/} with one {@code .pt} (torch.save of a bare tensor, as
 * msprobe's PyTorch dump writes) or {@code .npy} (its MindSpore dump) per tensor.
 */
final class MsprobeDumps {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** One dump being written. */
    static final class Dump {
        final Path dir;
        final Path tensors;
        private final String ext;
        private final ObjectNode root = NODES.objectNode();
        private final ObjectNode data;

        /** {@code ext} is {@code pt} (framework pytorch) or {@code npy} (mindspore). */
        Dump(Path dir, String ext) throws IOException {
            this.dir = Files.createDirectories(dir);
            this.tensors = Files.createDirectories(dir.resolve("dump_tensor_data"));
            this.ext = ext;
            root.put("task", "tensor").put("level", "mix").put("framework", ext.equals("pt") ? "pytorch" : "mindspore")
                    .put("dump_data_dir", tensors.toAbsolutePath().toString());
            data = root.putObject("data");
        }

        /** Adds a call; its fields are filled in by the caller, in msprobe's order. */
        ObjectNode call(String key) { return data.putObject(key); }

        /** Writes {@code values} (float32) as {@code NAME.EXT} and returns its leaf as dump.json describes it. */
        ObjectNode tensor(String name, long[] shape, byte[] littleEndianF32) throws IOException {
            String file = name + "." + ext;
            Path p = tensors.resolve(file);
            if (ext.equals("pt")) writePt(p, shape, littleEndianF32);
            else Files.write(p, TestFiles.npy("<f4", pythonTuple(shape), littleEndianF32));
            ObjectNode leaf = NODES.objectNode();
            leaf.put("type", ext.equals("pt") ? "torch.Tensor" : "mindspore.Tensor");
            leaf.put("dtype", ext.equals("pt") ? "torch.float32" : "Float32");
            ArrayNode s = leaf.putArray("shape");
            for (long d : shape) s.add(d);
            leaf.put("Max", 1.0).put("Min", -1.0).put("Mean", 0.0).put("Norm", 1.0).put("requires_grad", true);
            leaf.put("data_name", file);
            return leaf;
        }

        /** A leaf for a non-tensor argument, e.g. a stride. */
        static ObjectNode scalar(int v) { return NODES.objectNode().put("type", "int").put("value", v); }

        ObjectNode root() { return root; }

        Path write() throws IOException {
            Path json = dir.resolve("dump.json");
            Files.writeString(json, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root));
            return json;
        }
    }

    /** torch.save of one contiguous float32 tensor. */
    static Path writePt(Path p, long[] shape, byte[] littleEndianF32) throws IOException {
        int[] size = Arrays.stream(shape).mapToInt(Math::toIntExact).toArray();
        int[] stride = new int[size.length];
        int s = 1;
        for (int i = size.length - 1; i >= 0; i--) {
            stride[i] = s;
            s *= size[i];
        }
        byte[] pickle = new PickleBuilder().proto().tensor("FloatStorage", "0", littleEndianF32.length / 4, 0, size, stride).op('.').bytes();
        return PickleBuilder.pt(p, pickle, Map.of("0", littleEndianF32));
    }

    static String pythonTuple(long[] shape) {
        if (shape.length == 1) return "(" + shape[0] + ",)";
        return Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", ", "(", ")"));
    }

    /** torch.nn classes of the example CNN's layers, as msprobe names modules: Module.NAME.CLASS.forward.0. */
    private static final Map<String, String> CNN_CLASSES = new LinkedHashMap<>(Map.of("conv", "Conv2d", "bn", "BatchNorm2d",
            "relu", "ReLU", "pool", "AdaptiveAvgPool2d", "flatten", "Flatten", "fc", "Linear", "output", "LogSoftmax"));

    /**
     * The L0 (module-level) dump msprobe would write of the run in {@code archive}, a sequential CNN with
     * activations {@code NAME} and gradients {@code grad/NAME}: each module's input is the previous
     * module's output, the gradient reaching a module's output is its backward input, and backward calls
     * are recorded from the output back, as the backward pass runs them.
     */
    static Dump fromSequentialRun(Path archive, Path dir, String ext) throws IOException {
        Dump d = new Dump(dir, ext);
        try (Archive a = Archives.open(archive)) {
            List<TensorEntry> acts = a.tensors().stream().filter(t -> !t.name().contains("/")).toList();
            Map<String, TensorEntry> grads = a.tensors().stream().filter(t -> t.name().startsWith("grad/"))
                    .collect(Collectors.toMap(t -> t.name().substring(5), t -> t));
            for (int i = 0; i < acts.size(); i++) {
                String m = module(acts.get(i).name()) + ".forward.0";
                ObjectNode call = d.call(m);
                ArrayNode in = call.putArray("input_args");
                if (i == 0) in.addNull();
                else in.add(d.tensor(m + ".input.0", acts.get(i - 1).shape(), TestFiles.bytes(acts.get(i - 1))));
                call.putObject("input_kwargs");
                call.putArray("output").add(d.tensor(m + ".output.0", acts.get(i).shape(), TestFiles.bytes(acts.get(i))));
            }
            for (int i = acts.size() - 1; i >= 0; i--) {
                String m = module(acts.get(i).name()) + ".backward.0";
                TensorEntry gradOut = grads.get(acts.get(i).name());
                TensorEntry gradIn = i == 0 ? null : grads.get(acts.get(i - 1).name());
                if (gradOut == null && gradIn == null) continue;
                ObjectNode call = d.call(m);
                ArrayNode in = call.putArray("input");
                if (gradOut == null) in.addNull();
                else in.add(d.tensor(m + ".input.0", gradOut.shape(), TestFiles.bytes(gradOut)));
                ArrayNode out = call.putArray("output");
                if (gradIn == null) out.addNull();
                else out.add(d.tensor(m + ".output.0", gradIn.shape(), TestFiles.bytes(gradIn)));
            }
        }
        d.write();
        return d;
    }

    private static String module(String layer) {
        String kind = layer.replaceAll("[0-9]+$", "");
        return "Module." + layer + "." + CNN_CLASSES.getOrDefault(kind, "Module");
    }
}
