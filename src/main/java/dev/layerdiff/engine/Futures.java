package dev.layerdiff.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for a backend's tasks, the same way in every backend. */
public final class Futures {
    private Futures() {}

    /**
     * Waits for every future (so none still writes into a buffer when this returns), then rethrows the
     * first failure: an {@link UncheckedIOException} as its {@link IOException}, a runtime exception or
     * error as itself. Interrupted, it cancels the rest and throws naming {@code doing}.
     */
    public static void awaitAll(List<? extends Future<?>> futures, String doing) throws IOException {
        Throwable first = null;
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (first == null) first = e.getCause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                futures.forEach(g -> g.cancel(true));
                throw new IOException("interrupted while " + doing, e);
            }
        }
        if (first instanceof UncheckedIOException u) throw u.getCause();
        if (first instanceof RuntimeException r) throw r;
        if (first instanceof Error err) throw err;
        if (first != null) throw new IOException(first);
    }
}
