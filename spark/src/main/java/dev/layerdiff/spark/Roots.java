package dev.layerdiff.spark;

import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Two dump trees paired by relative path: every {@code .safetensors}, {@code .pt}, {@code .pth} and
 * {@code .npz} file under the reference root is an archive, and so is every folder holding {@code .npy}
 * files (a per-layer dump); its candidate is the same relative path under the candidate root (missing:
 * that pair's error). The label {@code path} is the relative path.
 */
final class Roots {
    private static final Set<String> FILES = Set.of("safetensors", "pt", "pth", "npz");

    private Roots() {}

    static List<ArchivePair> pair(String referenceRoot, String candidateRoot, Configuration conf) throws IOException {
        Path root = new Path(referenceRoot);
        FileSystem fs = root.getFileSystem(conf);
        if (!fs.getFileStatus(root).isDirectory()) throw new IllegalArgumentException(referenceRoot + ": not a folder");
        List<String> relative = new ArrayList<>();
        walk(fs, root, "", relative);
        if (relative.isEmpty()) throw new IllegalArgumentException(referenceRoot + ": no archives under it");
        List<ArchivePair> pairs = new ArrayList<>();
        for (String rel : relative) {
            pairs.add(new ArchivePair(new PairInput(pairs.size(), join(referenceRoot, rel), join(candidateRoot, rel)),
                    Map.of("path", TextNode.valueOf(rel.isEmpty() ? "." : rel))));
        }
        return pairs;
    }

    private static void walk(FileSystem fs, Path dir, String rel, List<String> out) throws IOException {
        FileStatus[] entries = fs.listStatus(dir);
        Arrays.sort(entries, Comparator.comparing(e -> e.getPath().getName()));
        if (Arrays.stream(entries).anyMatch(e -> e.isFile() && extension(e).equals("npy"))) {
            out.add(rel);
            return;
        }
        for (FileStatus e : entries) {
            String name = rel.isEmpty() ? e.getPath().getName() : rel + "/" + e.getPath().getName();
            if (e.isDirectory()) walk(fs, e.getPath(), name, out);
            else if (FILES.contains(extension(e))) out.add(name);
        }
    }

    private static String extension(FileStatus e) {
        String n = e.getPath().getName();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static String join(String root, String rel) {
        if (rel.isEmpty()) return root;
        return root.endsWith("/") ? root + rel : root + "/" + rel;
    }
}
