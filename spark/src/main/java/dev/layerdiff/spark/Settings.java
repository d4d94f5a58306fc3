package dev.layerdiff.spark;

import dev.layerdiff.compare.CompareOptions;
import dev.layerdiff.compare.NameMapping;
import dev.layerdiff.compare.ToleranceRule;
import dev.layerdiff.diagnosis.Precision;
import dev.layerdiff.engine.Device;
import java.io.Serializable;
import java.util.List;

/**
 * What every task needs to know about the comparison, as the command line gave it. Rules and mappings
 * travel as their command-line text and are parsed where they are used (the parsed forms hold compiled
 * patterns and are not serializable); {@link #check()} parses them once on the driver so that a typo
 * fails before any task runs.
 *
 * @param rtol         --rtol, or null
 * @param atol         --atol, or null
 * @param tolerances   --tol rules, GLOB=RTOL,ATOL
 * @param mappings     --map rules, REGEX=REPLACEMENT
 * @param equalNan     --equal-nan
 * @param precision    --precision, or null
 * @param diagnosis    false with --no-diagnosis
 * @param device       --device, or null for the default chain
 * @param taskBytes    input bytes (both sides) one Spark task compares at most before a pair is split
 * @param maxAttempts  how often Spark runs a failing task (its spark.task.maxFailures, or F of local[N,F])
 */
record Settings(Double rtol, Double atol, List<String> tolerances, List<String> mappings, boolean equalNan,
                String precision, boolean diagnosis, String device, long taskBytes, int maxAttempts)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    Settings {
        tolerances = List.copyOf(tolerances);
        mappings = List.copyOf(mappings);
        if (taskBytes < 1) throw new IllegalArgumentException("--task-bytes must be positive, got " + taskBytes);
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
    }

    /** Parses everything that can be wrong on the command line; throws IllegalArgumentException naming the option. */
    Settings check() {
        compareOptions();
        precisionOrNull();
        deviceChoice();
        return this;
    }

    /** The same settings with Spark's retry count. */
    Settings withMaxAttempts(int attempts) {
        return new Settings(rtol, atol, tolerances, mappings, equalNan, precision, diagnosis, device, taskBytes, attempts);
    }

    /** What {@code layerdiff compare} would use for the same flags (never images: a job writes none). */
    CompareOptions compareOptions() {
        return CompareOptions.builder()
                .rtol(rtol).atol(atol)
                .rules(tolerances.stream().map(ToleranceRule::parse).toList())
                .mappings(mappings.stream().map(NameMapping::parse).toList())
                .equalNan(equalNan)
                .build();
    }

    Precision precisionOrNull() {
        return precision == null ? null : Precision.parse(precision);
    }

    Device deviceChoice() {
        return Device.resolve(device);
    }
}
