package io.anglespark.jobs.train;

import io.anglespark.jobs.common.RecycledArrays;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.WorkerConfiguration;
import org.deeplearning4j.spark.api.worker.NetBroadcastTuple;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingResult;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingWorker;
import org.deeplearning4j.spark.impl.paramavg.aggregator.ParameterAveragingAggregationTuple;
import org.deeplearning4j.spark.impl.paramavg.aggregator.ParameterAveragingElementAddFunction;
import org.deeplearning4j.spark.impl.paramavg.aggregator.ParameterAveragingElementCombineFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

/**
 * DL4J's parameter-averaging master, but each round's broadcast of the network is released once the round is
 * done. DL4J 1.0.0-M2 broadcasts the configuration, the parameters and the updater state at every
 * {@code fit} (about 12 bytes per parameter with Adam: 270 MB for MiniLM-L6) and never releases the
 * broadcast; Spark's cleaner frees it only after a garbage collection notices it, so with one {@code fit} per
 * round the driver's heap filled and training MiniLM-L6 died of {@code OutOfMemoryError} after 9 rounds with a
 * 4 GB driver. {@link #releaseBroadcasts} after each round keeps one broadcast alive at a time. Its workers keep
 * their network between rounds ({@link ReusingTrainingWorker}).
 */
final class ReleasingTrainingMaster extends ParameterAveragingTrainingMaster {
    private final transient List<Broadcast<NetBroadcastTuple>> live = new ArrayList<>();
    /** Rounds published in memory (local mode) since the last release; guarded by {@link #live}. */
    private final transient List<Long> publishedRounds = new ArrayList<>();

    private final boolean reuseWorkerNetworks;

    ReleasingTrainingMaster(ParameterAveragingTrainingMaster.Builder builder) {
        this(builder, true);
    }

    /** @param reuseWorkerNetworks false: DL4J's own worker, a new network every round (tests compare the two) */
    ReleasingTrainingMaster(ParameterAveragingTrainingMaster.Builder builder, boolean reuseWorkerNetworks) {
        super(builder);
        this.reuseWorkerNetworks = reuseWorkerNetworks;
    }

    /**
     * As DL4J's own: the network as one broadcast tuple, and a worker that reads it; the broadcast is remembered. In
     * local mode, where the workers run in the driver's JVM and Spark hands them the driver's object anyway, the
     * network is published in memory instead ({@link ReusingTrainingWorker#publish}): a broadcast would serialise all
     * of it (270 MB for MiniLM-L6) every round for no reader.
     */
    @Override
    public ParameterAveragingTrainingWorker getWorkerInstance(SparkComputationGraph graph) {
        NetBroadcastTuple network = new NetBroadcastTuple(graph.getNetwork().getConfiguration(), graph.getNetwork().params(),
                graph.getNetwork().getUpdater().getStateViewArray());
        WorkerConfiguration worker = new WorkerConfiguration(true, rddDataSetNumExamples, batchSizePerWorker, averagingFrequency,
                prefetchNumBatches, collectTrainingStats);
        if (collectTrainingStats) {
            stats.logBroadcastStart();
        }
        boolean inMemory = reusesWorkerNetworks() && graph.getSparkContext().isLocal();
        long published = inMemory ? ReusingTrainingWorker.publish(network) : 0;
        Broadcast<NetBroadcastTuple> broadcast = inMemory ? null : graph.getSparkContext().broadcast(network);
        if (collectTrainingStats) {
            stats.logBroadcastEnd();
        }
        synchronized (live) {
            if (inMemory) {
                publishedRounds.add(published);
            } else {
                live.add(broadcast);
            }
        }
        if (inMemory) {
            return new ReusingTrainingWorker(published, worker, trainingMasterUID);
        }
        if (reusesWorkerNetworks()) {
            return new ReusingTrainingWorker(broadcast, worker, trainingMasterUID);
        }
        return new ParameterAveragingTrainingWorker(broadcast, saveUpdater, worker, trainingHookList, listeners, getRouterProvider());
    }

    /** Workers keep their network between rounds ({@link ReusingTrainingWorker}) unless hooks or listeners need DL4J's. */
    boolean reusesWorkerNetworks() {
        return reuseWorkerNetworks && saveUpdater && (trainingHookList == null || trainingHookList.isEmpty()) && (listeners == null || listeners.isEmpty());
    }

    /** Drops the worker networks kept in this JVM (local mode: the executors are the driver) once training is over. */
    void releaseWorkerNetworks() {
        ReusingTrainingWorker.release(trainingMasterUID);
        RecycledArrays.clear();
    }

