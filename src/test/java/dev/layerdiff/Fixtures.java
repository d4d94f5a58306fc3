package dev.layerdiff;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** Locates the PyTorch-made fixtures copied into test resources. */
public final class Fixtures {
    private Fixtures() {}

    /** A file or directory under {@code src/test/resources/fixtures}. */
    public static Path path(String name) {
        return resource("/fixtures/" + name);
    }

    /** A file or directory on the test class path, e.g. {@code /diagnosis/truth.json}. */
    public static Path resource(String name) {
        URL url = Fixtures.class.getResource(name);
        if (url == null) throw new IllegalArgumentException("no test resource " + name);
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
