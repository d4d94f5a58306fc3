package dev.layerdiff.spark;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line of the manifest: the pair and its labels (rank, step, ...), which stay on the driver and are
 * carried into the summary and every row of {@code layers.parquet}.
 *
 * @param labels label values as the manifest gave them
 */
record ArchivePair(PairInput input, Map<String, JsonNode> labels) {
    ArchivePair {
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }
}
