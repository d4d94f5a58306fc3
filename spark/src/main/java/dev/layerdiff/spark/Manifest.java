package dev.layerdiff.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The manifest: JSON lines {@code {"reference": PATH, "candidate": PATH, "labels": {...}}}, blank lines
 * ignored. Relative paths are relative to the manifest's folder. Any Hadoop URI may name it.
 */
final class Manifest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Manifest() {}

    /** @throws IllegalArgumentException naming the manifest and line of the first bad entry */
    static List<ArchivePair> read(String location, Configuration conf) throws IOException {
        Path path = new Path(location);
        FileSystem fs = path.getFileSystem(conf);
        if (!fs.exists(path)) throw new java.nio.file.NoSuchFileException(location);
        List<ArchivePair> pairs = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(path), StandardCharsets.UTF_8))) {
            String line;
            for (int number = 1; (line = in.readLine()) != null; number++) {
                if (line.isBlank()) continue;
                pairs.add(entry(location, number, line, pairs.size()));
            }
        }
        if (pairs.isEmpty()) throw new IllegalArgumentException(location + ": no pairs in the manifest");
        return pairs;
    }

    private static ArchivePair entry(String manifest, int number, String line, int index) {
        String where = manifest + ":" + number;
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(where + ": not JSON: " + e.getOriginalMessage());
        }
        if (!node.isObject()) throw new IllegalArgumentException(where + ": expected an object with reference and candidate");
        String reference = path(node, "reference", where), candidate = path(node, "candidate", where);
        for (Iterator<String> keys = node.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (!key.equals("reference") && !key.equals("candidate") && !key.equals("labels")) {
                throw new IllegalArgumentException(where + ": unknown key '" + key + "' (expected reference, candidate, labels)");
            }
        }
        Map<String, JsonNode> labels = new LinkedHashMap<>();
        JsonNode l = node.get("labels");
        if (l != null && !l.isNull()) {
            if (!l.isObject()) throw new IllegalArgumentException(where + ": labels must be an object");
            l.fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue()));
        }
        return new ArchivePair(new PairInput(index, Locations.resolve(manifest, reference),
                Locations.resolve(manifest, candidate)), labels);
    }

    private static String path(JsonNode node, String key, String where) {
        JsonNode v = node.get(key);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new IllegalArgumentException(where + ": '" + key + "' must be a non-empty path");
        }
        return v.asText();
    }
}
