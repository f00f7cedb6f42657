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
            ReleasingTrainingMaster master = new ReleasingTrainingMaster(new ParameterAveragingTrainingMaster.Builder(2, 4)
                    .batchSizePerWorker(4).averagingFrequency(1).workerPrefetchNumBatches(0));
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
}