    /**
     * DL4J's averaging of a round's results (summed by {@code treeAggregate}, divided, copied into the driver's graph,
     * its iteration count advanced by the averaging frequency), restated for a graph without listeners so that the
     * results' arrays are {@link RecycledArrays recycled} once used: every round's results have the same shapes, and
     * the next round's are read into them instead of fresh off-heap memory. A multi-layer network, or a graph with
     * listeners, takes DL4J's own path.
     */
    @Override
    protected void processResults(SparkDl4jMultiLayer network, SparkComputationGraph graph, JavaRDD<ParameterAveragingTrainingResult> results,
                                  int splitNum, int totalSplits) {
        if (network != null || graph == null || !reusesWorkerNetworks()) {
            super.processResults(network, graph, results, splitNum, totalSplits);
            return;
        }
        if (graph.getSparkContext().isLocal()) {
            averageInMemory(graph, results);
            return;
        }
        if (collectTrainingStats) {
            stats.logAggregateStartTime();
        }
        ParameterAveragingAggregationTuple tuple = results.treeAggregate(null, new ParameterAveragingElementAddFunction(),
                new RecyclingCombineFunction(), aggregationDepth);
        if (collectTrainingStats) {
            stats.logAggregationEndTime();
            stats.logProcessParamsUpdaterStart();
        }
        INDArray params = tuple == null ? null : tuple.getParametersSum();
        if (params != null) {
            int n = tuple.getAggregationsCount();
            INDArray state = tuple.getUpdaterStateSum();
            params.divi(n);
            if (state != null) {
                state.divi(n);
            }
            ComputationGraph net = graph.getNetwork();
            net.setParams(params);
            if (state != null) {
                net.getUpdater().setStateViewArray(state);
            }
            roundAveraged(graph, tuple.getScoreSum(), n);
            // copied into the graph: the sums are free for the next round's results
            RecycledArrays.recycle(params);
            RecycledArrays.recycle(state);
        }
        if (collectTrainingStats) {
            stats.logProcessParamsUpdaterEnd();
            stats.addWorkerStats(tuple == null ? null : tuple.getSparkTrainingStats());
        }
    }

    /**
     * Local mode: the workers run in the driver's JVM, so their results stay there ({@link ReusingTrainingWorker.KeepResultFn}:
     * a key per worker is all Spark's result path carries) and are averaged straight into the driver's graph, where
     * every result of 270 MB (MiniLM-L6) was serialised, stored in the block manager, fetched over the loopback network
     * and read back: 3.8-5.3 s a result on 2 cores, measured in a Spark event log. The workers' arrays are read after
     * the round's job is over and before the next round's tasks reuse their networks.
     */
    private void averageInMemory(SparkComputationGraph graph, JavaRDD<ParameterAveragingTrainingResult> results) {
        if (collectTrainingStats) {
            stats.logAggregateStartTime();
        }
        List<Long> keys = results.map(new ReusingTrainingWorker.KeepResultFn()).collect();
        if (collectTrainingStats) {
            stats.logAggregationEndTime();
            stats.logProcessParamsUpdaterStart();
        }
        ComputationGraph net = graph.getNetwork();
        INDArray params = net.params();
        INDArray state = net.getUpdater().getStateViewArray();
        int n = 0;
        double score = 0;
        org.deeplearning4j.spark.api.stats.SparkTrainingStats workerStats = null;
        for (long key : keys) {
            ParameterAveragingTrainingResult r = ReusingTrainingWorker.takeResult(key);
            if (r == null) {
                continue;
            }
            if (r.getSparkTrainingStats() != null) {
                if (workerStats == null) {
                    workerStats = r.getSparkTrainingStats();
                } else {
                    workerStats.addOtherTrainingStats(r.getSparkTrainingStats());
                }
            }
            if (r.getParameters() == null) {
                continue;
            }
            if (n == 0) {
                params.assign(r.getParameters());
                state.assign(r.getUpdaterState());
            } else {
                params.addi(r.getParameters());
                state.addi(r.getUpdaterState());
            }
            score += r.getScore();
            n++;
        }
        if (n > 1) {
            params.divi(n);
            state.divi(n);
        }
        if (n > 0) {
            roundAveraged(graph, score, n);
        }
        if (collectTrainingStats) {
            stats.logProcessParamsUpdaterEnd();
            stats.addWorkerStats(workerStats);
        }
    }

    /** As DL4J ends a round: the mean score, the driver's iteration count advanced by the averaging frequency. */
    private void roundAveraged(SparkComputationGraph graph, double scoreSum, int n) {
        graph.setScore(scoreSum / n);
        ComputationGraph net = graph.getNetwork();
        net.getConfiguration().setIterationCount(net.getConfiguration().getIterationCount() + averagingFrequency);
        Nd4j.getExecutioner().commit();
    }

    /**
     * DL4J's combination of two partial sums (the first's arrays take the second's in place), and on the driver the
     * second's arrays, summed and no longer referenced, recycled. On an executor nothing is recycled: there a partial
     * sum may hold a worker's own network arrays ({@link ReusingTrainingWorker}).
     */
    static final class RecyclingCombineFunction extends ParameterAveragingElementCombineFunction {
        @Override
        public ParameterAveragingAggregationTuple call(ParameterAveragingAggregationTuple a, ParameterAveragingAggregationTuple b)
                throws Exception {
            ParameterAveragingAggregationTuple sum = super.call(a, b);
            if (TaskContext.get() == null && a != null && b != null && sum != b) {
                if (b.getParametersSum() != sum.getParametersSum()) {
                    RecycledArrays.recycle(b.getParametersSum());
                }
                if (b.getUpdaterStateSum() != sum.getUpdaterStateSum()) {
                    RecycledArrays.recycle(b.getUpdaterStateSum());
                }
            }
            return sum;
        }
    }

    /** The rounds published in memory (local mode) since the last release (tests). */
    List<Long> publishedRounds() {
        synchronized (live) {
            return List.copyOf(publishedRounds);
        }
    }

    /** The broadcasts made since the last release (tests). */
    List<Broadcast<NetBroadcastTuple>> liveBroadcasts() {
        synchronized (live) {
            return List.copyOf(live);
        }
    }

    /** Destroys the broadcasts of the rounds done (call between rounds, never during one). */
    void releaseBroadcasts() {
        synchronized (live) {
            for (Broadcast<NetBroadcastTuple> b : live) {
                b.destroy();
            }
            live.clear();
            publishedRounds.forEach(ReusingTrainingWorker::unpublish);
            publishedRounds.clear();
        }
    }
}
