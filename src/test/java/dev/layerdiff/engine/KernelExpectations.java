package dev.layerdiff.engine;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Where an accelerated CPU kernel must load. Each way it may legitimately be absent is an excuse that
 * skips the test class with its reason; past them all, its absence is a failure, not a skip.
 */
final class KernelExpectations {
    private KernelExpectations() {}

    /** A reason the kernel need not be here, and whether it holds. */
    record Excuse(boolean holds, String reason) {}

    /** The kernel was switched off with {@code -Dproperty=false}. */
    static Excuse disabledBy(String property) {
        return new Excuse("false".equals(System.getProperty(property)), "disabled by -D" + property + "=false");
    }

    /** Skips the calling test class if any excuse holds. */
    static void expectKernelUnless(Excuse... excuses) {
        for (Excuse e : excuses) assumeTrue(!e.holds(), e.reason());
    }
}
