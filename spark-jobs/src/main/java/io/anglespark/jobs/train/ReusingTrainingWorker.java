package io.anglespark.jobs.train;

import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.deeplearning4j.spark.api.WorkerConfiguration;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.api.worker.NetBroadcastTuple;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingResult;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingWorker;
import org.deeplearning4j.spark.impl.paramavg.stats.ParameterAveragingTrainingWorkerStats;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;

/**
 * DL4J's parameter-averaging worker, but a worker's network is kept in its executor between rounds and the next
 * round's parameters, updater state and iteration count are copied into it, and a worker counts its steps on from the
 * driver's (DL4J's restarts at 0 every round, see {@link #networkFrom}). DL4J 1.0.0-M2 builds a new network from
 * the broadcast in every task: the configuration cloned and initialised, the parameters and updater state duplicated
 * into fresh off-heap arrays (and the gradients' on its first step), which {@code bench/averaging} timed at 205-284 MB/s
 * of parameters and state, below the 360-400 MB/s at which this machine allocates and first touches off-heap memory
 * at all; copying into arrays that exist runs at memory speed.
 *
 * <p>A network is kept per executor JVM, for the training master that made it ({@code trainingMasterUID}: another
 * run's networks are dropped), and is handed out again only in a later round than the one that used it: a task's
 * result holds the network's own parameter and state arrays until Spark serialises it at the end of that task, and
 * another task of the same round (more workers than task slots) must not overwrite them. Rounds run one after another,
 * so by the next round every result of this one is serialised.
 *
 * <p>Only for the graphs this project trains: no training hooks or listeners ({@link ReleasingTrainingMaster} uses
 * DL4J's own worker when it has any), Adam's state saved ({@code saveUpdater}).
 */
public final class ReusingTrainingWorker extends ParameterAveragingTrainingWorker {
    /** Networks kept in this JVM: at most a few, one per concurrent worker of the current master. */
    private static final Deque<Kept> KEPT = new ArrayDeque<>();
    private static final int MAX_KEPT = 8;
    private static final java.util.concurrent.atomic.AtomicInteger BUILT = new java.util.concurrent.atomic.AtomicInteger();

    /** Rounds published in memory for local-mode workers (the driver's JVM), by round id. */
    private static final java.util.Map<Long, NetBroadcastTuple> PUBLISHED = new java.util.concurrent.ConcurrentHashMap<>();
    private static final java.util.concurrent.atomic.AtomicLong NEXT_PUBLISHED = new java.util.concurrent.atomic.AtomicLong();

    private final Broadcast<NetBroadcastTuple> broadcast;
    private final long publishedRound;
    private final String masterId;
    private final boolean collectStats;
    private transient ParameterAveragingTrainingWorkerStats.ParameterAveragingTrainingWorkerStatsHelper stats;

    private record Kept(String masterId, ComputationGraph graph, long usedInRound) {
    }

    /** A worker that reads its round's network from a Spark broadcast. */
    ReusingTrainingWorker(Broadcast<NetBroadcastTuple> broadcast, WorkerConfiguration configuration, String masterId) {
        super(broadcast, true, configuration, null, null, null);
        this.broadcast = broadcast;
        this.publishedRound = 0;
        this.masterId = masterId;
        this.collectStats = configuration.isCollectTrainingStats();
    }

    /** A local-mode worker that reads its round's network from {@link #publish} in this JVM. */
    ReusingTrainingWorker(long publishedRound, WorkerConfiguration configuration, String masterId) {
        super(null, true, configuration, null, null, null);
        this.broadcast = null;
        this.publishedRound = publishedRound;
        this.masterId = masterId;
        this.collectStats = configuration.isCollectTrainingStats();
    }

    /** Publishes a round's network to the workers of this JVM (local mode); its id, negative, never a broadcast's. */
    static long publish(NetBroadcastTuple network) {
        long round = -NEXT_PUBLISHED.incrementAndGet();
        PUBLISHED.put(round, network);
        return round;
    }

    /** Workers' results kept in this JVM for the driver (local mode), by key. */
    private static final java.util.Map<Long, ParameterAveragingTrainingResult> RESULTS = new java.util.concurrent.ConcurrentHashMap<>();
    private static final java.util.concurrent.atomic.AtomicLong NEXT_RESULT = new java.util.concurrent.atomic.AtomicLong();

    /**
     * In a local-mode task: keeps the worker's result (its network's own arrays, not copies) in this JVM and returns its
     * key, all that goes through Spark's result path; the driver {@link #takeResult takes} it once the round's job is
     * done, before any worker network is used again.
     */
    static final class KeepResultFn implements org.apache.spark.api.java.function.Function<ParameterAveragingTrainingResult, Long> {
        @Override
        public Long call(ParameterAveragingTrainingResult result) {
            long key = NEXT_RESULT.incrementAndGet();
            RESULTS.put(key, result);
            return key;
        }
    }

    /** The result kept under {@code key}, removed (null when none). */
    static ParameterAveragingTrainingResult takeResult(long key) {
        return RESULTS.remove(key);
    }

    /** Drops a published round's network (its round is over). */
    static void unpublish(long round) {
        PUBLISHED.remove(round);
    }

