package io.anglespark.jobs.common;

import io.anglespark.model.NativeBuild;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Creates the session for a job's {@code main}. Under spark-submit the master and properties come from
 * the submit command; run directly (an IDE, {@code java -cp}) it falls back to {@code local[*]}.
 */
public final class SparkSessions {
    private SparkSessions() {
    }

    public static SparkSession create(String appName) {
        NativeBuild.select(); // before anything on the driver touches ND4J; executors choose their own (the plugin)
        SparkConf conf = new SparkConf();
        NativeBuildPlugin.addTo(conf);
        if (!conf.contains("spark.master")) {
            conf.setMaster("local[*]");
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
        }
        conf.setIfMissing("spark.app.name", appName);
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        return SparkSession.builder().config(conf).getOrCreate();
    }

    /** A job's work on a session: {@code run(spark, config)}. */
    @FunctionalInterface
    public interface Work<R> {
        R on(SparkSession spark) throws java.io.IOException;
    }

    /** Creates the session ({@link #create}), does the work on it and stops it, also when the work fails. */
    public static <R> R runAndStop(String appName, Work<R> work) throws java.io.IOException {
        SparkSession spark = create(appName);
        try {
            return work.on(spark);
        } finally {
            spark.stop();
        }
    }

    private static final java.util.Map<org.apache.spark.SparkContext, ProgressListener> PROGRESS =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    /**
     * Adds driver-side progress logging to a session, once: jobs run one after another in one session (a retraining
     * run, tests) share the first one's listener, so each stage is reported once.
     */
    public static ProgressListener attachProgress(SparkSession spark, double intervalSeconds) {
        return PROGRESS.computeIfAbsent(spark.sparkContext(), sc -> {
            ProgressListener l = new ProgressListener(intervalSeconds);
            sc.addSparkListener(l);
            return l;
        });
    }
}
