package dev.layerdiff.report.html;

import dev.layerdiff.tensor.TensorEntry;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the report shows of one archive beside the other: where it is, its format, its dtypes and the
 * metadata its producer wrote (framework and library versions, device, host), where environments differ.
 *
 * @param path     the archive's path
 * @param format   its format name
 * @param tensors  how many tensors it holds
 * @param dtypes   tensors per dtype, most common first
 * @param metadata the archive's string metadata (safetensors {@code __metadata__}, capture's {@code producer})
 */
public record ArchiveSide(String path, String format, int tensors, Map<String, Long> dtypes,
                          Map<String, String> metadata) {
    public ArchiveSide {
        dtypes = Collections.unmodifiableMap(new LinkedHashMap<>(dtypes));
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** The side of an opened archive, from its tensor list and metadata. */
    public static ArchiveSide of(String path, String format, List<TensorEntry> tensors, Map<String, String> metadata) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (TensorEntry t : tensors) counts.merge(t.dtype().displayName(), 1L, Long::sum);
        Map<String, Long> sorted = new LinkedHashMap<>();
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return new ArchiveSide(path, format, tensors.size(), sorted, metadata);
    }
}
