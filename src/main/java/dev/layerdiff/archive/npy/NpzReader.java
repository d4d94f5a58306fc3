package dev.layerdiff.archive.npy;

import dev.layerdiff.archive.Archive;
import dev.layerdiff.archive.ArchiveException;
import dev.layerdiff.archive.ListArchive;
import dev.layerdiff.archive.MappedTensorData;
import dev.layerdiff.archive.ReadLimits;
import dev.layerdiff.tensor.TensorEntry;
import dev.layerdiff.io.MappedFile;
import dev.layerdiff.archive.zip.InflatingSource;
import dev.layerdiff.archive.zip.InflatingTensorData;
import dev.layerdiff.archive.zip.ZipMember;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a .npz (np.savez / np.savez_compressed): one tensor per {@code NAME.npy} member, in member
 * order. Stored members are mapped in place; deflated ones are streamed (a Fortran-order one, which is
 * read transposed, is inflated once into an unlinked temporary file), must agree exactly with the size
 * their .npy header implies, and may inflate only within {@link ReadLimits}. Members of dtypes that hold
 * no numbers (object, string, datetime, structured) are set aside with the reason ({@link
 * Archive#uncomparable()}), so the rest stays readable.
 */
public final class NpzReader {
    private static final int COPY_CHUNK = 8 << 20;

    private NpzReader() {}

    /** Builds the archive from an opened zip; takes ownership of {@code file}. */
    public static Archive open(Path path, MappedFile file, List<ZipMember> members, ReadLimits limits) throws IOException {
        List<Closeable> resources = new ArrayList<>();
        resources.add(file);
        try {
            List<TensorEntry> tensors = new ArrayList<>();
            Map<String, String> uncomparable = new LinkedHashMap<>();
            for (ZipMember m : members) {
                if (!m.name().endsWith(".npy")) continue; // np.load ignores non-.npy members for arrays too
                String name = m.name().substring(0, m.name().length() - 4);
                try {
                    tensors.add(entry(name, tensors.size(), file, m, limits, resources));
                } catch (NpyDtype.Uncomparable e) {
                    uncomparable.put(name, e.reason()); // the numeric members stay readable
                }
            }
            if (tensors.isEmpty() && uncomparable.isEmpty()) throw new ArchiveException(file.name(), "zip holds no .npy members (not an .npz?)");
            if (tensors.isEmpty()) {
                throw new ArchiveException(file.name(), "holds no array that can be compared: " + describe(uncomparable));
            }
            return new ListArchive(path, "npz", tensors, Map.of(), resources, false, uncomparable);
        } catch (IOException | RuntimeException e) {
            ListArchive.closeAll(resources, e);
            throw e;
        }
    }

    /** The whole member, inflated into an unlinked temporary file and mapped. */
    private static MappedFile inflated(InflatingSource src, long size) throws IOException {
        Path tmp = Files.createTempFile("layerdiff-npz-", ".npy");
        try {
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                for (long at = 0; at < size; ) {
                    int n = (int) Math.min(COPY_CHUNK, size - at);
                    ByteBuffer b = ByteBuffer.wrap(src.read(at, n));
                    while (b.hasRemaining()) out.write(b);
                    at += n;
                }
            }
            return MappedFile.open(tmp);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** {@code names (string arrays (dtype '<U1') cannot be compared), ...} */
    public static String describe(Map<String, String> uncomparable) {
        StringBuilder s = new StringBuilder();
        uncomparable.forEach((name, why) -> s.append(s.length() == 0 ? "" : ", ").append(name).append(" (").append(why).append(')'));
        return s.toString();
    }

    private static TensorEntry entry(String name, int order, MappedFile file, ZipMember m, ReadLimits limits,
            List<Closeable> resources) throws IOException {
        if (m.method() == ZipMember.STORED) return NpyReader.entry(name, order, file, m.dataOffset(), m.size());
        if (m.method() != ZipMember.DEFLATED) {
            throw new ArchiveException(file.name() + "!" + m.name(), "compression method " + m.method()
                    + " is not supported (only stored and deflated)");
        }
        if (m.size() > limits.inflatedLimit(m.compressedSize())) {
            throw new ArchiveException(file.name() + "!" + m.name(), "inflates to " + m.size() + " bytes from "
                    + m.compressedSize() + ", over " + limits.describeInflatedLimit(m.compressedSize())
                    + "; raise it with --max-inflated SIZE (e.g. 64G)");
        }
        InflatingSource src = new InflatingSource(file, m);
        resources.add(src);
        NpyHeader h = NpyHeader.read(src::read, m.size(), src.label());
        if (h.dataOffset() + h.byteSize() != m.size()) {
            throw new ArchiveException(src.label(), "the member declares " + m.size() + " uncompressed bytes but its .npy header describes "
                    + (h.dataOffset() + h.byteSize()));
        }
        if (h.fortran() && h.shape().length > 1) {
            // Read transposed, which needs random access: the member is inflated once (within the same limit)
            // into a temporary file that is unlinked as soon as it is mapped, so nothing is left behind.
            MappedFile copy = inflated(src, m.size());
            resources.add(copy);
            return NpyReader.entry(name, order, copy::bytes, m.size(), src.label(),
                    (off, size, byteOrder) -> new MappedTensorData(copy, off, size, byteOrder));
        }
        return new TensorEntry(name, order, h.type().dtype(), h.logicalShape(), h.type().order(),
                new InflatingTensorData(src, h.dataOffset(), h.byteSize(), h.type().order()));
    }
}
