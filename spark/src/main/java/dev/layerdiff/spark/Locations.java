package dev.layerdiff.spark;

import java.net.URI;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Archive locations as a manifest names them: a path of the executors' file system (local disk or a
 * shared mount), a {@code file:} URI, or another Hadoop FileSystem URI ({@code hdfs:}, {@code s3a:}, ...).
 */
final class Locations {
    /** RFC 3986 scheme, at least two characters so that nothing mistakes a drive letter for one. */
    private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]+:");

    private Locations() {}

    /** Whether the readers can open it in place (memory-mapped): a plain path or a {@code file:} URI. */
    static boolean isLocal(String location) {
        return !SCHEME.matcher(location).find() || location.regionMatches(true, 0, "file:", 0, 5);
    }

    /** The local path of a location for which {@link #isLocal} holds. */
    static Path localPath(String location) {
        if (!SCHEME.matcher(location).find()) return Path.of(location);
        return Path.of(URI.create(location));
    }

    /**
     * A manifest entry's location: as written when it is absolute or has a scheme, else relative to the
     * folder holding the manifest.
     */
    static String resolve(String manifest, String entry) {
        if (SCHEME.matcher(entry).find() || entry.startsWith("/")) return entry;
        int slash = manifest.lastIndexOf('/');
        return slash < 0 ? entry : manifest.substring(0, slash + 1) + entry;
    }

    /** The last path segment: what the readers see as the file's name. */
    static String fileName(String location) {
        String s = location.endsWith("/") ? location.substring(0, location.length() - 1) : location;
        return s.substring(s.lastIndexOf('/') + 1);
    }
}
