package dev.layerdiff.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The pieces every backend shares: how tensors split into chunks, and how their tasks are awaited. */
class BackendPlumbingTest {
    @Test
    void chunksCoverEveryElementOnce() {
        assertThat(new Chunks(0, 4).count()).isZero();
        assertThat(new Chunks(8, 4).count()).isEqualTo(2);
        Chunks c = new Chunks(9, 4);
        assertThat(c.count()).isEqualTo(3);
        assertThat(List.of(c.first(0), c.first(1), c.first(2))).containsExactly(0L, 4L, 8L);
        assertThat(List.of(c.length(0), c.length(1), c.length(2))).containsExactly(4, 4, 1);
        Chunks big = new Chunks(3L << 32, 1 << 26);
        assertThat(big.count()).isEqualTo(192);
        assertThat(big.first(191) + big.length(191)).isEqualTo(3L << 32);
        assertThatThrownBy(() -> new Chunks(5, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void awaitAllWaitsForEveryTaskThenThrowsTheFirstFailure() throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch failed = new CountDownLatch(1);
            AtomicBoolean slowDone = new AtomicBoolean();
            Future<?> failing = pool.submit(() -> {
                failed.countDown();
                throw new UncheckedIOException(new IOException("disk gone"));
            });
            Future<?> slow = pool.submit(() -> {
                failed.await();
                Thread.sleep(200);
                slowDone.set(true);
                return null;
            });
            assertThatThrownBy(() -> Futures.awaitAll(List.of(failing, slow), "comparing"))
                    .isInstanceOf(IOException.class).hasMessage("disk gone");
            assertThat(slowDone).as("the slow task finished before awaitAll threw").isTrue();
            assertThatThrownBy(() -> Futures.awaitAll(List.of(CompletableFuture.failedFuture(new ArithmeticException("x"))),
                    "comparing")).isInstanceOf(ArithmeticException.class);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void nativeLibrariesRefuseWithTheReason() {
        assertThatThrownBy(() -> NativeLibraries.load("test kernels", BackendPlumbingTest.class, "macosx-arm64", "no",
                () -> {})).isInstanceOf(UnsupportedOperationException.class).hasMessage("no test kernels built for macosx-arm64");
        assertThatThrownBy(() -> NativeLibraries.load("test kernels", BackendPlumbingTest.class, NativeLibraries.PLATFORM,
                "built without it", () -> {})).isInstanceOf(UnsupportedOperationException.class)
                .hasMessage("this build has no test kernels (built without it)");
        // A resource of that name is in the test classes; its load fails as a broken library's would.
        assertThatThrownBy(() -> NativeLibraries.load("test kernels", NativeLibrariesTest.class, NativeLibraries.PLATFORM,
                "built without it", () -> {
                    throw new UnsatisfiedLinkError("invalid ELF header");
                })).isInstanceOf(IllegalStateException.class)
                .hasMessage("packaging bug: test kernels for linux-x86_64 in the jar failed to load: invalid ELF header");
    }

    /** Stands for a binding class whose library resource exists (src/test/resources). */
    private static final class NativeLibrariesTest {}
}
