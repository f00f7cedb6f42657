package io.anglespark.jobs.common;

import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Driver-side progress: for each running stage, tasks done out of total, records read so far with
 * their rate, and an ETA from the task rate, at most every {@code intervalSeconds}. Executors log
 * nothing per row; this is the only progress output.
 */
public final class ProgressListener extends SparkListener {
    private static final Logger LOG = LoggerFactory.getLogger(ProgressListener.class);

    private final long intervalNanos;
    private final Map<Integer, StageProgress> stages = new ConcurrentHashMap<>();
    private volatile long lastLog = System.nanoTime();

    private static final class StageProgress {
        final String name;
        final int total;
        final long start = System.nanoTime();
        final AtomicInteger done = new AtomicInteger();
        volatile long records;

        StageProgress(String name, int total) {
            this.name = name;
            this.total = total;
        }
    }

    public ProgressListener(double intervalSeconds) {
        this.intervalNanos = (long) (intervalSeconds * 1e9);
    }

    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted e) {
        stages.put(e.stageInfo().stageId(), new StageProgress(shortName(e.stageInfo().name()), e.stageInfo().numTasks()));
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd e) {
        StageProgress p = stages.get(e.stageId());
        if (p == null) {
            return;
        }
        p.done.incrementAndGet();
        if (e.taskMetrics() != null) {
            p.records += e.taskMetrics().inputMetrics().recordsRead() + e.taskMetrics().shuffleReadMetrics().recordsRead();
        }
        long now = System.nanoTime();
        if (now - lastLog >= intervalNanos) {
            lastLog = now;
            double elapsed = (now - p.start) / 1e9;
            int done = p.done.get();
            double eta = done == 0 ? Double.NaN : elapsed / done * (p.total - done);
            LOG.info("stage {} ({}): {}/{} tasks, {} records in {}s ({}/s), ETA {}s", e.stageId(), p.name, done, p.total,
                    p.records, Math.round(elapsed), Math.round(p.records / Math.max(elapsed, 1e-9)), Math.round(eta));
        }
    }

    @Override
    public void onStageCompleted(SparkListenerStageCompleted e) {
        stages.remove(e.stageInfo().stageId());
    }

    private static String shortName(String name) {
        int at = name.indexOf(" at ");
        return at > 0 ? name.substring(0, at) : name;
    }
}
