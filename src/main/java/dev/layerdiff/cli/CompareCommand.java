package dev.layerdiff.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code layerdiff compare REF CAND}: the main job. */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Compare a candidate dump against a reference, layer by layer.",
                "Noise or bug: each group (activations forward, gradients from the output backward) is ok "
                        + "(within tolerance), noise (every difference is what the precision explains) or bug (a layer "
                        + "introduces error the precision does not; the layers after it inherit it). units = relative "
                        + "error / the noise floor's unit roundoff (from the dtypes, --precision or the data); a culprit "
                        + "is localised to the dim-0/dim-1 indices that carry its error.",
                "Pairing: by name (after --map), then across dump layouts (activations/conv1 ~ conv1, gradients/ ~ grad/), "
                        + "then the only tensor of each side, then (--match order) by position and shape; --skip leaves tensors out.",
                "Exit code 0: every paired layer within tolerance and nothing unpaired (with --fail-on bug: no bug; "
                        + "--allow-unpaired: unpaired layers do not count); 1: a divergence, shape mismatch or unpaired layer; "
                        + "2: bad input or usage."})
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
