package dev.layerdiff.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks where a command will write before it does any work, so that a comparison of gigabytes does
 * not end in "no such directory": files go into directories that exist (none is created behind the
 * user's back), and {@code -} names stdout.
 */
final class Outputs {
    private Outputs() {}

    /** Whether an output file argument means stdout. */
    static boolean isStdout(Path file) {
        return file != null && file.toString().equals("-");
    }

    /** A file to be written (null: none): its directory must exist, and it must not be a directory itself. */
    static void checkFile(String option, Path file) {
        if (file == null || isStdout(file)) return;
        if (Files.isDirectory(file)) throw new IllegalArgumentException(file + ": is a directory (" + option + " takes a file name)");
        Path dir = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(file + ": " + (Files.exists(dir) ? dir + " is not a directory" : "no such directory " + dir)
                    + " (" + option + " creates no directories)");
        }
    }

    /** A directory to write into (null: none): it exists as a directory, or is created inside one that does. */
    static void checkDirectory(String option, Path dir) {
        if (dir == null) return;
        if (Files.exists(dir)) {
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException(dir + ": is a file, not a directory (" + option + " takes a directory)");
            }
            return;
        }
        Path parent = dir.toAbsolutePath().getParent();
        if (!Files.isDirectory(parent)) {
            throw new IllegalArgumentException(dir + ": no such directory " + parent + " (" + option + " creates only DIR itself)");
        }
    }

    /**
     * A capture's output: safetensors is the one format capture writes, so a name whose extension says
     * another (x.npz, x.pt) is refused rather than filled with safetensors bytes; no extension is fine.
     */
    static void checkCapture(Path file) {
        if (isStdout(file)) throw new IllegalArgumentException("-o -: capture writes a safetensors file, not stdout");
        checkFile("-o", file);
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        if (dot > 0 && !name.substring(dot).equals(".safetensors")) {
            throw new IllegalArgumentException(file + ": capture writes safetensors, not " + name.substring(dot + 1)
                    + "; name the output .safetensors");
        }
    }
}
