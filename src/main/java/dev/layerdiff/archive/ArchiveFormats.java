package dev.layerdiff.archive;

import dev.layerdiff.archive.ArchiveFormat.Confidence;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * The formats a class loader offers, and the choice among them: the format is decided by content, the
 * extension serving only to pick the reader whose error explains a damaged file best.
 */
public final class ArchiveFormats {
    /** How many leading bytes a format is shown to recognise a file. */
    public static final int HEAD = 16;

    private static final ArchiveFormats INSTALLED = load(ArchiveFormats.class.getClassLoader());

    private final List<ArchiveFormat> formats;

    private ArchiveFormats(List<ArchiveFormat> formats) {
        this.formats = List.copyOf(formats);
    }

    /** The formats of layerdiff's own class path. */
    public static ArchiveFormats installed() { return INSTALLED; }

    /** The formats {@code loader} lists, in its order (the first of equally sure formats wins). */
    public static ArchiveFormats load(ClassLoader loader) {
        List<ArchiveFormat> found = new ArrayList<>();
        ServiceLoader.load(ArchiveFormat.class, loader).forEach(found::add);
        return new ArchiveFormats(found);
    }

    /** The formats, in the order they were found. */
    public List<ArchiveFormat> formats() { return formats; }

    /** Extensions of the single-file formats, e.g. {@code npy}, {@code safetensors}, in the formats' order. */
    public List<String> fileExtensions() {
        Set<String> out = new LinkedHashSet<>();
        for (ArchiveFormat f : formats) out.addAll(f.extensions());
        return List.copyOf(out);
    }

    /**
     * Opens {@code path} with the format surest of its content or, where none recognises it, the format
     * its extension names.
     *
     * @throws ArchiveException if the file is missing, empty, of an unknown or unsupported format, or
     *     malformed; the message names the file and the problem
     */
    public Archive open(Path path) throws IOException {
        return open(path, ReadLimits.DEFAULTS);
    }

    /** As {@link #open(Path)}, within {@code limits}. */
    public Archive open(Path path, ReadLimits limits) throws IOException {
        byte[] head = head(path);
        ArchiveFormat best = null;
        Confidence sure = Confidence.NONE;
        for (ArchiveFormat f : formats) {
            Confidence c = f.recognise(path, head);
            if (c.compareTo(sure) > 0) {
                best = f;
                sure = c;
            }
        }
        if (best == null) best = byExtension(extension(path));
        if (best == null) throw unknown(path, head);
        return best.open(path, limits);
    }

    /** The first bytes of a readable, non-empty file; none for a directory. */
    private static byte[] head(Path path) throws IOException {
        String name = path.toString();
        if (!Files.exists(path)) throw new ArchiveException(name, "no such file or directory");
        if (Files.isDirectory(path)) return new byte[0];
        if (!Files.isRegularFile(path)) throw new ArchiveException(name, "not a regular file");
        if (!Files.isReadable(path)) throw new ArchiveException(name, "not readable");
        if (Files.size(path) == 0) throw new ArchiveException(name, "empty file");
        try (InputStream in = Files.newInputStream(path)) {
            return in.readNBytes(HEAD);
        }
    }

    private ArchiveFormat byExtension(String extension) {
        for (ArchiveFormat f : formats) if (f.extensions().contains(extension)) return f;
        return null;
    }

    private ArchiveException unknown(Path path, byte[] head) {
        List<String> known = new ArrayList<>();
        for (ArchiveFormat f : formats) if (!f.extensions().isEmpty()) known.add(f.description());
        String what = head.length == 0 ? "a directory no format reads" : "first bytes " + hex(head);
        return new ArchiveException(path.toString(), "unknown format: not " + either(known) + " (" + what + ")");
    }

    /** {@code a, b or c}, as messages list alternatives. */
    public static String either(List<String> items) {
        if (items.size() < 2) return String.join("", items);
        return String.join(", ", items.subList(0, items.size() - 1)) + " or " + items.get(items.size() - 1);
    }

    /** The file name without its last extension. */
    public static String stem(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) : fileName;
    }

    /** The file name's last extension, lower case; empty if none. */
    public static String extension(Path path) {
        String n = path.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static String hex(byte[] head) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(8, head.length); i++) sb.append(String.format("%02x", head[i] & 0xff));
        return sb.toString();
    }
}
