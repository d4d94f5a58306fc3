package dev.layerdiff.archive.dir;

import dev.layerdiff.archive.Archive;
import dev.layerdiff.archive.ArchiveException;
import dev.layerdiff.archive.ArchiveFormats;
import dev.layerdiff.archive.ListArchive;
import dev.layerdiff.archive.ReadLimits;
import dev.layerdiff.tensor.TensorEntry;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads a directory of per-tensor files ({@code .npy}, {@code .pt} as msprobe writes them, or any other
 * single-file format), each opened by its own format. Files are ordered by their leading number, then by
 * name; the number and one separator after it are dropped from the tensor name
 * ({@code 001_layers.0.norm1.npy} is {@code layers.0.norm1}). A file holding named tensors contributes
 * {@code NAME/tensor} for each ({@code 1.conv.safetensors} holding {@code w} gives {@code conv/w}).
 */
public final class DirectoryReader {
    private static final Pattern LEADING_NUMBER = Pattern.compile("^([0-9]+)[_.-](.+)$");

    private DirectoryReader() {}

    /** A tensor file with its sort key and tensor name. */
    record TensorFile(Path path, BigInteger number, String name) {}

    /** Opens every file directly inside {@code dir} whose extension names a single-file format, within {@code limits}. */
    public static Archive open(Path dir, ReadLimits limits) throws IOException {
        ArchiveFormats formats = ArchiveFormats.installed();
        List<TensorFile> files = list(dir, formats.fileExtensions());
        if (files.isEmpty()) {
            List<String> dotted = formats.fileExtensions().stream().map(e -> "." + e).toList();
            throw new ArchiveException(dir.toString(), "directory holds no " + ArchiveFormats.either(dotted) + " files");
        }
        List<Archive> archives = new ArrayList<>();
        try {
            List<TensorEntry> tensors = new ArrayList<>();
            Set<String> kinds = new TreeSet<>();
            for (TensorFile tf : files) {
                Archive a = formats.open(tf.path(), limits);
                archives.add(a);
                kinds.add(a.format());
                for (TensorEntry e : a.tensors()) {
                    String name = a.namedAfterFile() ? tf.name() : tf.name() + "/" + e.name();
                    tensors.add(e.renamed(name, tensors.size()));
                }
            }
            Set<String> seen = new HashSet<>();
            for (TensorEntry e : tensors) {
                if (!seen.add(e.name())) throw new ArchiveException(dir.toString(), "two files hold a tensor named " + e.name());
            }
            return new ListArchive(dir, String.join("+", kinds) + "-dir", tensors, Map.of(), archives);
        } catch (IOException | RuntimeException e) {
            ListArchive.closeAll(archives, e);
            throw e;
        }
    }

    static List<TensorFile> list(Path dir, List<String> extensions) throws IOException {
        List<TensorFile> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir).sorted()) {
            // Sorted, so that of two bad links the same one is named every time.
            for (Path p : (Iterable<Path>) s::iterator) {
                String fn = p.getFileName().toString();
                if (fn.startsWith(".") || !extensions.contains(ArchiveFormats.extension(p))) continue;
                if (Files.isSymbolicLink(p)) checkLink(p);
                if (!Files.isRegularFile(p)) continue;
                out.add(describe(p, ArchiveFormats.stem(fn)));
            }
        }
        // Files without a leading number sort after numbered ones.
        out.sort(Comparator.comparing((TensorFile t) -> t.number() == null)
                .thenComparing(t -> t.number() == null ? BigInteger.ZERO : t.number())
                .thenComparing(t -> t.path().getFileName().toString()));
        return out;
    }

    /**
     * A link named as a tensor file must lead to one: a dangling or looping link is a tensor the dump
     * meant to hold and does not (a dump copied without its targets), never silently left out.
     */
    private static void checkLink(Path link) throws IOException {
        try {
            link.toRealPath();
        } catch (NoSuchFileException e) {
            throw new ArchiveException(link.toString(), "dangling symbolic link (to " + target(link) + ", which does not exist)");
        } catch (FileSystemException e) {
            if (e.getReason() == null || !e.getReason().contains("symbolic links")) throw e;
            throw new ArchiveException(link.toString(), "symbolic link loop (to " + target(link) + ": too many levels of symbolic links)");
        }
    }

    private static String target(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return "?";
        }
    }

    static TensorFile describe(Path p, String stem) {
        Matcher m = LEADING_NUMBER.matcher(stem);
        if (!m.matches()) return new TensorFile(p, null, stem);
        return new TensorFile(p, new BigInteger(m.group(1)), m.group(2));
    }
}
