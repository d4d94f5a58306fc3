package dev.layerdiff.cli;

import dev.layerdiff.compare.CompareOptions;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * How {@code compare} and {@code compare-model} pair tensors beyond their names and what an unpaired
 * one means (a picocli mixin; {@code --map} stays with the tolerances it shares a name space with).
 */
final class PairingFlags {

    @Option(names = "--skip", paramLabel = "GLOB",
            description = "leave tensors matching GLOB out of pairing and report, on either side (repeatable; * any characters, ? one)")
    List<String> skip = new ArrayList<>();

    @Option(names = "--match", paramLabel = "name|order", defaultValue = "name",
            description = "name (default): by name and dump layout; order: then also pair what is left by position and shape")
    String match;

    @Option(names = "--allow-unpaired",
            description = "report layers present on one side only without failing (exit 0 if the rest passes)")
    boolean allowUnpaired;

    CompareOptions.Builder apply(CompareOptions.Builder options) {
        boolean byOrder = switch (match) {
            case "name" -> false;
            case "order" -> true;
            default -> throw new IllegalArgumentException("--match " + match + ": use name or order");
        };
        return options.skip(skip).matchByOrder(byOrder).allowUnpaired(allowUnpaired);
    }
}
