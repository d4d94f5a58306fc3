package dev.layerdiff.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileSystem;

/**
 * Archives on a Hadoop file system that is not local ({@code hdfs:}, {@code s3a:}) are copied whole to
 * this executor's local disk before they are opened, once per executor and job, because the readers map
 * files into memory and Hadoop streams cannot be mapped. The copies live under {@code java.io.tmpdir}
 * (on YARN, the container's own directory) and are deleted when the JVM exits.
 */
final class Staging {
    private static final Map<String, CompletableFuture<Path>> COPIES = new ConcurrentHashMap<>();
    private static final AtomicInteger NEXT = new AtomicInteger();
    private static volatile Path root;

    private Staging() {}

    /** Where the readers open {@code location}: in place when it is local, else the local copy (made on first use). */
    static Path open(String location) throws IOException {
        if (Locations.isLocal(location)) return Locations.localPath(location);
        CompletableFuture<Path> mine = new CompletableFuture<>();
        CompletableFuture<Path> copy = COPIES.putIfAbsent(location, mine);
        if (copy == null) {
            try {
                mine.complete(copyToLocal(location));
            } catch (IOException | RuntimeException e) {
                COPIES.remove(location, mine); // a retry of the task tries again
                mine.completeExceptionally(e);
            }
            copy = mine;
        }
        try {
            return copy.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(location + ": interrupted while copying to local disk", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IOException(location + ": " + e.getCause(), e.getCause());
        }
    }

    /** A message about a local copy, naming the location it was copied from instead. */
    static String unstage(String message) {
        for (Map.Entry<String, CompletableFuture<Path>> e : COPIES.entrySet()) {
            Path local = e.getValue().getNow(null);
            if (local != null) message = message.replace(local.toString(), e.getKey());
        }
        return message;
    }

    private static Path copyToLocal(String location) throws IOException {
        org.apache.hadoop.fs.Path source = new org.apache.hadoop.fs.Path(location);
        FileSystem fs = source.getFileSystem(HadoopConf.get());
        if (!fs.exists(source)) throw new java.nio.file.NoSuchFileException(location);
        Path target = root().resolve(Integer.toString(NEXT.incrementAndGet())).resolve(Locations.fileName(location));
        Files.createDirectories(target.getParent());
        // The raw local file system writes no .crc files beside the copy.
        fs.copyToLocalFile(false, source, new org.apache.hadoop.fs.Path(target.toUri()), true);
        return target;
    }

    private static synchronized Path root() throws IOException {
        if (root == null) {
            Path dir = Files.createTempDirectory("layerdiff-staged-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir), "layerdiff-staged-cleanup"));
            root = dir;
        }
        return root;
    }

    private static void delete(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            System.err.println("layerdiff: could not delete the staged copies in " + dir + ": " + e.getMessage());
        }
    }
}
