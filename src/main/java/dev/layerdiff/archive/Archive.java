package dev.layerdiff.archive;

import dev.layerdiff.tensor.TensorEntry;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An opened dump: an ordered list of named tensors whose data stays in the file (memory-mapped or
 * streamed) until read. Close it to release mappings; buffers read from it are invalid afterwards.
 */
public interface Archive extends Closeable {

    /** The file or directory this archive was opened from. */
    Path path();

    /** Format name: {@code npy}, {@code npz}, {@code npy-dir}, {@code pt-dir}, {@code safetensors} or {@code pt}. */
    String format();

    /** Tensors in the archive's order (execution order where the producer recorded it). */
    List<TensorEntry> tensors();

    /** String metadata the archive carries (safetensors {@code __metadata__}); empty if none. */
    Map<String, String> metadata();

    /** Releases mappings and file handles; idempotent. */
    @Override
    void close() throws IOException;
}
