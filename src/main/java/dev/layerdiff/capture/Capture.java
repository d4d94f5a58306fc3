package dev.layerdiff.capture;

import dev.layerdiff.Version;
import dev.layerdiff.tensor.DType;
import dev.layerdiff.archive.safetensors.SafetensorsWriter;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import org.bytedeco.pytorch.Tensor;

/**
 * Captures what a TorchScript model computes, as a layerdiff dump: the output of every submodule
 * (named by module path, as {@code named_modules()} names it) in execution order, the model's output
 * as {@code output}, and optionally the gradients of cross-entropy(output, labels) at each activation
 * ({@code grad/<module>}) and at each parameter ({@code param_grad/<name>}).
 *
 * <p>This is the only entry point to libtorch: the JavaCPP preset loads on the first call, so commands
 * that never capture never pay its start-up.
 */
public final class Capture {
    private static final Logger LOG = Logger.getLogger(Capture.class.getName());

    private Capture() {}

    /** Runs the model and writes the dump to {@code out} atomically. */
    public static CaptureResult run(CaptureOptions options, Path out) throws IOException {
        String libtorch = Libtorch.load();
        InstrumentedModule module = InstrumentedModule.load(options.model(), options.grads());
        Inputs inputs = Inputs.load(options.input(), options.labels());
        ModelRun run = ModelRun.run(module, inputs, options);

        for (Map<String, Tensor> m : List.of(run.activations, run.gradients, run.paramGradients)) {
            m.keySet().removeIf(options::skips);
        }
        List<String> order = new ArrayList<>(run.activations.keySet());
        String producer = libtorch + "; device " + options.device() + (options.float64() ? "; float64" : "") + "; java " + System.getProperty("java.version")
                + "; host " + host() + "; layerdiff " + Version.get();
        SafetensorsWriter w = new SafetensorsWriter()
                .metadata("order", new ObjectMapper().writeValueAsString(order))
                .metadata("producer", producer)
                .metadata("model", options.model().getFileName().toString());
        int skipped = add(w, run.activations) + add(w, run.gradients) + add(w, run.paramGradients);
        if (skipped > 0) LOG.warning(skipped + " tensors of dtypes a dump cannot hold (complex, quantized) were left out");
        w.write(out);
        return new CaptureResult(out, order, run.gradients.size(), run.paramGradients.size(), producer);
    }

    private static int add(SafetensorsWriter w, Map<String, Tensor> tensors) {
        int skipped = 0;
        for (var e : tensors.entrySet()) {
            Tensor t = e.getValue();
            DType dtype = TorchTensors.dtype(t.scalar_type().intern());
            if (dtype == null) {
                skipped++;
                continue;
            }
            long[] shape = new long[(int) t.dim()];
            for (int i = 0; i < shape.length; i++) shape[i] = t.size(i);
            w.add(e.getKey(), dtype, shape, ByteOrder.nativeOrder(), TorchTensors.data(t));
        }
        return skipped;
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
