package dev.layerdiff.cli;

import dev.layerdiff.capture.Capture;
import dev.layerdiff.capture.CaptureOptions;
import java.nio.file.Files;
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
 * {@code layerdiff compare-model MODEL.pt --input X DUMP}: captures the model on this machine (the
 * candidate) and compares it with DUMP, a reference made elsewhere, as {@code compare} does.
 * libtorch loads inside {@link #call()} only.
 */
@Command(name = "compare-model", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a TorchScript model here (the candidate) and compare it with DUMP (the reference, made elsewhere).",
                "Exit codes as compare: 0 within tolerance, 1 a divergence or unpaired layer, 2 bad input or usage."})
final class CompareModelCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "TorchScript module")
    Path model;

    @Parameters(index = "1", paramLabel = "DUMP", description = "reference dump (.safetensors, .pt, .npz, .npy or a directory)")
    Path dump;

    @Option(names = "--input", required = true, paramLabel = "FILE", description = "model input, as for capture")
    Path input;

    @Option(names = "--labels", paramLabel = "FILE", description = "labels for --grads (default: the 'labels' tensor of the input file)")
    Path labels;

    @Option(names = "--grads", description = "capture and compare activation gradients")
    boolean grads;

    @Option(names = "--param-grads", description = "capture and compare parameter gradients")
    boolean paramGrads;

    @Option(names = "--skip", paramLabel = "GLOB", description = "leave captured tensors matching GLOB out (repeatable)")
    List<String> skip = new ArrayList<>();

    @Option(names = "--model-device", paramLabel = "cpu|cuda", description = "where the model runs (default cpu)")
    String modelDevice;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "keep the capture in this safetensors file")
    Path output;

    @Option(names = "--json", paramLabel = "FILE", description = "write the full report as JSON (atomically)")
    Path json;

    @Option(names = "--images", paramLabel = "DIR", description = "write an enhanced-diff PNG per diverged layer")
    Path images;

    @Option(names = "--rtol", paramLabel = "R", description = "relative tolerance for every layer")
    Double rtol;

    @Option(names = "--atol", paramLabel = "A", description = "absolute tolerance for every layer")
    Double atol;

    @Option(names = "--tol", paramLabel = "GLOB=RTOL,ATOL", description = "tolerance for layers matching GLOB (repeatable)")
    List<String> tolerances = new ArrayList<>();

    @Option(names = "--map", paramLabel = "REGEX=REPLACEMENT", description = "rename captured tensors before pairing (repeatable)")
    List<String> mappings = new ArrayList<>();

    @Option(names = "--equal-nan", description = "count NaN against NaN as equal")
    boolean equalNan;

    @Option(names = "--device", paramLabel = "auto|cpu|cuda", description = "comparison backend, as for compare")
    String device;

    @Option(names = "--quiet", description = "print only the verdict line")
    boolean quiet;

    @Option(names = "--verbose", description = "print stack traces of errors")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        Path capture = output != null ? output : Files.createTempFile("layerdiff-capture", ".safetensors");
        try {
            Capture.run(new CaptureOptions(model, input, labels, grads, paramGrads, modelDevice, skip), capture);
            // compare itself does the rest, so that both commands report and exit alike.
            CompareCommand compare = new CompareCommand();
            compare.spec = spec;
            compare.reference = dump;
            compare.candidate = capture;
            compare.json = json;
            compare.images = images;
            compare.rtol = rtol;
            compare.atol = atol;
            compare.tolerances = tolerances;
            compare.mappings = mappings;
            compare.equalNan = equalNan;
            compare.device = device;
            compare.quiet = quiet;
            compare.verbose = verbose;
            return compare.call();
        } finally {
            if (output == null) Files.deleteIfExists(capture);
        }
    }
}
