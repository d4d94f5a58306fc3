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

    /** Reading a buffer of an unmapped window would kill the JVM; a lent window stays mapped instead. */
    @Test
    void aSliceLentBeforeCloseStaysReadableAfterIt() throws IOException {
        MappedFile f = MappedFile.open(counting(1000), 64, 16);
        ByteBuffer early = f.slice(130, 16);
        byte[] header = f.bytes(0, 40);
        f.close();
        for (int i = 0; i < 16; i++) assertThat(early.get(i)).isEqualTo((byte) ((130 + i) * 7 + 3));
        assertThat(early.slice(4, 4).get(0)).isEqualTo((byte) (134 * 7 + 3));
        assertThat(header[39]).isEqualTo((byte) (39 * 7 + 3));
        assertThatThrownBy(() -> f.slice(130, 16)).isInstanceOf(IllegalStateException.class).hasMessageContaining("c.bin is closed");
        assertThatThrownBy(() -> f.bytes(0, 4)).isInstanceOf(IllegalStateException.class).hasMessageContaining("c.bin is closed");
    }

    @Test
    void closingWhileOthersReadGivesThemAnExceptionNeverBadBytes() throws Exception {
        int n = 1 << 16;
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 20; round++) {
                MappedFile f = MappedFile.open(counting(n), 1024, 256);
                MappedTensorData d = new MappedTensorData(f, 0, n, ByteOrder.LITTLE_ENDIAN);
                List<Future<String>> readers = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int seed = t;
                    readers.add(pool.submit(() -> {
                        for (long k = 0; ; k++) {
                            int off = (int) ((k * 7919L + seed * 104729L) % (n - 256));
                            try {
                                byte last = seed % 2 == 0 ? d.read(off, 256).get(255) : f.bytes(off, 256)[255];
                                if (last != (byte) ((off + 255) * 7 + 3)) return "wrong byte at " + (off + 255);
                            } catch (IllegalStateException e) {
                                return e.getMessage();
                            }
                        }
                    }));
                }
                Thread.sleep(2);
                f.close();
                for (Future<String> r : readers) assertThat(r.get()).endsWith("c.bin is closed");
            }
        } finally {
            pool.shutdown();
        }
    }

    /** Windows that lent nothing are unmapped at close, not left to the GC (Linux: /proc/self/maps). */
    @Test
    void onlyLentWindowsOutliveClose() throws IOException {
        Path maps = Path.of("/proc/self/maps");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(maps), "needs /proc/self/maps");
        Path copied = Files.write(tmp.resolve("copied.bin"), new byte[8192]);
        Path sliced = Files.write(tmp.resolve("sliced.bin"), new byte[8192]);
        MappedFile a = MappedFile.open(copied);
        MappedFile b = MappedFile.open(sliced);
        a.bytes(0, 8);
        ByteBuffer kept = b.slice(0, 8);
        assertThat(Files.readString(maps)).contains(copied.toRealPath().toString()).contains(sliced.toRealPath().toString());
        a.close();
        b.close();
        assertThat(Files.readString(maps)).doesNotContain(copied.toRealPath().toString()).contains(sliced.toRealPath().toString());
        assertThat(kept.get(7)).isZero();
    }

    @Test
    void aPinnedReaderKeepsItsBuffersUntilItUnpinsThenCloseUnmaps() throws IOException {
        Path maps = Path.of("/proc/self/maps");
        Path p = Files.write(tmp.resolve("pinned.bin"), new byte[8192]);
        MappedFile f = MappedFile.open(p);
        MappedFile.Pin pin = f.pin();
        ByteBuffer owed = f.slice(100, 8);
        f.close();
        assertThat(owed.get(7)).isZero();
        assertThatThrownBy(() -> f.slice(100, 8)).isInstanceOf(IllegalStateException.class).hasMessageContaining("is closed");
        assertThatThrownBy(f::pin).isInstanceOf(IllegalStateException.class).hasMessageContaining("is closed");
        if (Files.isReadable(maps)) assertThat(Files.readString(maps)).contains(p.toRealPath().toString());
        pin.close();
        pin.close();
        if (Files.isReadable(maps)) assertThat(Files.readString(maps)).doesNotContain(p.toRealPath().toString());
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
