package dev.layerdiff.cli;

import dev.layerdiff.capture.CaptureOptions;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * What to run a TorchScript model on and what to capture: the options {@code capture} and
 * {@code compare-model} share (a picocli mixin; {@code --skip} is each command's own, since
 * compare-model's also leaves the reference's tensors out). It holds only plain types, so building it at start-up
 * never loads libtorch.
 */
final class ModelFlags {

    @Option(names = "--input", required = true, paramLabel = "FILE",
            description = ".pt (a tensor, or a dict with 'input' and 'labels'), .npy, .npz or .safetensors (one tensor, or one named 'input')")
    Path input;

    @Option(names = "--labels", paramLabel = "FILE", description = "labels for --grads (default: the 'labels' tensor of the input file)")
    Path labels;

    @Option(names = "--grads", description = "also capture grad/<module>: gradients of cross-entropy(output, labels) at each activation")
    boolean grads;

    @Option(names = "--param-grads", description = "also capture param_grad/<parameter>")
    boolean paramGrads;

    @Option(names = "--dtype", paramLabel = "float64",
            description = "cast the module and its floating inputs to this dtype first (float64: a referee for compare --referee)")
    String dtype;

    /** The capture of {@code model} on {@code device} (null: the CPU), leaving out what the {@code skip} globs match. */
    CaptureOptions toOptions(Path model, String device, List<String> skip) {
        if (dtype != null && !dtype.equals("float64")) {
            throw new IllegalArgumentException("--dtype " + dtype + ": only float64 is supported (the model's own dtype is the default)");
        }
        return new CaptureOptions(model, input, labels, grads, paramGrads, device, skip, "float64".equals(dtype));
    }
}
