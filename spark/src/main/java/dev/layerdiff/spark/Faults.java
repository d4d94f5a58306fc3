package dev.layerdiff.spark;

import dev.layerdiff.io.BadFileException;
import java.io.FileNotFoundException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.apache.spark.TaskContext;

/**
 * How a pair's task fails. Bad input (a malformed, truncated or missing archive, plan errors such as two
 * candidates renamed alike) fails that pair at once: running it again would fail again. Anything else (a
 * lost mount, a flaky read) is thrown, so that Spark runs the task again, up to its limit; on the last
 * attempt it too becomes the pair's error, so that one pair never fails the job.
 */
final class Faults {
    private Faults() {}

    static <T> T orError(PairInput pair, Settings settings, Callable<T> work, Function<String, T> failed) throws Exception {
        try {
            return work.call();
        } catch (Exception e) {
            Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
            if (isBadInput(cause) || lastAttempt(settings)) return failed.apply(message(pair, cause));
            throw e;
        }
    }

    private static boolean isBadInput(Throwable e) {
        return e instanceof BadFileException || e instanceof FileSystemException || e instanceof FileNotFoundException
                || e instanceof IllegalArgumentException;
    }

    private static boolean lastAttempt(Settings settings) {
        TaskContext task = TaskContext.get();
        return task == null || task.attemptNumber() + 1 >= settings.maxAttempts();
    }

    /** One line naming the file: the archive's location, never the local copy it was read from. */
    static String message(PairInput pair, Throwable e) {
        String m = describe(e);
        if (!m.contains(pair.reference()) && !m.contains(pair.candidate())) {
            m = pair.reference() + " vs " + pair.candidate() + ": " + m;
        }
        return m;
    }

    /** An exception as one line, the file first where it names one. */
    static String describe(Throwable e) {
        if (e instanceof UncheckedIOException u) e = u.getCause();
        String m;
        if (e instanceof NoSuchFileException n) m = n.getFile() + ": no such file or directory";
        else if (e instanceof AccessDeniedException a) m = a.getFile() + ": permission denied";
        else if (e instanceof FileSystemException f) m = f.getFile() + ": " + (f.getReason() != null ? f.getReason() : f.getClass().getSimpleName());
        else if (e.getMessage() != null) m = e.getMessage();
        else m = e.toString();
        return Staging.unstage(m).replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
