package dev.layerdiff.archive.npy;

import dev.layerdiff.archive.Archive;
import dev.layerdiff.archive.ArchiveException;
import dev.layerdiff.archive.ListArchive;
import dev.layerdiff.archive.ReadLimits;
import dev.layerdiff.tensor.TensorEntry;
import dev.layerdiff.io.MappedFile;
import dev.layerdiff.archive.zip.InflatingSource;
import dev.layerdiff.archive.zip.InflatingTensorData;
import dev.layerdiff.archive.zip.ZipMember;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a .npz (np.savez / np.savez_compressed): one tensor per {@code NAME.npy} member, in member
 * order. Stored members are mapped in place; deflated ones are streamed, must agree exactly with the
 * size their .npy header implies, and may inflate only within {@link ReadLimits}.
 */
public final class NpzReader {
    private NpzReader() {}

    /** Builds the archive from an opened zip; takes ownership of {@code file}. */
    public static Archive open(Path path, MappedFile file, List<ZipMember> members, ReadLimits limits) throws IOException {
        List<Closeable> resources = new ArrayList<>();
        resources.add(file);
        try {
            List<TensorEntry> tensors = new ArrayList<>();
            for (ZipMember m : members) {
                if (!m.name().endsWith(".npy")) continue; // np.load ignores non-.npy members for arrays too
                String name = m.name().substring(0, m.name().length() - 4);
                tensors.add(entry(name, tensors.size(), file, m, limits, resources));
            }
            if (tensors.isEmpty()) throw new ArchiveException(file.name(), "zip holds no .npy members (not an .npz?)");
            return new ListArchive(path, "npz", tensors, Map.of(), resources);
        } catch (IOException | RuntimeException e) {
            ListArchive.closeAll(resources, e);
            throw e;
        }
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
            throw new ArchiveException(src.label(), "a Fortran-order array in a compressed .npz cannot be streamed in C order;"
                    + " save it with np.ascontiguousarray or np.savez");
        }
        return new TensorEntry(name, order, h.type().dtype(), h.logicalShape(), h.type().order(),
                new InflatingTensorData(src, h.dataOffset(), h.byteSize(), h.type().order()));
    }
}
