package dev.layerdiff.archive;

import dev.layerdiff.io.MappedFile;
import dev.layerdiff.tensor.TensorEntry;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An {@link Archive} whose entries were read up front and whose data lives in the resources it closes. */
public final class ListArchive implements Archive {
    private final Path path;
    private final String format;
    private final List<TensorEntry> tensors;
    private final Map<String, String> metadata;
    private final List<Closeable> resources;
    private final boolean namedAfterFile;
    private final Map<String, String> uncomparable;
    private boolean closed;

    /** Takes ownership of {@code resources}: they are closed, last first, when the archive is closed. */
    public ListArchive(Path path, String format, List<TensorEntry> tensors, Map<String, String> metadata,
            List<? extends Closeable> resources) {
        this(path, format, tensors, metadata, resources, false);
    }

    /** As above, for a file whose one tensor has no name but the file's ({@link Archive#namedAfterFile()}). */
    public ListArchive(Path path, String format, List<TensorEntry> tensors, Map<String, String> metadata,
            List<? extends Closeable> resources, boolean namedAfterFile) {
        this(path, format, tensors, metadata, resources, namedAfterFile, Map.of());
    }

    /** As above, with the members that hold nothing to compare ({@link Archive#uncomparable()}). */
    public ListArchive(Path path, String format, List<TensorEntry> tensors, Map<String, String> metadata,
            List<? extends Closeable> resources, boolean namedAfterFile, Map<String, String> uncomparable) {
        this.uncomparable = Collections.unmodifiableMap(new LinkedHashMap<>(uncomparable));
        this.namedAfterFile = namedAfterFile;
        this.path = path;
        this.format = format;
        this.tensors = List.copyOf(tensors);
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        this.resources = new ArrayList<>(resources);
    }

    @Override
    public Path path() { return path; }

    @Override
    public Map<String, String> uncomparable() { return uncomparable; }

    @Override
    public String format() { return format; }

    @Override
    public List<TensorEntry> tensors() { return tensors; }

    @Override
    public Map<String, String> metadata() { return metadata; }

    @Override
    public boolean namedAfterFile() { return namedAfterFile; }

    @Override
    public void checkUnchanged() throws IOException {
        for (Closeable r : resources) {
            if (r instanceof MappedFile f) f.checkUnchanged();
            else if (r instanceof Archive a) a.checkUnchanged();
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) return;
        closed = true;
        closeAll(resources, null);
    }

    /** Closes every resource, last first, even if some fail; rethrows the first failure. */
    public static void closeAll(List<? extends Closeable> resources, Throwable pending) throws IOException {
        IOException first = null;
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (IOException | RuntimeException e) {
                if (pending != null) pending.addSuppressed(e);
                else if (first == null) first = e instanceof IOException io ? io : new IOException(e);
                else first.addSuppressed(e);
            }
        }
        if (first != null) throw first;
    }
}
