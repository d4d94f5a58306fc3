package dev.layerdiff.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import org.apache.spark.launcher.JavaModuleOptions;
import org.junit.jupiter.api.Test;

/** The pom's surefire options are Spark's own Java 17 options, so the tests run Spark as spark-submit would. */
class JvmOptionsTest {

    @Test
    void theTestJvmHasEveryOptionSparksLauncherGives() {
        assertThat(ManagementFactory.getRuntimeMXBean().getInputArguments())
                .contains(JavaModuleOptions.defaultModuleOptionArray());
    }
}
