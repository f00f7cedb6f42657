package io.anglespark.jobs;

import io.anglespark.jobs.common.NativeBuildPlugin;
import org.apache.spark.sql.SparkSession;

/** A small local Spark session for tests: two cores, few shuffle partitions, no UI. */
public final class TestSpark {
    private TestSpark() {
    }

    /** A session with Kryo and the project's registrator, as conf/spark/*.properties configure jobs. */
    public static SparkSession start(String name) {
        return start(name, true);
    }

    /** @param kryo Kryo with the project's registrator, or Spark's default Java serialization */
    public static SparkSession start(String name, boolean kryo) {
        return SparkSession.builder()
                .master("local[2]")
                .appName(name)
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.default.parallelism", "4")
                .config("spark.serializer", kryo ? "org.apache.spark.serializer.KryoSerializer" : "org.apache.spark.serializer.JavaSerializer")
                .config("spark.kryo.registrator", "io.anglespark.jobs.common.AngleKryoRegistrator")
                .config(NativeBuildPlugin.CONF_KEY, NativeBuildPlugin.class.getName())
                // A credential the run manifest must never record.
                .config("spark.hadoop.fs.s3a.secret.key", "TOPSECRET-test-value")
                .getOrCreate();
    }
}
