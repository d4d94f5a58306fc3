package dev.layerdiff;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A process builder for a test's child JVM. JAVA_TOOL_OPTIONS (which .ci/run sets to give every JVM an
 * empty JavaCPP cache) makes each JVM print "Picked up JAVA_TOOL_OPTIONS" on stderr; the child gets the
 * same options on its command line instead, so that what it prints is its own.
 */
public final class ChildJvm {
    private ChildJvm() {}

    /** {@code command[0]} is the java executable. */
    public static ProcessBuilder of(List<String> command) {
        List<String> cmd = new ArrayList<>(command);
        String tool = System.getenv("JAVA_TOOL_OPTIONS");
        if (tool != null && !tool.isBlank()) cmd.addAll(1, Arrays.asList(tool.trim().split("\\s+")));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        return pb;
    }

    public static ProcessBuilder of(String... command) {
        return of(List.of(command));
    }
}
