package dev.layerdiff.archive.dir;

import dev.layerdiff.archive.Archive;
import dev.layerdiff.archive.ArchiveException;
import dev.layerdiff.archive.ListArchive;
import dev.layerdiff.tensor.TensorEntry;
import dev.layerdiff.io.MappedFile;
import dev.layerdiff.archive.npy.NpyHeader;
import dev.layerdiff.archive.npy.NpyReader;
import dev.layerdiff.archive.torch.TorchReader;
import dev.layerdiff.archive.zip.ZipDirectory;
import java.io.Closeable;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads a directory of per-tensor files ({@code .npy}, or {@code .pt} as msprobe writes them). Files are
 * ordered by their leading number, then by name; the number and one separator after it are dropped
 * from the tensor name ({@code 001_layers.0.norm1.npy} is {@code layers.0.norm1}).
 */
public final class DirectoryReader {
    private static final Pattern LEADING_NUMBER = Pattern.compile("^([0-9]+)[_.-](.+)$");

    private DirectoryReader() {}

    /** A tensor file with its sort key and tensor name. */
    record TensorFile(Path path, BigInteger number, String name) {}

    /** Opens every .npy and .pt file directly inside {@code dir}. */
    public static Archive open(Path dir) throws IOException {
        List<TensorFile> files = list(dir);
        if (files.isEmpty()) throw new ArchiveException(dir.toString(), "directory holds no .npy or .pt files");
        List<Closeable> resources = new ArrayList<>();
        try {
            List<TensorEntry> tensors = new ArrayList<>();
            boolean anyPt = false;
            for (TensorFile tf : files) {
                MappedFile f = MappedFile.open(tf.path());
                resources.add(f);
                if (tf.path().getFileName().toString().endsWith(".pt")) {
                    anyPt = true;
                    tensors.addAll(TorchReader.entries(f, ZipDirectory.read(f), tf.name(), tensors.size()));
                } else {
                    if (f.size() == 0) throw new ArchiveException(f.name(), "empty file");
                    if (!NpyHeader.hasMagic(f.bytes(0, (int) Math.min(6, f.size())))) {
                        throw new ArchiveException(f.name(), "not a .npy file: the magic string \\x93NUMPY is missing");
                    }
                    tensors.add(NpyReader.entry(tf.name(), tensors.size(), f, 0, f.size()));
                }
            }
            Set<String> seen = new HashSet<>();
            for (TensorEntry e : tensors) {
                if (!seen.add(e.name())) throw new ArchiveException(dir.toString(), "two files hold a tensor named " + e.name());
            }
            return new ListArchive(dir, anyPt ? "pt-dir" : "npy-dir", tensors, Map.of(), resources);
        } catch (IOException | RuntimeException e) {
            ListArchive.closeAll(resources, e);
            throw e;
        }
    }

    static List<TensorFile> list(Path dir) throws IOException {
        List<TensorFile> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String fn = p.getFileName().toString();
                if (!Files.isRegularFile(p) || fn.startsWith(".") || !(fn.endsWith(".npy") || fn.endsWith(".pt"))) continue;
                out.add(describe(p, NpyReader.stem(fn)));
            }
        }
        // Files without a leading number sort after numbered ones.
        out.sort(Comparator.comparing((TensorFile t) -> t.number() == null)
                .thenComparing(t -> t.number() == null ? BigInteger.ZERO : t.number())
                .thenComparing(t -> t.path().getFileName().toString()));
        return out;
    }

    static TensorFile describe(Path p, String stem) {
        Matcher m = LEADING_NUMBER.matcher(stem);
        if (!m.matches()) return new TensorFile(p, null, stem);
        return new TensorFile(p, new BigInteger(m.group(1)), m.group(2));
    }
}
