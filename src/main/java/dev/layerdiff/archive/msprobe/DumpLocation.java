package dev.layerdiff.archive.msprobe;

import dev.layerdiff.archive.ArchiveException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds the dump.json a path means. msprobe writes {@code DUMP_PATH/step*}{@code /rank*}{@code /dump.json}
 * (or {@code proc*} without distributed ranks) with the tensors in {@code dump_tensor_data/} beside it;
 * a user may name the dump.json, its directory, or a step or dump_path directory holding exactly one.
 */
final class DumpLocation {
    static final String DUMP_JSON = "dump.json";
    /** dump_path/step/rank: the deepest a dump.json sits below what a user names. */
    private static final int MAX_DEPTH = 2;
    private static final int LISTED = 3;

    private DumpLocation() {}

    /** Every dump.json that {@code path} may mean, in name order; none for a path that is no msprobe dump. */
    static List<Path> candidates(Path path) throws IOException {
        List<Path> found = new ArrayList<>();
        if (Files.isRegularFile(path)) {
            if (path.getFileName().toString().equals(DUMP_JSON)) found.add(path);
        } else if (Files.isDirectory(path)) {
            search(path, 0, found);
        }
        return found;
    }

    private static void search(Path dir, int depth, List<Path> found) throws IOException {
        Path json = dir.resolve(DUMP_JSON);
        if (Files.isRegularFile(json)) {
            found.add(json);
            return;
        }
        if (depth == MAX_DEPTH) return;
        List<Path> subdirs;
        try (Stream<Path> s = Files.list(dir)) {
            subdirs = s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
        for (Path sub : subdirs) search(sub, depth + 1, found);
    }

    /** The one dump.json {@code path} means; an error lists them when there are several. */
    static Path dumpJson(Path path) throws IOException {
        List<Path> found = candidates(path);
        if (found.size() == 1) return found.get(0);
        if (found.isEmpty()) throw new ArchiveException(path.toString(), "no msprobe " + DUMP_JSON + " here or in its rank directories");
        List<String> shown = found.stream().limit(LISTED).map(p -> path.relativize(p).toString()).toList();
        throw new ArchiveException(path.toString(), "holds " + found.size() + " msprobe dumps (" + String.join(", ", shown)
                + (found.size() > LISTED ? ", ..." : "") + "): name one of them, e.g. " + found.get(0).getParent());
    }
}
