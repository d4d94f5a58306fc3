package dev.layerdiff.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import scala.Tuple2;

/**
 * The Hadoop configuration of this JVM, driver or executor: the site files on the class path plus every
 * {@code spark.hadoop.*} setting of the application, as Spark itself builds it (credentials for
 * {@code s3a:}, a test's file system).
 */
final class HadoopConf {
    private static final String PREFIX = "spark.hadoop.";

    private HadoopConf() {}

    static Configuration get() {
        Configuration conf = new Configuration();
        SparkEnv env = SparkEnv.get();
        if (env == null) return conf;
        SparkConf spark = env.conf();
        for (Tuple2<String, String> e : spark.getAll()) {
            if (e._1().startsWith(PREFIX)) conf.set(e._1().substring(PREFIX.length()), e._2());
        }
        return conf;
    }
}
