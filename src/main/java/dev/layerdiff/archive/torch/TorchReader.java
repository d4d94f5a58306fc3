package dev.layerdiff.archive.torch;

import dev.layerdiff.archive.Archive;
import dev.layerdiff.archive.ArchiveException;
import dev.layerdiff.archive.ArchiveFormats;
import dev.layerdiff.archive.ListArchive;
import dev.layerdiff.tensor.TensorEntry;
import dev.layerdiff.io.MappedFile;
import dev.layerdiff.archive.zip.InflatingSource;
import dev.layerdiff.archive.zip.ZipMember;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a torch.save zip file (PyTorch 1.6 and later) without libtorch: data.pkl is run by the
 * restricted {@link PickleMachine} and every tensor it describes is read from its storage member.
 * Nested dicts, lists and tuples are flattened with {@code /}; leaves that are not tensors are skipped.
 */
public final class TorchReader {
    /** A data.pkl larger than this is not a tensor dump's index. */
    static final long MAX_PICKLE = 256L << 20;
    /**
     * Views may share storage (tied weights, slices, stride-0 expansions), so a file can name more bytes
     * than it holds; but comparing costs time per byte named, and a stride-0 view of one element can name
     * terabytes. Beyond this many bytes per byte of file (plus a floor) the file is refused.
     */
    private static final long NAMED_PER_FILE_BYTE = 16;
    private static final long NAMED_FLOOR = 1L << 30;

    private TorchReader() {}

    /** The member holding the pickle, e.g. {@code archive/data.pkl}; null if none (not a torch.save zip). */
    public static ZipMember findPickle(List<ZipMember> members) {
        ZipMember best = null;
        for (ZipMember m : members) {
            if (m.name().endsWith("/data.pkl") && m.name().indexOf('/') == m.name().length() - 9
                    && (best == null || m.name().length() < best.name().length())) best = m;
        }
        return best;
    }

    /**
     * Builds a "pt" archive; takes ownership of {@code file}. Nested containers flatten to
     * {@code key/key...}; a file holding one bare tensor names it after the file.
     */
    public static Archive open(Path path, MappedFile file, List<ZipMember> members) throws IOException {
        try {
            ZipMember pkl = findPickle(members);
            if (pkl == null) throw new ArchiveException(file.name(), "zip has no <prefix>/data.pkl member: not a torch.save file");
            String prefix = pkl.name().substring(0, pkl.name().length() - "data.pkl".length());
            Map<String, ZipMember> byName = new HashMap<>();
            for (ZipMember m : members) byName.put(m.name(), m);
            ByteOrder order = byteOrder(file, byName.get(prefix + "byteorder"));
            byte[] pickle = bytes(file, pkl, MAX_PICKLE);
            Object root = PickleMachine.load(pickle, file.name() + "!" + pkl.name());
            return archive(path, file, root, new StorageViews(file, byName, prefix, order), pickle.length);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** The archive of the tensors {@code root} holds, resolved by {@code views}; takes ownership of {@code file}. */
    static Archive archive(Path path, MappedFile file, Object root, StorageViews views, long pickleBytes) throws IOException {
        List<Flattener.Leaf> leaves = Flattener.flatten(root, ArchiveFormats.stem(file.path().getFileName().toString()),
                file.name(), pickleBytes);
        List<TensorEntry> tensors = new ArrayList<>();
        long named = 0;
        for (Flattener.Leaf leaf : leaves) {
            TensorEntry e = views.entry(leaf.name(), tensors.size(), leaf.tensor());
            named = checkNamed(file, named, e.byteSize());
            tensors.add(e);
        }
        if (tensors.isEmpty()) throw new ArchiveException(file.name(), "holds no tensors");
        return new ListArchive(path, "pt", tensors, Map.of(), List.of(file), Flattener.isBare(root));
    }

    /** The bytes named so far, plus {@code more}, unless that passes the limit. */
    private static long checkNamed(MappedFile file, long named, long more) throws ArchiveException {
        long limit = NAMED_FLOOR + NAMED_PER_FILE_BYTE * file.size();
        if (more > limit - named) {
            throw new ArchiveException(file.name(), "the pickle's tensors name more than " + limit + " bytes of tensor data ("
                    + NAMED_PER_FILE_BYTE + " times the file's " + file.size() + " bytes, plus 1 GiB): views repeat their"
                    + " storage (stride 0, or one tensor listed many times) far beyond what a dump holds; refusing them");
        }
        return named + more;
    }

    private static ByteOrder byteOrder(MappedFile file, ZipMember m) throws IOException {
        if (m == null) return ByteOrder.LITTLE_ENDIAN; // written only since PyTorch 1.10; earlier files are little-endian
        String s = new String(bytes(file, m, 16), StandardCharsets.US_ASCII).trim();
        if (s.equals("little")) return ByteOrder.LITTLE_ENDIAN;
        if (s.equals("big")) return ByteOrder.BIG_ENDIAN;
        throw new ArchiveException(file.name(), "byteorder member says '" + s + "', expected little or big");
    }

    /** A small member's bytes, inflated if needed, refusing anything over {@code cap}. */
    private static byte[] bytes(MappedFile file, ZipMember m, long cap) throws IOException {
        if (m.size() > cap) throw new ArchiveException(file.name(), "member " + m.name() + " of " + m.size() + " bytes exceeds the limit of " + cap);
        if (m.method() == ZipMember.STORED) return file.bytes(m.dataOffset(), (int) m.size());
        if (m.method() != ZipMember.DEFLATED) throw new ArchiveException(file.name(), "member " + m.name() + " uses unsupported compression method " + m.method());
        try (InflatingSource src = new InflatingSource(file, m)) {
            return src.read(0, (int) m.size());
        }
    }
}
