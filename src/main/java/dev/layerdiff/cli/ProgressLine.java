package dev.layerdiff.cli;

import dev.layerdiff.compare.Progress;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * One line on a terminal's stderr, redrawn in place while a long comparison runs: bytes done, the
 * rate, the time left. It appears only after {@code afterMs} (a quick comparison shows none) and is
 * erased when the comparison ends, so the table below starts on a clean line.
 */
final class ProgressLine implements Progress, AutoCloseable {
    private static final long REDRAW_MS = 250;
    private static final String ERASE = "\r\u001B[K";

    private final PrintWriter err;
    private final long afterMs;
    private final LongSupplier clock;
    private final AtomicLong done = new AtomicLong();
    private volatile long total;
    private volatile long startNanos;
    private ScheduledExecutorService timer;
    private volatile boolean drawn;

    ProgressLine(PrintWriter err, long afterMs) {
        this(err, afterMs, System::nanoTime);
    }

    ProgressLine(PrintWriter err, long afterMs, LongSupplier nanoClock) {
        this.err = err;
        this.afterMs = afterMs;
        this.clock = nanoClock;
    }

    @Override
    public void started(long totalBytes) {
        total = totalBytes;
        startNanos = clock.getAsLong();
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "layerdiff-progress");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::draw, afterMs, REDRAW_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void completed(long bytes) {
        done.addAndGet(bytes);
    }

    private void draw() {
        synchronized (err) {
            err.print(ERASE + line());
            err.flush();
            drawn = true;
        }
    }

    /** {@code compared 1.20 of 6.44 GB, 9.8 GB/s, 0:03 left}. */
    String line() {
        long d = done.get();
        double seconds = (clock.getAsLong() - startNanos) / 1e9;
        double rate = seconds > 0 ? d / seconds : 0;
        String left = rate > 0 && d > 0 ? clockTime((total - d) / rate) + " left" : "time left unknown";
        return String.format(Locale.ROOT, "compared %.2f of %.2f GB, %.1f GB/s, %s", d / 1e9, total / 1e9, rate / 1e9, left);
    }

    private static String clockTime(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    /** Stops redrawing and erases the line if one was drawn. */
    @Override
    public void close() {
        if (timer == null) return;
        timer.shutdownNow();
        try {
            timer.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (err) {
            if (drawn) {
                err.print(ERASE);
                err.flush();
            }
        }
    }
}
