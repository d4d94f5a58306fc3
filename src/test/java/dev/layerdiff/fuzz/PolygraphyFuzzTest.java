package dev.layerdiff.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;

/**
 * Fuzzes the Polygraphy JSON reader through open, list and compare. {@code mvn test} runs the seeds and
 * past findings in {@code src/test/resources/dev/layerdiff/fuzz/PolygraphyFuzzTestInputs} (written by
 * tools/make_polygraphy_fixtures.py); to fuzz:
 * {@code JAZZER_FUZZ=1 JAZZER_MAX_DURATION=10m mvn -B test -Djavacpp.skip=true -Dtest=PolygraphyFuzzTest}.
 */
class PolygraphyFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void fuzz(byte[] data) throws IOException {
        ReaderFuzzing.run(data, "json");
    }
}
