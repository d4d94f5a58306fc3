package dev.layerdiff.cli;

import dev.layerdiff.capture.Capture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code layerdiff compare-model MODEL.pt --input X DUMP}: captures the model on this machine (the
 * candidate) and compares it with DUMP, a reference made elsewhere, as {@code compare} does.
 * libtorch loads inside {@link #call()} only.
 */
@Command(name = "compare-model", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a TorchScript model here (the candidate) and compare it with DUMP (the reference, made elsewhere).",
                "Exit codes as compare: 0 within tolerance, 1 a divergence or unpaired layer, 2 bad input or usage."})
final class CompareModelCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL", description = "TorchScript module")
    Path model;

    @Parameters(index = "1", paramLabel = "DUMP", description = "reference dump (.safetensors, .pt, .npz, .npy or a directory)")
    Path dump;

    @Mixin
    ModelFlags modelFlags;

    @Option(names = "--model-device", paramLabel = "cpu|cuda", description = "where the model runs (default cpu)")
    String modelDevice;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT.safetensors", description = "keep the capture in this safetensors file")
    Path output;

    @Mixin
    ComparisonFlags flags;

    @Override
    public Integer call() throws Exception {
        if (output != null) Outputs.checkCapture(output);
        Path capture = output != null ? output : Files.createTempFile("layerdiff-capture", ".safetensors");
        try {
            Capture.run(modelFlags.toOptions(model, modelDevice, flags.pairing.skip), capture);
            return flags.compareAndReport(dump, capture);
        } finally {
            if (output == null) Files.deleteIfExists(capture);
        }
    }
}
