package dev.layerdiff.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.layerdiff.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What {@code layerdiff compare --json} writes for one pair on this machine: what every job report must equal. */
final class LocalEngine {
    private LocalEngine() {}

    static JsonNode report(String reference, String candidate, String... flags) throws IOException {
        Path json = Files.createTempFile("layerdiff-local-", ".json");
        try {
            List<String> args = new ArrayList<>(List.of("compare", reference, candidate, "--json", json.toString(), "--quiet"));
            args.addAll(List.of(flags));
            StringWriter err = new StringWriter();
            int code = Main.execute(args.toArray(String[]::new), new PrintWriter(new StringWriter()), new PrintWriter(err));
            assertThat(code).as("layerdiff compare %s %s: %s", reference, candidate, err).isIn(0, 1);
            return Fixtures.readJson(json);
        } finally {
            Files.deleteIfExists(json);
        }
    }
}
