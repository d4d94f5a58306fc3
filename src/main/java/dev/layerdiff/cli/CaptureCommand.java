package dev.layerdiff.cli;

import dev.layerdiff.capture.Capture;
import dev.layerdiff.capture.CaptureResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code layerdiff capture MODEL.pt --input X -o OUT.safetensors}: runs a TorchScript model with
 * libtorch and dumps every submodule's output (and gradients). libtorch loads inside {@link #call()}
 * only: picocli builds every subcommand at start-up, and other commands must not pay for it.
 */
@Command(name = "capture", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a TorchScript model with libtorch and write every submodule's output "
                + "(named as named_modules() names it, in execution order; the model's output as 'output') to safetensors.",
                "Exit code 0: written; 2: bad input (missing model, not TorchScript, input the model rejects, libtorch missing)."})
final class CaptureCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "TorchScript module (torch.jit.trace/script(...).save(...))")
    Path model;

    @Mixin
    ModelFlags modelFlags;

    @Option(names = "--model-device", paramLabel = "cpu|cuda", description = "where the model runs (default cpu; cuda needs the -Pgpu build)")
    String modelDevice;

    /** The name this option had before compare-model's --device (the comparison backend) made it ambiguous. */
    @Option(names = "--device", hidden = true)
    String deprecatedDevice;

    @Option(names = "--skip", paramLabel = "GLOB", description = "leave captured tensors whose name matches GLOB out (repeatable)")
    List<String> skip = new ArrayList<>();

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.safetensors",
            description = "safetensors file to write (atomically; another extension is refused)")
    Path output;

    @Mixin
    Verbosity verbosity;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Outputs.checkCapture(output);
        String device = modelDevice;
        if (deprecatedDevice != null) {
            if (modelDevice != null) throw new IllegalArgumentException("--device is the old name of --model-device: give one");
            spec.commandLine().getErr().println("layerdiff: capture --device is deprecated: use --model-device");
            device = deprecatedDevice;
        }
        CaptureResult r = Capture.run(modelFlags.toOptions(model, device, skip), output);
        out.printf("%s: %d activations, %d gradients, %d parameter gradients (%s)%n",
                r.file(), r.order().size(), r.gradients(), r.paramGradients(), r.producer());
        out.flush();
        return 0;
    }
}
