package dev.layerdiff.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code layerdiff compare REF CAND}: the main job. */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Compare a candidate dump against a reference, layer by layer.",
                "Exit code 0: every paired layer within tolerance and nothing unpaired; 1: a divergence, "
                        + "shape mismatch or unpaired layer; 2: bad input or usage."})
final class CompareCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "REF", description = "reference archive (.safetensors, .pt, .npz, .npy or a directory)")
    Path reference;

    @Parameters(index = "1", paramLabel = "CAND", description = "candidate archive")
    Path candidate;

    @Mixin
    ComparisonFlags flags;

    @Override
    public Integer call() throws Exception {
        return flags.compareAndReport(reference, candidate);
    }
}
