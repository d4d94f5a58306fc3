package dev.layerdiff.io;

import java.io.Closeable;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A read-only file mapped lazily in overlapping windows, so that files larger than 2 GiB (the limit of
 * one {@link MappedByteBuffer}) and larger than RAM can be read with long offsets.
 *
 * <p>Window {@code i} covers {@code [i * WINDOW, i * WINDOW + WINDOW + MAX_READ)}: any read of at most
 * {@link #MAX_READ} bytes starting in window {@code i} lies wholly inside it, so a read never spans two
 * mappings. Reads use absolute slices only and are thread-safe.
 *
 * <p>After {@link #close} every read throws {@link IllegalStateException}, and no buffer handed out
 * before it ever points at unmapped memory (reading one would kill the JVM, in native code or not).
 * Close unmaps at once (where the JDK lets us), since a lingering mapping of a multi-GiB file holds
 * address space, page tables and, on Windows, the file itself; but only windows no buffer is still
 * owed from. A reader that {@link #pin}s the file owns the buffers it slices until it unpins, and a
 * close meanwhile waits for the last unpin to unmap; a buffer sliced outside a pin is lent for good,
 * and its window is left to the garbage collector, which unmaps it once that buffer and every buffer
 * sliced from it are unreachable.
 */
public final class MappedFile implements Closeable {

    /** Largest single read, in bytes. */
    public static final int MAX_READ = 64 << 20;

    private static final long DEFAULT_WINDOW = 1L << 30;
    /** Longest time between two checks that the file has not shrunk. */
    private static final long SIZE_CHECK_NANOS = 1_000_000;

    private final Path path;
    private final FileChannel channel;
    private final long size;
    private final long window;
    private final int maxRead;
    private final AtomicReferenceArray<MappedByteBuffer> windows;
    /** 1 where {@link #slice} lent a buffer of the window outside a pin: only the GC may unmap it. */
    private final AtomicIntegerArray lent;
    /** Threads holding a pin, with how many: their slices are owed back at unpin, not lent. */
    private final ConcurrentHashMap<Thread, Integer> pinnedBy = new ConcurrentHashMap<>();
    /** Held shared by copies out of a window, exclusive while windows are unmapped. */
    private final ReadWriteLock unmapping = new ReentrantReadWriteLock();
    private volatile boolean closed;
    /** Open pins; guarded by this. */
    private int pins;
    /** Whether the windows were released; guarded by this. */
    private boolean released;
    /** Time of the last size check (see {@link #checkNotShrunk}). */
    private volatile long sizeCheckedAt = System.nanoTime() - 2 * SIZE_CHECK_NANOS;

    private MappedFile(Path path, FileChannel channel, long size, long window, int maxRead) {
        this.path = path;
        this.channel = channel;
        this.size = size;
        this.window = window;
        this.maxRead = maxRead;
        long count = size == 0 ? 0 : (size - 1) / window + 1;
        this.windows = new AtomicReferenceArray<>(Math.toIntExact(count));
        this.lent = new AtomicIntegerArray(windows.length());
    }

    /** Opens {@code path} for reading with 1 GiB windows. */
    public static MappedFile open(Path path) throws IOException {
        return open(path, DEFAULT_WINDOW, MAX_READ);
    }

    /** Opens with a custom window and read limit; small values let tests cross window boundaries cheaply. */
    static MappedFile open(Path path, long window, int maxRead) throws IOException {
        if (window <= 0 || maxRead <= 0) throw new IllegalArgumentException("window and maxRead must be positive");
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        try {
            return new MappedFile(path, ch, ch.size(), window, maxRead);
        } catch (RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** The file's path. */
    public Path path() { return path; }

    /** The file name as error messages show it. */
    public String name() { return path.toString(); }

    /** File length in bytes, as it was when opened. */
    public long size() { return size; }

    /** Largest length {@link #slice} accepts. */
    public int maxRead() { return maxRead; }

    /**
     * Returns a read-only big-endian view of {@code [offset, offset + length)}, position 0. It stays
     * valid after {@link #close} for as long as it is reachable.
     *
     * @throws IllegalArgumentException if {@code length} exceeds {@link #maxRead()}
     * @throws IndexOutOfBoundsException if the range is outside the file
     * @throws IllegalStateException if the file was closed
     * @throws BadFileException if the file has shrunk since it was opened
     */
    public ByteBuffer slice(long offset, int length) throws IOException {
        checkRead(offset, length);
        if (length == 0) return ByteBuffer.allocate(0).asReadOnlyBuffer();
        int index = (int) (offset / window);
        MappedByteBuffer w = window(index);
        if (lent.get(index) == 0 && !pinnedBy.containsKey(Thread.currentThread())) lent.set(index, 1);
        // close() sets closed, then reads lent (or waits for the pin): one of the two sees the other's
        // write, so it never unmaps a window whose buffer this returns.
        if (closed) throw closedException();
        checkNotShrunk();
        return w.slice((int) (offset - index * window), length);
    }

    private void checkRead(long offset, int length) {
        if (length < 0 || length > maxRead) {
            throw new IllegalArgumentException("read of " + length + " bytes; at most " + maxRead + " per read");
        }
        if (offset < 0 || offset > size - length) {
            throw new IndexOutOfBoundsException("range [" + offset + ", " + (offset + length) + ") outside the file "
                    + name() + " of " + size + " bytes");
        }
    }

    /**
     * Touching a mapped page past the end of a file that shrank raises SIGBUS: the JVM turns it into an
     * InternalError in Java code, and the native kernel guards its own reads (fault_guard.c). An fstat at
     * most every {@link #SIZE_CHECK_NANOS} catches most truncations before any read faults, without a
     * syscall on every small read of a strided gather; the race it leaves is what those two catch.
     */
    private void checkNotShrunk() throws IOException {
        long t = System.nanoTime();
        if (t - sizeCheckedAt < SIZE_CHECK_NANOS) return;
        sizeCheckedAt = t;
        checkUnchanged();
    }

    /**
     * Throws if the file is now shorter than when it was opened: what a read that faulted (an
     * {@code InternalError} from Java code, a fault the native kernel caught) is checked against, and
     * what is checked once more before results read from the file are trusted. A no-op once closed.
     *
     * @throws BadFileException naming the file, saying it changed size while being read
     */
    public void checkUnchanged() throws IOException {
        if (closed) return;
        long now;
        try {
            now = channel.size();
        } catch (ClosedChannelException e) {
            if (closed) return; // a check racing close(): the reads it guards failed as ones after it
            throw e;
        }
        if (now < size) {
            throw new BadFileException(name(), "changed size while being read: shrank from " + size + " to " + now
                    + " bytes (overwritten or truncated by another process?)");
        }
    }

    /**
     * Copies {@code length} bytes at {@code offset} onto the heap; for small headers only. Lends no
     * buffer, so it does not keep a window mapped past {@link #close}.
     *
     * @throws IllegalStateException if the file was closed
     */
    public byte[] bytes(long offset, int length) throws IOException {
        byte[] out = new byte[length];
        unmapping.readLock().lock();
        try {
            int done = 0;
            while (done < length) {
                int n = Math.min(maxRead, length - done);
                checkRead(offset + done, n);
                int index = (int) ((offset + done) / window);
                MappedByteBuffer w = window(index);
                checkNotShrunk();
                w.get((int) (offset + done - index * window), out, done, n);
                done += n;
            }
        } finally {
            unmapping.readLock().unlock();
        }
        return out;
    }

    private IllegalStateException closedException() {
        return new IllegalStateException(name() + " is closed");
    }

    private MappedByteBuffer window(int index) throws IOException {
        if (closed) throw closedException();
        MappedByteBuffer w = windows.get(index);
        if (w != null) return w;
        synchronized (this) {
            if (closed) throw closedException();
            w = windows.get(index);
            if (w == null) {
                long start = index * window;
                long len = Math.min(window + maxRead, size - start);
                w = channel.map(FileChannel.MapMode.READ_ONLY, start, len);
                windows.set(index, w);
            }
            return w;
        }
    }

    /**
     * Keeps every buffer this thread slices valid until the pin is closed, even past {@link #close};
     * such buffers must not be used after that. A reader pins for the span of its work so that closing
     * the file afterwards can unmap at once.
     *
     * @throws IllegalStateException if the file was closed
     */
    public Pin pin() {
        synchronized (this) {
            if (closed) throw closedException();
            pins++;
        }
        Thread t = Thread.currentThread();
        pinnedBy.merge(t, 1, Integer::sum);
        return new Pin(t);
    }

    /** A {@link #pin} held; closing it is idempotent. */
    public final class Pin implements AutoCloseable {
        private final Thread thread;
        private final AtomicBoolean open = new AtomicBoolean(true);

        private Pin(Thread thread) {
            this.thread = thread;
        }

        @Override
        public void close() {
            if (!open.getAndSet(false)) return;
            pinnedBy.computeIfPresent(thread, (t, n) -> n == 1 ? null : n - 1);
            boolean last;
            synchronized (MappedFile.this) {
                last = --pins == 0 && closed;
            }
            if (last) release();
        }
    }

    /**
     * Refuses further reads and closes the file; unmaps the windows no buffer is owed from, now or, while
     * the file is pinned, at the last unpin; idempotent.
     */
    @Override
    public void close() throws IOException {
        boolean pinned;
        // Not under the monitor while waiting for copies: a copy may need it to map a window.
        synchronized (this) {
            if (closed) return;
            closed = true;
            pinned = pins > 0;
        }
        if (!pinned) release();
        channel.close();
    }

    /** Unmaps the windows that lent nothing and drops the others, for the GC; once. */
    private void release() {
        synchronized (this) {
            if (released) return;
            released = true;
        }
        unmapping.writeLock().lock();
        try {
            for (int i = 0; i < windows.length(); i++) {
                MappedByteBuffer w = windows.getAndSet(i, null);
                if (w != null && lent.get(i) == 0) Unmapper.unmap(w);
            }
        } finally {
            unmapping.writeLock().unlock();
        }
    }

    /** Throws unless {@code [offset, offset + length)} lies in the file; for checking untrusted headers. */
    public void checkRange(long offset, long length, String what) throws BadFileException {
        if (offset < 0 || length < 0 || offset > size || length > size - offset) {
            throw new BadFileException(name(), what + " [" + offset + ", " + (offset + length)
                    + ") exceeds the file size " + size + " (truncated or corrupt)");
        }
    }

    /**
     * Releases a mapping now instead of at garbage collection. Uses {@code sun.misc.Unsafe.invokeCleaner}
     * (jdk.unsupported); where that is missing the mapping is left to the GC, which is only slower.
     */
    private static final class Unmapper {
        private static final Object UNSAFE;
        private static final Method INVOKE_CLEANER;

        static {
            Object unsafe = null;
            Method m = null;
            try {
                Class<?> c = Class.forName("sun.misc.Unsafe");
                Field f = c.getDeclaredField("theUnsafe");
                f.setAccessible(true);
                unsafe = f.get(null);
                m = c.getMethod("invokeCleaner", ByteBuffer.class);
            } catch (ReflectiveOperationException | RuntimeException e) {
                unsafe = null;
                m = null;
            }
            UNSAFE = unsafe;
            INVOKE_CLEANER = m;
        }

        static void unmap(MappedByteBuffer b) {
            if (INVOKE_CLEANER == null || !Boolean.parseBoolean(System.getProperty("layerdiff.unmap", "true"))) return;
            try {
                INVOKE_CLEANER.invoke(UNSAFE, b);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // Left to the GC: correct, only slower to release.
            }
        }
    }
}
