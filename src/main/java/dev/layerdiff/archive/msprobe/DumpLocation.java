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
    /** What msprobe writes at level "debug" in place of dump.json. */
    static final String DEBUG_JSON = "debug.json";
    /** dump_path/step/rank: the deepest a dump.json sits below what a user names. */
    private static final int MAX_DEPTH = 2;
    private static final int LISTED = 3;

    private DumpLocation() {}

    /** Every dump.json that {@code path} may mean, in name order; none for a path that is no msprobe dump. */
    static List<Path> candidates(Path path) throws IOException {
        return candidates(path, DUMP_JSON);
    }

    /** Every file called {@code name} (dump.json, debug.json) that {@code path} may mean, in name order. */
    static List<Path> candidates(Path path, String name) throws IOException {
        List<Path> found = new ArrayList<>();
        if (Files.isRegularFile(path)) {
            if (path.getFileName().toString().equals(name)) found.add(path);
        } else if (Files.isDirectory(path)) {
            search(path, name, 0, found);
        }
        return found;
    }

    private static void search(Path dir, String name, int depth, List<Path> found) throws IOException {
        Path json = dir.resolve(name);
        if (Files.isRegularFile(json)) {
            found.add(json);
            return;
        }
        if (depth == MAX_DEPTH) return;
        List<Path> subdirs;
        try (Stream<Path> s = Files.list(dir)) {
            subdirs = s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
        for (Path sub : subdirs) search(sub, name, depth + 1, found);
    }

    /** The one dump.json {@code path} means; an error lists them when there are several. */
    static Path dumpJson(Path path) throws IOException {
        List<Path> found = candidates(path);
        if (found.size() == 1) return found.get(0);
        if (found.isEmpty() && !candidates(path, DEBUG_JSON).isEmpty()) {
            throw new ArchiveException(path.toString(), "an msprobe dump at level \"debug\" (" + DEBUG_JSON + "): the variables that"
                    + " debugger.save recorded, not a model's layers; for a comparison dump with \"level\": \"L0\", \"L1\" or \"mix\""
                    + " and \"task\": \"tensor\" (" + DUMP_JSON + " beside dump_tensor_data)");
        }
        if (found.isEmpty()) throw new ArchiveException(path.toString(), "no msprobe " + DUMP_JSON + " here or in its rank directories");
        List<String> shown = found.stream().limit(LISTED).map(p -> path.relativize(p).toString()).toList();
        throw new ArchiveException(path.toString(), "holds " + found.size() + " msprobe dumps (" + String.join(", ", shown)
                + (found.size() > LISTED ? ", ..." : "") + "): name one of them, e.g. " + found.get(0).getParent());
    }
}
