package dev.layerdiff.report.html;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * The page's own template, style and script (resources beside this class) and uPlot's, read from its
 * webjar on the class path: the version is the one Maven resolved, named once in the pom.
 */
record PageAssets(String template, String style, String script, String chartStyle, String chartScript,
                  String chartLicense) {
    private static final String WEBJAR = "META-INF/resources/webjars/uplot/";
    private static final String WEBJAR_POM = "META-INF/maven/org.webjars.npm/uplot/pom.properties";
    private static volatile PageAssets loaded;

    static PageAssets load() {
        PageAssets a = loaded;
        if (a == null) {
            String base = WEBJAR + uplotVersion() + "/";
            a = new PageAssets(own("page.html"), own("page.css"), own("page.js"),
                    resource(base + "dist/uPlot.min.css"),
                    // An inlined script ends at the first "</script", wherever it stands.
                    resource(base + "dist/uPlot.iife.min.js").replace("</script", "<\\/script"),
                    resource(base + "LICENSE"));
            loaded = a;
        }
        return a;
    }

    private static String uplotVersion() {
        Properties p = new Properties();
        try (InputStream in = PageAssets.class.getClassLoader().getResourceAsStream(WEBJAR_POM)) {
            if (in == null) throw missing(WEBJAR_POM);
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("version");
    }

    private static String own(String name) {
        return read(PageAssets.class.getResourceAsStream(name), name);
    }

    private static String resource(String path) {
        return read(PageAssets.class.getClassLoader().getResourceAsStream(path), path);
    }

    private static String read(InputStream in, String name) {
        if (in == null) throw missing(name);
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A packaging bug, not bad input: the jar or the class path lacks what the build put there. */
    private static IllegalStateException missing(String name) {
        return new IllegalStateException("the HTML report's " + name + " is not on the class path (is the uPlot webjar missing?)");
    }
}
