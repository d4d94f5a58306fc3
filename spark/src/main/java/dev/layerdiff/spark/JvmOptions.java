package dev.layerdiff.spark;

import org.apache.spark.launcher.JavaModuleOptions;

/**
 * Prints the JVM options Spark's launcher gives a driver on Java 17 ({@code --add-opens ...}), for
 * {@code spark/layerdiff-spark}, which starts the driver without that launcher.
 */
public final class JvmOptions {
    private JvmOptions() {}

    public static void main(String[] args) {
        System.out.println(JavaModuleOptions.defaultModuleOptions());
    }
}
