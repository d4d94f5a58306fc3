package dev.layerdiff.io;

import java.nio.file.Path;

/** Run as a process by {@link AtomicFilesTest}: starts an atomic write, says so, then waits to be killed. */
final class SlowAtomicWrite {
    private SlowAtomicWrite() {}

    public static void main(String[] args) throws Exception {
        AtomicFiles.write(Path.of(args[0]), out -> {
            out.write(new byte[1 << 20]);
            out.flush();
            System.out.println("writing");
            System.out.flush();
            try {
                Thread.sleep(120_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }
}
