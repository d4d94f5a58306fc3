package dev.layerdiff.spark;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.apache.spark.sql.SparkSession;

/** The session of the local-mode tests, and running the job on it as its command line would. */
final class SparkSessions {
    private SparkSessions() {}

    /** Two task threads, each task tried twice (local[N,F]), and the test's flaky file system. */
    static SparkSession local() {
        return SparkSession.builder().appName("layerdiff-test").master("local[2,2]")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .config("spark.hadoop.fs." + FlakyFileSystem.SCHEME + ".impl", FlakyFileSystem.class.getName())
                .config("spark.hadoop.fs." + FlakyFileSystem.SCHEME + ".impl.disable.cache", "true")
                .getOrCreate();
    }

    /** What one run printed and returned. */
    record Run(int exitCode, String out, String err, CompareJob job) {}

    static Run run(SparkSession spark, String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CompareJob job = new CompareJob();
        int code = CompareJob.execute(spark, job, args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString(), job);
    }
}
