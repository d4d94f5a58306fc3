package dev.layerdiff.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.AutoComplete;

/**
 * Writes the shell completion script of {@code layerdiff} (picocli's AutoComplete: bash, and zsh
 * through its bashcompinit), from the same model the command line parses with. The build runs it at
 * package time for the distribution's {@code share/bash-completion/completions/layerdiff}.
 */
public final class Completion {
    private Completion() {}

    /** {@code Completion FILE}: writes the script to FILE, creating its directory. */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) throw new IllegalArgumentException("usage: Completion FILE");
        Path out = Path.of(args[0]).toAbsolutePath();
        Files.createDirectories(out.getParent());
        Files.writeString(out, script(), StandardCharsets.UTF_8);
    }

    /** The completion script for a command named {@code layerdiff}. */
    static String script() {
        return AutoComplete.bash("layerdiff", Main.commandLine());
    }
}
