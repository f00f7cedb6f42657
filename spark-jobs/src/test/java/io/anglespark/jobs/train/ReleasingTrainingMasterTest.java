package io.anglespark.jobs.train;

import io.anglespark.jobs.TestSpark;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.worker.NetBroadcastTuple;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fix for DL4J 1.0.0-M2 never releasing a round's network broadcast (MiniLM-L6 ran the driver out of memory
 * after 9 rounds): after a real parameter-averaging {@code fit} the round's broadcast is alive, after
 * {@link ReleasingTrainingMaster#releaseBroadcasts} it is destroyed, and the next round still trains on a new one.
 */
class ReleasingTrainingMasterTest {

    @Test
    void aRoundsNetworkBroadcastIsDestroyedOnReleaseAndTheNextRoundBroadcastsAnew() {
        SparkSession spark = TestSpark.start("releasing-master");
        try {
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).updater(new Adam(1e-2)).graphBuilder()
                    .addInputs("in")
                    .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(4).nOut(2).activation(Activation.IDENTITY)
                            .build(), "in")
                    .setOutputs("out").build();
            ComputationGraph net = new ComputationGraph(conf);
            net.init();
            // DL4J's worker: the network goes by broadcast (the job's own workers take it in memory in local mode)
            ReleasingTrainingMaster master = new ReleasingTrainingMaster(new ParameterAveragingTrainingMaster.Builder(2, 4)
                    .batchSizePerWorker(4).averagingFrequency(1).workerPrefetchNumBatches(0), false);
            SparkComputationGraph sparkNet = new SparkComputationGraph(sc, net, master);
            List<DataSet> data = new ArrayList<>();
            // 2 workers x 4 examples x averaging every step = 8 examples a round: one round per fit, as the train job runs it
            for (int i = 0; i < 2; i++) {
                data.add(new DataSet(Nd4j.rand(4, 4).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT),
                        Nd4j.rand(4, 2).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT)));
            }
            JavaRDD<DataSet> rdd = sc.parallelize(data, 2);

            sparkNet.fit(rdd);
            List<Broadcast<NetBroadcastTuple>> first = master.liveBroadcasts();
            assertEquals(1, first.size(), "one network broadcast per round");
            assertTrue(first.get(0).isValid(), "alive until released");

            master.releaseBroadcasts();
            assertTrue(master.liveBroadcasts().isEmpty());
            assertFalse(first.get(0).isValid(), "destroyed on release: its blocks are gone from driver and executors");

            org.nd4j.linalg.api.ndarray.INDArray before = net.params().dup();
            sparkNet.fit(rdd);
            List<Broadcast<NetBroadcastTuple>> second = master.liveBroadcasts();
            assertEquals(1, second.size());
            assertNotEquals(first.get(0).id(), second.get(0).id(), "the next round broadcasts the averaged network anew");
            assertNotEquals(before, sparkNet.getNetwork().params(), "the next round trained");
            master.releaseBroadcasts();
        } finally {
            spark.stop();
        }
    }

    /** A tiny graph with Adam, the same initial parameters for every call. */
    private static ComputationGraph tinyGraph() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).updater(new Adam(1e-2)).graphBuilder()
                .addInputs("in")
                .addLayer("hidden", new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().nIn(4).nOut(8).activation(Activation.TANH).build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(8).nOut(2).activation(Activation.IDENTITY).build(),
                        "hidden")
                .setOutputs("out").build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return net;
    }

    /**
     * Parameters and Adam state after one round per element of {@code rounds} (each that round's minibatches) with
     * {@code workers} workers averaging every {@code frequency} minibatches.
     */
    private static org.nd4j.linalg.api.ndarray.INDArray[] train(JavaSparkContext sc, List<JavaRDD<DataSet>> rounds, int workers, int frequency,
                                                                boolean reuse) {
        ReleasingTrainingMaster master = new ReleasingTrainingMaster(new ParameterAveragingTrainingMaster.Builder(workers, 4)
                .batchSizePerWorker(4).averagingFrequency(frequency).workerPrefetchNumBatches(0).saveUpdater(true).rngSeed(1)
                .rddTrainingApproach(org.deeplearning4j.spark.api.RDDTrainingApproach.Direct)
                .repartionData(org.deeplearning4j.spark.api.Repartition.Never), reuse);
        assertEquals(reuse, master.reusesWorkerNetworks());
        SparkComputationGraph sparkNet = new SparkComputationGraph(sc, tinyGraph(), master);
        for (JavaRDD<DataSet> round : rounds) {
            sparkNet.fit(round);
            assertEquals(reuse ? 0 : 1, master.liveBroadcasts().size(), "local mode: no broadcast for the job's own workers");
            assertEquals(reuse ? 1 : 0, master.publishedRounds().size(), "but the network published in memory");
            master.releaseBroadcasts();
            assertTrue(master.publishedRounds().isEmpty());
        }
        org.nd4j.linalg.api.ndarray.INDArray[] out = {sparkNet.getNetwork().params().dup(),
                sparkNet.getNetwork().getUpdater().getStateViewArray().dup()};
        assertTrue(ReusingTrainingWorker.kept() > 0 == reuse, "networks kept between rounds only when reusing: " + ReusingTrainingWorker.kept());
        master.releaseWorkerNetworks();
        assertEquals(0, ReusingTrainingWorker.kept(), "released when the run is over");
        return out;
    }

    private static List<DataSet> minibatches(int n) {
        List<DataSet> data = new ArrayList<>();
        org.nd4j.linalg.api.rng.Random rng = Nd4j.getRandomFactory().getNewRandomInstance(7);
        for (int i = 0; i < n; i++) {
            data.add(new DataSet(Nd4j.rand(rng, 4, 4).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT),
                    Nd4j.rand(rng, 4, 2).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT)));
        }
        return data;
    }

    @Test
    void oneAveragingWorkerKeepingItsNetworkTrainsExactlyAsTheOneJvmFitterWhereDl4jsWorkerRestartsAdamEveryRoundAndTwoAverageAsDl4j() {
        SparkSession spark = TestSpark.start("reusing-worker");
        try {
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            List<DataSet> data = minibatches(6);
            // the one-JVM fitter: the 6 minibatches in order on one graph
            ComputationGraph local = tinyGraph();
            data.forEach(local::fit);
            // 3 rounds of 1 worker averaging every 2 minibatches: the same 6 updates
            List<JavaRDD<DataSet>> rounds = new ArrayList<>();
            for (int r = 0; r < 3; r++) {
                rounds.add(sc.parallelize(data.subList(2 * r, 2 * r + 2), 1));
            }
            int builtBefore = ReusingTrainingWorker.built();
            org.nd4j.linalg.api.ndarray.INDArray[] ours = train(sc, rounds, 1, 2, true);
            assertEquals(1, ReusingTrainingWorker.built() - builtBefore, "3 rounds built one network, then kept it");
            assertTrue(local.params().equalsWithEps(ours[0], 1e-6), "the one-JVM fitter's parameters, max difference "
                    + org.nd4j.linalg.ops.transforms.Transforms.abs(local.params().sub(ours[0])).maxNumber());
            assertTrue(local.getUpdater().getStateViewArray().equalsWithEps(ours[1], 1e-6), "and its Adam moments");
            assertEquals(6, local.getIterationCount());

            org.nd4j.linalg.api.ndarray.INDArray[] dl4j = train(sc, rounds, 1, 2, false);
            assertFalse(local.params().equalsWithEps(dl4j[0], 1e-4), "DL4J's worker starts each round at step 0: not the same updates");

            // 2 workers, one round (both start at step 0, so DL4J's worker is right here): the results averaged in memory
            // equal DL4J's tree aggregation of the serialised results
            List<JavaRDD<DataSet>> oneRound = List.of(sc.parallelize(data.subList(0, 4), 2));
            org.nd4j.linalg.api.ndarray.INDArray[] inMemory = train(sc, oneRound, 2, 2, true);
            org.nd4j.linalg.api.ndarray.INDArray[] aggregated = train(sc, oneRound, 2, 2, false);
            assertTrue(aggregated[0].equalsWithEps(inMemory[0], 1e-6) && aggregated[1].equalsWithEps(inMemory[1], 1e-6),
                    "2 workers averaged in memory as DL4J averages them");
            assertNotEquals(ours[0], inMemory[0]);
        } finally {
            spark.stop();
        }
    }
}
