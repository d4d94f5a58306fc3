package dev.layerdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The completion script the build ships in share/bash-completion: every command and their options, and bash takes it. */
class CompletionTest {
    @TempDir
    Path tmp;

    @Test
    void scriptCompletesEveryCommandAndItsOptions() throws Exception {
        Path file = tmp.resolve("share/bash-completion/completions/layerdiff");
        Completion.main(new String[] {file.toString()});
        String script = Files.readString(file);
        assertThat(script).contains("complete -F _complete_layerdiff");
        for (String command : new String[] {"compare", "capture", "compare-model", "stats", "check", "ls", "doctor", "help"}) {
            assertThat(script).contains(command);
        }
        assertThat(script).contains("--max-inflated", "--referee", "--fail-on", "--model-device", "--param-grads");

        // Sourced by bash, it registers the completion function for the command.
        Process p = new ProcessBuilder("bash", "-c", "source \"$1\" && complete -p layerdiff", "bash", file.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("_complete_layerdiff").contains("layerdiff");
    }
}
