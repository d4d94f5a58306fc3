package dev.layerdiff.cli;

import dev.layerdiff.capture.Capture;
import dev.layerdiff.capture.CaptureOptions;
import dev.layerdiff.capture.CaptureResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
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

    @Option(names = "--input", required = true, paramLabel = "FILE",
            description = ".pt (a tensor, or a dict with 'input' and 'labels'), .npy, .npz or .safetensors (one tensor, or one named 'input')")
    Path input;

    @Option(names = "--labels", paramLabel = "FILE", description = "labels for --grads (default: the 'labels' tensor of the input file)")
    Path labels;

    @Option(names = "--grads", description = "also write grad/<module>: gradients of cross-entropy(output, labels) at each activation")
    boolean grads;

    @Option(names = "--param-grads", description = "also write param_grad/<parameter>")
    boolean paramGrads;

    @Option(names = "--skip", paramLabel = "GLOB", description = "leave tensors whose name matches GLOB out of the dump (repeatable)")
    List<String> skip = new ArrayList<>();

    @Option(names = "--device", paramLabel = "cpu|cuda", description = "where the model runs (default cpu; cuda needs the -Pgpu build)")
    String device;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "safetensors file to write (atomically)")
    Path output;

    @Option(names = "--verbose", description = "print stack traces of errors")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        CaptureResult r = Capture.run(new CaptureOptions(model, input, labels, grads, paramGrads, device, skip), output);
        out.printf("%s: %d activations, %d gradients, %d parameter gradients (%s)%n",
                r.file(), r.order().size(), r.gradients(), r.paramGradients(), r.producer());
        out.flush();
        return 0;
    }
}
