package io.anglespark.jobs.train;

import io.anglespark.model.batch.Batcher;
import io.anglespark.model.batch.TrainingExample;
import io.anglespark.model.train.Fitter;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Fits the graph on Spark with DL4J's synchronous parameter averaging ({@link SparkComputationGraph},
 * {@link ParameterAveragingTrainingMaster}, Adam's state averaged too). A round is {@code workers x averagingFrequency}
 * minibatches, every one full: worker {@code w} fits the round's minibatches {@code w * f .. w * f + f - 1} (an RDD
 * with one partition per worker, tokenised and padded on the executors by {@link ToMultiDataSetFn}), then parameters
 * and updater state are averaged into the driver's graph; the graph's iteration count advances by
 * {@code averagingFrequency}. Each round's network broadcast is released after it ({@link ReleasingTrainingMaster}).
 */
final class SparkFitter implements Fitter {
    private final JavaSparkContext sc;
    private final TrainJobConfig cfg;
    private final List<TrainingExample> examples;
    private final ReleasingTrainingMaster master;
    private final SparkComputationGraph sparkGraph;
    private final Broadcast<byte[]> tokenizer;
    private final ToMultiDataSetFn toMds;

    private SparkFitter(JavaSparkContext sc, TrainJobConfig cfg, ComputationGraph graph, Batcher batcher, byte[] tokenizerJson) {
        this.sc = sc;
        this.cfg = cfg;
        this.examples = batcher.examples();
        int rows = cfg.batchPerWorker() * cfg.training().loss().rowsPerExample();
        this.master = new ReleasingTrainingMaster(new ParameterAveragingTrainingMaster.Builder(cfg.workers(), rows)
                .batchSizePerWorker(rows)
                .averagingFrequency(cfg.averagingFrequency())
                .workerPrefetchNumBatches(cfg.prefetch())
                .saveUpdater(true)
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                .repartionData(Repartition.Never)
                .storageLevel(StorageLevel.fromString(cfg.storageLevel()))
                .collectTrainingStats(cfg.collectStats())
                .rngSeed(cfg.training().seed()));
        this.sparkGraph = new SparkComputationGraph(sc, graph, master);
        this.tokenizer = sc.broadcast(tokenizerJson);
        this.toMds = new ToMultiDataSetFn(tokenizer, cfg.format(), cfg.training().maxLength());
    }

    /** Parameter averaging for the job's configuration: {@code workers x averaging-frequency} full minibatches a round. */
    static Factory factory(JavaSparkContext sc, TrainJobConfig cfg, byte[] tokenizerJson) {
        return new Factory(sc, cfg, tokenizerJson);
    }

    /** Makes the run's fitter and keeps it, for its training statistics after the run. */
    static final class Factory implements Fitter.Factory {
        private final JavaSparkContext sc;
        private final TrainJobConfig cfg;
        private final byte[] tokenizerJson;
        private SparkFitter created;

        Factory(JavaSparkContext sc, TrainJobConfig cfg, byte[] tokenizerJson) {
            this.sc = sc;
            this.cfg = cfg;
            this.tokenizerJson = tokenizerJson;
        }

        @Override
        public Rounds rounds() {
            return new Rounds(cfg.batchesPerRound(), cfg.averagingFrequency(), true);
        }

        @Override
        public Fitter create(ComputationGraph graph, Batcher batcher) {
            created = new SparkFitter(sc, cfg, graph, batcher, tokenizerJson);
            return created;
        }

        /** The fitter made for the run (null before). */
        SparkFitter created() {
            return created;
        }
    }

    @Override
    public double fit(List<int[]> minibatches) {
        List<List<TrainingExample>> batches = new ArrayList<>(minibatches.size());
        for (int[] b : minibatches) {
            List<TrainingExample> ex = new ArrayList<>(b.length);
            for (int i : b) {
                ex.add(examples.get(i));
            }
            batches.add(ex);
        }
        // parallelize keeps order and slices evenly: partition w holds worker w's averaging-frequency minibatches
        JavaRDD<MultiDataSet> data = sc.parallelize(batches, cfg.workers()).map(toMds);
        sparkGraph.fitMultiDataSet(data);
        data.unpersist(false);
        master.releaseBroadcasts();
        return sparkGraph.getScore();
    }

    @Override
    public String describe() {
        return "Spark parameter averaging (" + cfg.workers() + " workers, averaging every " + cfg.averagingFrequency() + " minibatches)";
    }

    /** DL4J's training statistics, summed per key as (total ms, events); empty unless {@code spark.collect-stats}. */
    Map<String, long[]> statsTotals() {
        Map<String, long[]> totals = new TreeMap<>();
        SparkTrainingStats stats = sparkGraph.getSparkTrainingStats();
        if (stats == null) {
            return totals;
        }
        // the master's key set already includes its workers' keys (it delegates to them)
        for (String key : stats.getKeySet()) {
            List<org.deeplearning4j.spark.stats.EventStats> events = stats.getValue(key);
            if (events == null) {
                continue;
            }
            long[] v = totals.computeIfAbsent(key, k -> new long[2]);
            for (org.deeplearning4j.spark.stats.EventStats e : events) {
                v[0] += e.getDurationMs();
                v[1]++;
            }
        }
        return totals;
    }

    @Override
    public void close() {
        tokenizer.destroy();
        master.releaseWorkerNetworks();
    }
}
