package dev.layerdiff.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the process's standard streams are connected to, decided once in {@link Main#main}: colour only
 * when stdout is a terminal and {@code NO_COLOR} is unset (no-color.org) and {@code TERM} is not
 * {@code dumb}; a progress line only when stderr is a terminal. Tests pass their own.
 *
 * @param colour          whether the table may use ANSI colours
 * @param progress        whether a progress line may be drawn on stderr
 * @param progressAfterMs how long a comparison runs before the progress line appears
 */
record Terminal(boolean colour, boolean progress, long progressAfterMs) {
    /** Neither colour nor progress: what a pipe, a file or a test's writer gets. */
    static final Terminal NONE = new Terminal(false, false, 0);
    /** Quick comparisons finish without a flash of progress. */
    static final long PROGRESS_AFTER_MS = 2000;
    /**
     * Set by the launcher, which filters the JVM's stderr through a pipe (to drop the incubator module
     * warning), so the JVM itself sees no terminal there.
     */
    static final String STDERR_TERMINAL_ENV = "LAYERDIFF_STDERR_TTY";

    static Terminal detect() {
        return of(System.getenv(), isTerminal(1), isTerminal(2));
    }

    /** What streams connected so ({@code stdout}, {@code stderr}: a terminal) get under this environment. */
    static Terminal of(Map<String, String> env, boolean stdout, boolean stderr) {
        String noColor = env.get("NO_COLOR");
        boolean colourWanted = (noColor == null || noColor.isEmpty()) && !"dumb".equals(env.get("TERM"));
        return new Terminal(colourWanted && stdout, stderr || "1".equals(env.get(STDERR_TERMINAL_ENV)), PROGRESS_AFTER_MS);
    }

    /**
     * Whether file descriptor {@code fd} is a terminal, from the device it links to (Linux); elsewhere
     * stdout counts as one when the JVM has a console, stderr never.
     */
    private static boolean isTerminal(int fd) {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return fd == 1 && System.console() != null;
        }
    }
}
