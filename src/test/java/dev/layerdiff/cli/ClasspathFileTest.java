package dev.layerdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The run-time class path the build writes for tools (target/classpath.txt) and for the distribution
 * (target/dist-classpath, its lib/classpath): run-time scope only, libtorch included (capture runs from
 * the distribution), no test library. Both are written at generate-resources, before the tests run.
 */
class ClasspathFileTest {

    @Test
    void classpathTxtListsTheRuntimeScopeOnly() throws Exception {
        assertRuntimeOnly(Path.of("target", "classpath.txt"));
    }

    @Test
    void distributionClasspathListsTheRuntimeScopeOnlyRelativeToLib() throws Exception {
        List<String> entries = assertRuntimeOnly(Path.of("target", "dist-classpath"));
        assertThat(entries).allSatisfy(e -> {
            assertThat(e).startsWith("@LIB@/");
            assertThat(e.substring("@LIB@/".length())).doesNotContain("/");
        });
    }

    private static List<String> assertRuntimeOnly(Path file) throws Exception {
        assertThat(file).as("written by the build at generate-resources").exists();
        List<String> entries = Arrays.asList(Files.readString(file).trim().split(File.pathSeparator));
        List<String> names = entries.stream().map(e -> e.substring(e.lastIndexOf('/') + 1)).toList();
        assertThat(names).anyMatch(n -> n.startsWith("picocli-"))
                .anyMatch(n -> n.startsWith("jackson-databind-"))
                .anyMatch(n -> n.startsWith("javacpp-"))
                .anyMatch(n -> n.startsWith("pytorch-"))
                .anyMatch(n -> n.startsWith("openblas-"));
        assertThat(names).noneMatch(n -> n.startsWith("junit-") || n.startsWith("assertj-") || n.startsWith("byte-buddy")
                || n.startsWith("archunit") || n.startsWith("jazzer") || n.startsWith("selenium") || n.startsWith("opentest4j"));
        return entries;
    }
}
