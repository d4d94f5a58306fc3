package dev.layerdiff.cli;

import picocli.CommandLine.Option;

/**
 * The {@code --verbose} flag every command that can fail on input accepts (a picocli mixin). Nothing
 * reads the field: {@link ErrorHandler} asks the parse result, which also sees a flag given to a
 * subcommand whose own execution never started.
 */
final class Verbosity {

    @Option(names = "--verbose", description = "print stack traces of errors")
    boolean verbose;
}
