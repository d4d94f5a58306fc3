package dev.layerdiff.archive.zip;

import dev.layerdiff.archive.ArchiveException;
import dev.layerdiff.io.MappedFile;
import dev.layerdiff.tensor.TensorData;
import java.io.Closeable;
import java.io.IOException;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Sequential reader of one deflated zip member. It never inflates past the member's declared size, so
 * a member that lies about its size (a zip bomb) costs at most that much work and a fixed buffer; when
 * the declared end is reached it checks that the stream really ends there.
 */
public final class InflatingSource implements Closeable {
    private static final int INPUT_CHUNK = 1 << 16;

    private final MappedFile file;
    private final ZipMember member;
    private final String label;
    private final Inflater inflater = new Inflater(true); // zip members are raw deflate, no zlib wrapper
    private long fed;
    /**
     * The compressed bytes being inflated, copied out of the mapping: zlib reading a mapped page of a file
     * that shrank would die of SIGBUS in native code, where a copy in Java fails with an InternalError.
     */
    private final byte[] input = new byte[INPUT_CHUNK];
    private long position;
    private boolean closed;

    /** The caller has checked that the member's compressed data lies inside {@code file}. */
    public InflatingSource(MappedFile file, ZipMember member) {
        if (member.method() != ZipMember.DEFLATED) throw new IllegalArgumentException(member.name() + " is not deflated");
        this.file = file;
        this.member = member;
        this.label = file.name() + "!" + member.name();
    }

    /** Name used in error messages: {@code FILE!MEMBER}. */
    public String label() { return label; }

    /** Pins the file the compressed bytes are read from (see {@link TensorData#pin}). */
    public TensorData.Pin pin() {
        return file.pin()::close;
    }

    /** Throws if the zip file changed size since it was opened (see {@link MappedFile#checkUnchanged}). */
    public void checkUnchanged() throws IOException {
        file.checkUnchanged();
    }

    /** Declared uncompressed size. */
    public long size() { return member.size(); }

    /**
     * Returns bytes {@code [offset, offset + length)} of the inflated member. Reading forward is cheap;
     * reading backward restarts the stream.
     */
    public synchronized byte[] read(long offset, int length) throws IOException {
        if (closed) throw new IllegalStateException(label + " is closed");
        if (offset < 0 || length < 0 || offset > member.size() - length) {
            throw new IndexOutOfBoundsException("read [" + offset + ", " + (offset + length) + ") outside "
                    + label + " of " + member.size() + " bytes");
        }
        if (offset < position) restart();
        byte[] skip = new byte[(int) Math.min(INPUT_CHUNK, Math.max(1, offset - position))];
        while (position < offset) fill(skip, 0, (int) Math.min(skip.length, offset - position));
        byte[] out = new byte[length];
        int done = 0;
        while (done < length) done += fill(out, done, length - done);
        if (position == member.size()) checkEnd();
        return out;
    }

    private int fill(byte[] dst, int off, int len) throws IOException {
        try {
            while (true) {
                int n = inflater.inflate(dst, off, len);
                if (n > 0) {
                    position += n;
                    return n;
                }
                if (inflater.finished()) {
                    throw new ArchiveException(label, "deflated data ends after " + position
                            + " bytes, but the member declares " + member.size());
                }
                if (inflater.needsDictionary()) throw new ArchiveException(label, "corrupt deflate stream (asks for a dictionary)");
                if (!inflater.needsInput()) continue;
                if (fed >= member.compressedSize()) {
                    throw new ArchiveException(label, "deflated data is truncated after " + position + " of "
                            + member.size() + " bytes");
                }
                int chunk = (int) Math.min(INPUT_CHUNK, member.compressedSize() - fed);
                feed(chunk);
            }
        } catch (DataFormatException e) {
            throw new ArchiveException(label, "corrupt deflate stream: " + e.getMessage(), e);
        }
    }

    /** At the declared end, one more byte of output means the declared size was a lie. */
    private void checkEnd() throws IOException {
        if (inflater.finished()) return;
        byte[] probe = new byte[1];
        try {
            while (!inflater.finished()) {
                if (inflater.inflate(probe) > 0) {
                    throw new ArchiveException(label, "inflates to more than its declared size of " + member.size()
                            + " bytes (zip bomb?)");
                }
                if (inflater.needsInput()) {
                    if (fed >= member.compressedSize()) return; // no end marker yet no extra data: tolerated
                    int chunk = (int) Math.min(INPUT_CHUNK, member.compressedSize() - fed);
                    feed(chunk);
                } else if (inflater.needsDictionary()) {
                    return;
                }
            }
        } catch (DataFormatException e) {
            throw new ArchiveException(label, "corrupt deflate stream: " + e.getMessage(), e);
        }
    }

    /** Hands the inflater the next {@code chunk} compressed bytes (it has consumed the last ones). */
    private void feed(int chunk) throws IOException {
        file.slice(member.dataOffset() + fed, chunk).get(input, 0, chunk);
        inflater.setInput(input, 0, chunk);
        fed += chunk;
    }

    private void restart() {
        inflater.reset();
        fed = 0;
        position = 0;
    }

    /** Frees the inflater's native memory; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        inflater.end();
    }
}
