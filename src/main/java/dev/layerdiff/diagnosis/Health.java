package dev.layerdiff.diagnosis;

import java.util.List;

/**
 * What a health check found in one archive.
 *
 * @param archive  the archive's path
 * @param tensors  how many tensors were checked
 * @param findings what was found, most serious kind first, then in the archive's order
 * @param unread   layers that could hold dead units but were not read a second time (a budget ran out)
 * @param initialised activations that are constant as initialisation leaves parameters and buffers (1-D,
 *                 every value 0 or every value 1: a norm's weight, bias or running statistics, a fresh
 *                 bias): expected, so not findings
 */
public record Health(String archive, int tensors, List<Finding> findings, int unread, List<String> initialised) {

    /** Exit status when nothing was found. */
    public static final int EXIT_HEALTHY = 0;
    /** Exit status when something was found. */
    public static final int EXIT_FINDINGS = 1;

    public Health {
        findings = List.copyOf(findings);
        initialised = List.copyOf(initialised);
    }

    /** A check that read every layer it needed to and met no initialised tensor. */
    public Health(String archive, int tensors, List<Finding> findings) {
        this(archive, tensors, findings, 0, List.of());
    }

    /** Whether nothing was found. */
    public boolean healthy() { return findings.isEmpty(); }

    /** {@link #EXIT_HEALTHY} or {@link #EXIT_FINDINGS}. */
    public int exitCode() { return healthy() ? EXIT_HEALTHY : EXIT_FINDINGS; }
}
