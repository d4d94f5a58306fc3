package dev.layerdiff;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Java example, compiled and run as written: its first {@code java} block under "Java API"
 * becomes the body of a main method (its imports stay imports), compiled against the class path and run
 * in a fresh JVM in a directory holding ref.safetensors (the example CNN) and cand.pt (the same model in
 * train mode, a torch.save zip): it must print the verdict, the culprit and write report.json.
 */
class ReadmeExampleTest {
    @TempDir
    Path tmp;

    @Test
    void theJavaApiExampleCompilesAndFindsTheCulprit() throws IOException, InterruptedException {
        String readme = Files.readString(Path.of("README.md"));
        int section = readme.indexOf("\n## Java API");
        int start = readme.indexOf("```java\n", section) + "```java\n".length();
        String block = readme.substring(start, readme.indexOf("\n```", start));
        StringBuilder imports = new StringBuilder(), body = new StringBuilder();
        for (String line : block.split("\n")) (line.startsWith("import ") ? imports : body).append(line).append('\n');
        String source = imports + "public class ReadmeExample {\n    public static void main(String[] args) throws Exception {\n"
                + body + "    }\n}\n";
        Path src = Files.writeString(tmp.resolve("ReadmeExample.java"), source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int compiled = javac.run(null, null, null, "-d", tmp.toString(), "-cp", System.getProperty("java.class.path"), src.toString());
        assertThat(compiled).as(source).isZero();

        Files.copy(Fixtures.path("cnn_ref_cpu.safetensors"), tmp.resolve("ref.safetensors"));
        Files.copy(Fixtures.path("cnn_bug_trainmode.pt"), tmp.resolve("cand.pt"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-cp", tmp + File.pathSeparator
                + System.getProperty("java.class.path"), "ReadmeExample"));
        Process p = ChildJvm.of(cmd).directory(tmp.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("activations: bug, introduced at bn1");
        assertThat(tmp.resolve("report.json")).exists();
    }
}
