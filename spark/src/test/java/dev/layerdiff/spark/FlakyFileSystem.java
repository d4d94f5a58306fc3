package dev.layerdiff.spark;

import java.io.IOException;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * {@code flaky:} URIs name local files through a Hadoop file system that is not the local one, so the job
 * stages them as it would {@code hdfs:} files. The first open of each file fails, as a dropped connection
 * does; files whose name contains {@code broken} fail every time.
 */
public final class FlakyFileSystem extends RawLocalFileSystem {
    static final String SCHEME = "flaky";
    private static final Set<String> OPENED = ConcurrentHashMap.newKeySet();

    @Override
    public URI getUri() {
        return URI.create(SCHEME + ":///");
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public FSDataInputStream open(Path f, int bufferSize) throws IOException {
        if (f.getName().contains("broken") || OPENED.add(f.toUri().getPath())) {
            throw new IOException("injected: connection reset while opening " + f);
        }
        return super.open(f, bufferSize);
    }

    /** Forgets which files were opened, so that each test sees first opens fail. */
    static void reset() {
        OPENED.clear();
    }
}
