package dev.layerdiff.archive;

import dev.layerdiff.tensor.TensorEntry;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An opened dump: an ordered list of named tensors whose data stays in the file (memory-mapped or
 * streamed) until read. Close it to release mappings and file handles; reads fail afterwards, while
 * buffers read before stay valid for as long as they are reachable.
 */
public interface Archive extends Closeable {

    /** The file or directory this archive was opened from. */
    Path path();

    /**
     * Format name: the {@link ArchiveFormat#name()} of the format that read it ({@code npy}, {@code npz},
     * {@code safetensors}, {@code pt}); for a directory, its files' format and {@code -dir}
     * ({@code npy-dir}, {@code pt-dir}; {@code npy+pt-dir} for a mix).
     */
    String format();

    /** Tensors in the archive's order (execution order where the producer recorded it). */
    List<TensorEntry> tensors();

    /** String metadata the archive carries (safetensors {@code __metadata__}); empty if none. */
    Map<String, String> metadata();

    /**
     * True if the file holds one tensor without a name, which the archive named after the file (a .npy,
     * a torch.save of a bare tensor); a directory of such files uses the file names alone.
     */
    default boolean namedAfterFile() { return false; }

    /**
     * Members that hold no numbers to compare (object, string, datetime or structured arrays in an .npz),
     * by name, with the reason: not among {@link #tensors()}, so that the rest can be read; a comparison
     * refuses them unless {@code --skip} leaves them out.
     */
    default Map<String, String> uncomparable() { return Map.of(); }

    /**
     * Throws if a file of the archive changed size since it was opened (another process truncated or
     * rewrote it): what was read from it may be other bytes than those compared, or reads faulted. An
     * fstat per file; checked before results read from the archive are trusted.
     *
     * @throws IOException naming the file that changed
     */
    default void checkUnchanged() throws IOException {}

    /** Releases mappings and file handles; idempotent. */
    @Override
    void close() throws IOException;
}