    private NetBroadcastTuple network() {
        if (broadcast != null) {
            return broadcast.getValue();
        }
        NetBroadcastTuple t = PUBLISHED.get(publishedRound);
        if (t == null) {
            throw new IllegalStateException("round " + publishedRound + "'s network is not published in this JVM: a local-mode worker ran "
                    + "outside the driver, or after its round");
        }
        return t;
    }

    private long round() {
        return broadcast != null ? broadcast.id() : publishedRound;
    }

    @Override
    public ComputationGraph getInitialModelGraph() {
        if (collectStats) {
            stats = new ParameterAveragingTrainingWorkerStats.ParameterAveragingTrainingWorkerStatsHelper();
            stats.logBroadcastGetValueStart();
        }
        NetBroadcastTuple tuple = network();
        if (collectStats) {
            stats.logBroadcastGetValueEnd();
        }
        ComputationGraph net = networkFrom(tuple, take(masterId, round()));
        if (collectStats) {
            stats.logInitEnd();
        }
        return net;
    }

    @Override
    public ParameterAveragingTrainingResult processMinibatch(MultiDataSet dataSet, ComputationGraph graph, boolean isLast) {
        if (collectStats) {
            stats.logFitStart();
        }
        graph.fit(dataSet);
        if (collectStats) {
            stats.logFitEnd(dataSet.getFeatures(0).size(0));
        }
        Nd4j.getExecutioner().commit();
        return isLast ? getFinalResult(graph) : null;
    }

    @Override
    public Pair<ParameterAveragingTrainingResult, SparkTrainingStats> processMinibatchWithStats(MultiDataSet dataSet, ComputationGraph graph,
                                                                                              boolean isLast) {
        ParameterAveragingTrainingResult result = processMinibatch(dataSet, graph, isLast);
        return result == null ? null : new Pair<>(result, stats == null ? null : stats.build());
    }

    /** DL4J's result (the network's own parameter and state arrays), the network kept for a later round. */
    @Override
    public ParameterAveragingTrainingResult getFinalResult(ComputationGraph network) {
        ParameterAveragingTrainingResult result = super.getFinalResult(network);
        keep(new Kept(masterId, network, round()));
        return result;
    }

    @Override
    public Pair<ParameterAveragingTrainingResult, SparkTrainingStats> getFinalResultWithStats(ComputationGraph graph) {
        ParameterAveragingTrainingResult result = getFinalResult(graph);
        return new Pair<>(result, stats == null ? null : stats.build());
    }

    /**
     * The round's network: {@code kept} with the broadcast's parameters and updater state copied in, or (null) a new one
     * as DL4J's worker builds it (its own configuration, its own copies of parameters and state); either way with the
     * driver's iteration and epoch counts. DL4J's worker leaves them at 0 ({@code ComputationGraphConfiguration.clone}
     * does not copy them), so every round restarted Adam's bias correction and the learning-rate schedule at step 0:
     * a worker's steps were damped to 0.17-0.32 of the one-JVM fitter's (Adam's correction at steps 1-5 with moments
     * that are not zero) and the linear decay never ran.
     */
    public static ComputationGraph networkFrom(NetBroadcastTuple tuple, ComputationGraph kept) {
        ComputationGraph net = kept;
        if (net == null) {
            net = new ComputationGraph(tuple.getGraphConfiguration().clone());
            net.init(tuple.getParameters().dup(), false);
            net.setUpdater(new ComputationGraphUpdater(net, tuple.getUpdaterState().dup()));
            BUILT.incrementAndGet();
        } else {
            net.params().assign(tuple.getParameters());
            net.getUpdater().getStateViewArray().assign(tuple.getUpdaterState());
        }
        ComputationGraphConfiguration from = tuple.getGraphConfiguration();
        net.getConfiguration().setIterationCount(from.getIterationCount());
        net.getConfiguration().setEpochCount(from.getEpochCount());
        Nd4j.getExecutioner().commit();
        return net;
    }

    /** A network of this master used in an earlier round than {@code round}, or null; another master's are dropped. */
    static ComputationGraph take(String masterId, long round) {
        synchronized (KEPT) {
            KEPT.removeIf(k -> !k.masterId().equals(masterId));
            for (Iterator<Kept> it = KEPT.iterator(); it.hasNext(); ) {
                Kept k = it.next();
                if (k.usedInRound() != round) {
                    it.remove();
                    return k.graph();
                }
            }
            return null;
        }
    }

    private static void keep(Kept k) {
        synchronized (KEPT) {
            KEPT.addFirst(k);
            while (KEPT.size() > MAX_KEPT) {
                KEPT.removeLast();
            }
        }
    }

    /** Drops the networks kept for {@code masterId} (the run is over) in this JVM. */
    static void release(String masterId) {
        synchronized (KEPT) {
            KEPT.removeIf(k -> k.masterId().equals(masterId));
        }
        RESULTS.clear();
    }

    /** Networks built from a broadcast in this JVM, not reused (tests). */
    static int built() {
        return BUILT.get();
    }

    /** Networks kept in this JVM (tests). */
    static int kept() {
        synchronized (KEPT) {
            return KEPT.size();
        }
    }
}
