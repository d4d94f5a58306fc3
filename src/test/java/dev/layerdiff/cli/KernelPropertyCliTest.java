package dev.layerdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.layerdiff.Fixtures;
import org.junit.jupiter.api.Test;

/** A kernel switch with a value other than true or false is a usage error: one line, exit 2. */
class KernelPropertyCliTest {

    @Test
    void unknownSwitchValuesExitTwoWithOneLine() {
        for (String property : new String[] {"layerdiff.native", "layerdiff.simd"}) {
            String before = System.getProperty(property);
            System.setProperty(property, "maybe");
            try {
                CliTest.Run r = CliTest.run("compare", Fixtures.path("cnn_ref_cpu.safetensors").toString(),
                        Fixtures.path("cnn_bug_deadrelu.safetensors").toString());
                assertThat(r.exit()).isEqualTo(2);
                assertThat(r.err().strip()).isEqualTo("layerdiff: -D" + property + "=maybe: expected true or false");
                assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
            } finally {
                if (before == null) System.clearProperty(property);
                else System.setProperty(property, before);
            }
        }
    }
}
