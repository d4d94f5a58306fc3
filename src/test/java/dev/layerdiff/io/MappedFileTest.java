package dev.layerdiff.io;

import dev.layerdiff.archive.MappedTensorData;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Window arithmetic with tiny windows, concurrent reads and idempotent close. */
class MappedFileTest {
    @TempDir
    Path tmp;

    private Path counting(int n) throws IOException {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 7 + 3);
        return Files.write(tmp.resolve("c.bin"), b);
    }

    @Test
    void everyReadUpToTheLimitFitsOneWindow() throws IOException {
        int n = 1000;
        Path p = counting(n);
        try (MappedFile f = MappedFile.open(p, 64, 16)) {
            for (int off = 0; off < n; off++) {
                for (int len = 0; len <= 16 && off + len <= n; len++) {
                    ByteBuffer b = f.slice(off, len);
                    assertThat(b.position()).isZero();
                    assertThat(b.limit()).isEqualTo(len);
                    for (int i = 0; i < len; i++) assertThat(b.get(i)).isEqualTo((byte) ((off + i) * 7 + 3));
                }
            }
            assertThatThrownBy(() -> f.slice(0, 17)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> f.slice(n - 3, 4)).isInstanceOf(IndexOutOfBoundsException.class)
                    .hasMessageContaining("[997, 1001)");
            assertThat(f.bytes(10, 500)[499]).isEqualTo((byte) (509 * 7 + 3));
        }
    }

    @Test
    void concurrentReadsAgree() throws Exception {
        int n = 1 << 16;
        Path p = counting(n);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (MappedFile f = MappedFile.open(p, 4096, 512)) {
            MappedTensorData d = new MappedTensorData(f, 0, n, ByteOrder.LITTLE_ENDIAN);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int seed = t;
                results.add(pool.submit(() -> {
                    for (int k = 0; k < 2000; k++) {
                        int off = (k * 7919 + seed * 104729) % (n - 512);
                        ByteBuffer b = d.read(off, 512);
                        if (b.order() != ByteOrder.LITTLE_ENDIAN || b.get(511) != (byte) ((off + 511) * 7 + 3)) return false;
                    }
                    return true;
                }));
            }
            for (Future<Boolean> r : results) assertThat(r.get()).isTrue();
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void closeIsIdempotentAndLaterReadsFail() throws IOException {
        MappedFile f = MappedFile.open(counting(100));
        f.slice(0, 10);
        f.close();
        f.close();
        assertThatThrownBy(() -> f.slice(0, 10)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    /** A file cut short by another process while open: a clear error naming it, never a SIGBUS. */
    @Test
    void aFileThatShrinksWhileOpenIsAnErrorNotACrash() throws IOException {
        Path p = counting(1 << 16);
        try (MappedFile f = MappedFile.open(p)) {
            assertThat(f.slice(0, 1 << 16).get(5)).isEqualTo((byte) 38);
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(p,
                    java.nio.file.StandardOpenOption.WRITE)) {
                ch.truncate(100);
            }
            sleepPastTheSizeCheckInterval();
            assertThatThrownBy(() -> f.slice(4096, 4096))
                    .isInstanceOf(dev.layerdiff.io.BadFileException.class)
                    .hasMessageContaining(p.toString())
                    .hasMessageContaining("shrank from 65536 to 100 bytes");
        }
    }

    private static void sleepPastTheSizeCheckInterval() {
        try {
            Thread.sleep(5); // the size is checked at most once a millisecond
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
