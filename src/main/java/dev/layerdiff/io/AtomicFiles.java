package dev.layerdiff.io;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.security.SecureRandom;

/**
 * Writes files so that readers see either the old file or the complete new one, never a torn write:
 * the content goes to a temporary file beside the target, is forced to disk, then renamed over it.
 * A temporary file still being written when the JVM shuts down (Ctrl-C, SIGTERM) is removed by a
 * shutdown hook, and a failure to write names the target, never the temporary file.
 */
public final class AtomicFiles {
    private static final SecureRandom RANDOM = new SecureRandom();

    private AtomicFiles() {}

    /** Temporary files being written now; the shutdown hook removes what is left of them. */
    private static final Set<Path> IN_FLIGHT = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(AtomicFiles::removeInFlight, "layerdiff-remove-temporary-files"));
    }

    /** Something that writes a file's content to a stream. */
    @FunctionalInterface
    public interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Atomically replaces {@code target} with what {@code writer} produces; creates parent directories.
     *
     * @throws FileSystemException naming {@code target} if the file system refuses the write (the
     *     writer's own exceptions, e.g. from reading its input, pass through as they are)
     */
    public static void write(Path target, Writer writer) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Path tmp;
        try {
            Files.createDirectories(dir);
            tmp = createTemporary(dir, "." + absolute.getFileName());
        } catch (IOException e) {
            throw cannotWrite(target, e);
        }
        IN_FLIGHT.add(tmp);
        try {
            FileChannel ch;
            try {
                ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
            } catch (IOException e) {
                throw cannotWrite(target, e);
            }
            try (ch) {
                // Writers may close the stream they are given (JSON generators and ImageIO do); the
                // channel must stay open until its content is forced to disk.
                OutputStream out = new BufferedOutputStream(new Marking(Channels.newOutputStream(ch)), 1 << 16) {
                    @Override
                    public void close() throws IOException { flush(); }
                };
                writer.writeTo(out);
                out.flush();
                force(ch, target);
            } catch (IOException e) {
                IOException own = ownFailure(e);
                throw own != null ? cannotWrite(target, own) : e;
            }
            try {
                move(tmp, absolute);
            } catch (IOException e) {
                throw cannotWrite(target, e);
            }
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } finally {
                IN_FLIGHT.remove(tmp);
            }
        }
    }

    private static void force(FileChannel ch, Path target) throws IOException {
        try {
            ch.force(true);
        } catch (IOException e) {
            throw cannotWrite(target, e);
        }
    }

    private static void move(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void removeInFlight() {
        for (Path tmp : IN_FLIGHT) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException | RuntimeException e) {
                // shutting down: nothing left to tell
            }
        }
    }

    /** The failure as the user should read it: {@code TARGET: cannot write (reason)}. */
    private static FileSystemException cannotWrite(Path target, IOException e) {
        String reason;
        if (e instanceof AccessDeniedException) reason = "permission denied";
        else if (e instanceof NoSuchFileException) reason = "no such file or directory";
        else if (e instanceof FileAlreadyExistsException f) reason = f.getFile() + " is in the way";
        else if (e instanceof NotDirectoryException f) reason = f.getFile() + " is not a directory";
        else if (e instanceof FileSystemException f && f.getReason() != null) reason = f.getReason();
        else reason = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        FileSystemException out = new FileSystemException(target.toString(), null, "cannot write (" + reason + ")");
        out.initCause(e);
        return out;
    }

    /** A failure of the temporary file's own stream, however deep a writer (ImageIO) wrapped it. */
    private static IOException ownFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StreamFailure f) return (IOException) f.getCause();
        }
        return null;
    }

    /** Tells the file system's failures (disk full) apart from the writer's own (a bad input). */
    private static final class StreamFailure extends IOException {
        private static final long serialVersionUID = 1L;

        StreamFailure(IOException cause) { super(cause.getMessage(), cause); }
    }

    private static final class Marking extends FilterOutputStream {
        Marking(OutputStream out) { super(out); }

        @Override
        public void write(int b) throws IOException {
            try {
                out.write(b);
            } catch (IOException e) {
                throw new StreamFailure(e);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw new StreamFailure(e);
            }
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                throw new StreamFailure(e);
            }
        }
    }

    /**
     * A new empty file beside the target, created with the mode the umask leaves of 0666 (as the shell's
     * {@code >} does): {@link Files#createTempFile} makes it 0600, and the rename would hand that to the
     * report or dump everyone else is meant to read.
     */
    private static Path createTemporary(Path dir, String prefix) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path tmp = dir.resolve(prefix + "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".tmp");
            try {
                return Files.createFile(tmp);
            } catch (FileAlreadyExistsException e) {
                if (attempt == 100) throw e;
            }
        }
    }
}
