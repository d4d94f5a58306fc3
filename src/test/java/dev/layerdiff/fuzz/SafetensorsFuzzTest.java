package dev.layerdiff.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;

/**
 * Fuzzes the .safetensors reader through open, list and compare. {@code mvn test} runs the seeds and past findings
 * in {@code src/test/resources/dev/layerdiff/fuzz/SafetensorsFuzzTestInputs}; to fuzz:
 * {@code JAZZER_FUZZ=1 JAZZER_MAX_DURATION=10m mvn -B test -Djavacpp.skip=true -Dtest=SafetensorsFuzzTest}.
 */
class SafetensorsFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void fuzz(byte[] data) throws IOException {
        ReaderFuzzing.run(data, "safetensors");
    }
}
