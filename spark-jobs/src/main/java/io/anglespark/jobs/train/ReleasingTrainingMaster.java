package io.anglespark.jobs.train;

import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.spark.api.WorkerConfiguration;
import org.deeplearning4j.spark.api.worker.NetBroadcastTuple;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingWorker;

import java.util.ArrayList;
import java.util.List;

/**
 * DL4J's parameter-averaging master, but each round's broadcast of the network is released once the round is
 * done. DL4J 1.0.0-M2 broadcasts the configuration, the parameters and the updater state at every
 * {@code fit} (about 12 bytes per parameter with Adam: 270 MB for MiniLM-L6) and never releases the
 * broadcast; Spark's cleaner frees it only after a garbage collection notices it, so with one {@code fit} per
 * round the driver's heap filled and training MiniLM-L6 died of {@code OutOfMemoryError} after 9 rounds with a
 * 4 GB driver. {@link #releaseBroadcasts} after each round keeps one broadcast alive at a time.
 */
final class ReleasingTrainingMaster extends ParameterAveragingTrainingMaster {
    private final transient List<Broadcast<NetBroadcastTuple>> live = new ArrayList<>();

    ReleasingTrainingMaster(ParameterAveragingTrainingMaster.Builder builder) {
        super(builder);
    }

    /** As DL4J's own: the network as one broadcast tuple, and a worker that reads it; the broadcast is remembered. */
    @Override
    public ParameterAveragingTrainingWorker getWorkerInstance(SparkComputationGraph graph) {
        NetBroadcastTuple network = new NetBroadcastTuple(graph.getNetwork().getConfiguration(), graph.getNetwork().params(),
                graph.getNetwork().getUpdater().getStateViewArray());
        if (collectTrainingStats) {
            stats.logBroadcastStart();
        }
        Broadcast<NetBroadcastTuple> broadcast = graph.getSparkContext().broadcast(network);
        if (collectTrainingStats) {
            stats.logBroadcastEnd();
        }
        synchronized (live) {
            live.add(broadcast);
        }
        WorkerConfiguration worker = new WorkerConfiguration(true, rddDataSetNumExamples, batchSizePerWorker, averagingFrequency,
                prefetchNumBatches, collectTrainingStats);
        return new ParameterAveragingTrainingWorker(broadcast, saveUpdater, worker, trainingHookList, listeners, getRouterProvider());
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
        }
    }
}
