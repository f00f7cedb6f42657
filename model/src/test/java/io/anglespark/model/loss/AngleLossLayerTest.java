package io.anglespark.model.loss;

import io.anglespark.model.DoublePrecision;
import org.junit.jupiter.api.extension.ExtendWith;
import com.fasterxml.jackson.databind.JsonNode;
import io.anglespark.prep.ExampleShape;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

import static io.anglespark.model.loss.ReferenceVectors.matrix;
import static io.anglespark.model.loss.ReferenceVectors.vector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link AngleLossLayer} inside a DL4J graph, double precision: DL4J's score is the reference per-batch loss itself
 * (not divided by the rows), the forward output is the embeddings, DL4J's {@code GradientCheckUtil} passes on a
 * dense layer under the loss for each format (every parameter, no subset), the configuration survives DL4J's JSON,
 * and batches or configurations the loss cannot read are refused with a message.
 */
@ExtendWith(DoublePrecision.class)
class AngleLossLayerTest {

    /** x [rows, d] -> identity dense d -> d (weights the identity matrix) -> the loss. */
    static ComputationGraph graph(AngleLossConfig c, int d) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.DOUBLE).updater(new NoOp())
                .graphBuilder()
                .addInputs("x")
                .addLayer("dense", new DenseLayer.Builder().nIn(d).nOut(d).activation(Activation.IDENTITY).build(), "x")
                .addLayer("loss", new AngleLossLayer(c, d), "dense")
                .setOutputs("loss")
                .build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    static INDArray labels(double[] y) {
        return Nd4j.createFromArray(y).reshape(y.length, 1);
    }

    @Test
    void scoreIsTheReferencePerBatchLossAndOutputIsTheEmbeddings() {
        JsonNode hand = ReferenceVectors.load().get("cases").get(0);
        double[][] x = matrix(hand.get("X"));
        // the reference's total_defaults: angle_emb v0.6.1's defaults (our retrieval preset)
        ComputationGraph g = graph(AngleLossConfig.of(AngleLossConfig.Preset.RETRIEVAL, ExampleShape.SCORED_PAIR, LabelScale.STS), x[0].length);
        g.getParam("dense_W").assign(Nd4j.eye(x[0].length));
        g.getParam("dense_b").assign(0);
        INDArray in = Nd4j.createFromArray(x);
        MultiDataSet mds = new MultiDataSet(new INDArray[]{in}, new INDArray[]{labels(vector(hand.get("labels")))});
        double want = hand.get("total_defaults").asDouble();
        assertEquals(want, g.score(mds, true), 1e-5 * want, "DL4J's score is the per-batch loss");
        g.setInputs(in);
        g.setLabels(mds.getLabels());
        g.computeGradientAndScore();
        assertEquals(want, g.score(), 1e-5 * want, "the score of the training pass");
        assertArrayEquals(in.ravel().toDoubleVector(), g.output(false, in)[0].ravel().toDoubleVector(), 1e-12, "the layer outputs its input");
    }

    @ParameterizedTest
    @EnumSource(ExampleShape.class)
    void dl4jGradientCheckPassesOnADenseLayerUnderTheLoss(ExampleShape format) {
        int d = 6;
        int rows = format == ExampleShape.TRIPLET ? 9 : 8;
        AngleLossConfig c = AngleLossConfig.paper(format, LabelScale.STS);
        ComputationGraph g = graph(c, d);
        Nd4j.getRandom().setSeed(11);
        INDArray x = Nd4j.randn(DataType.DOUBLE, rows, d);
        double[] y = format == ExampleShape.SCORED_PAIR ? new double[]{4.2, 4.2, 0.4, 0.4, 2.5, 2.5, 1.0, 1.0} : new double[rows];
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g).inputs(new INDArray[]{x})
                .labels(new INDArray[]{labels(y)}).epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-10)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
        assertTrue(ok, format + ": DL4J's gradient check failed (see the log)");
    }

    @Test
    void configurationSurvivesDl4jJson() {
        AngleLossConfig c = AngleLossConfig.paper(ExampleShape.TRIPLET, LabelScale.SICK).withPositiveThreshold(2.0);
        ComputationGraph g = graph(c, 4);
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(g.getConfiguration().toJson());
        assertEquals(g.getConfiguration(), back);
        AngleLossLayer layer = (AngleLossLayer) ((org.deeplearning4j.nn.conf.graph.LayerVertex) back.getVertices().get("loss"))
                .getLayerConf().getLayer();
        assertEquals(c, layer.config());
    }

    @Test
    void aLabelScaleThatLeavesNoPositiveIsRefused() {
        AngleLossConfig retrieval = AngleLossConfig.of(AngleLossConfig.Preset.RETRIEVAL, ExampleShape.SCORED_PAIR, LabelScale.STS);
        // angle_emb's rule on scores normalised to 0..1: only a pair scored exactly 1 has int(label) != 0
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AngleLossConfig.defaults(ExampleShape.SCORED_PAIR, LabelScale.NORMALIZED));
        assertTrue(e.getMessage().contains("only a pair scored exactly 1.0"), e.getMessage());
        // the threshold rule
        e = assertThrows(IllegalArgumentException.class, () -> retrieval.withPositiveThreshold(1.0).withLabelScale(LabelScale.NORMALIZED));
        assertTrue(e.getMessage().contains("only the top score 1.0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> retrieval.withPositiveThreshold(6));
        assertTrue(e.getMessage().contains("no label can be a positive"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> retrieval.withPositiveThreshold(1).withLabelScale(LabelScale.SICK));
        assertTrue(e.getMessage().contains("every label would be a positive"), e.getMessage());
        // accepted: 0/1 classes, normalised scores with a lowered threshold, every partner, cosent (no in-batch term)
        AngleLossConfig.defaults(ExampleShape.SCORED_PAIR, LabelScale.BINARY);
        retrieval.withPositiveThreshold(0.2).withLabelScale(LabelScale.NORMALIZED);
        retrieval.withIbnPositives(AngleLossConfig.IbnPositives.PARTNER).withLabelScale(LabelScale.NORMALIZED);
        AngleLossConfig.cosent(ExampleShape.SCORED_PAIR, LabelScale.NORMALIZED);
        assertThrows(IllegalArgumentException.class, () -> new AngleLossConfig(ExampleShape.SCORED_PAIR, 0, 0, 1, 0, 20, 20, 20,
                AngleLossConfig.IbnPositives.THRESHOLD, 1, LabelScale.STS), "format A has no cln term: all of its weights are 0");
        assertEquals(AngleLossConfig.Preset.DEFAULT, AngleLossConfig.Preset.parse("default"));
        assertEquals(AngleLossConfig.Preset.RETRIEVAL, AngleLossConfig.Preset.parse("angle"), "the name before");
    }

    @Test
    void batchesTheLossCannotReadAreRefusedWithAMessage() {
        ComputationGraph g = graph(AngleLossConfig.defaults(ExampleShape.SCORED_PAIR, LabelScale.STS), 4);
        INDArray odd = Nd4j.randn(DataType.DOUBLE, 5, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> g.score(new MultiDataSet(new INDArray[]{odd}, new INDArray[]{labels(new double[5])}), true));
        assertTrue(e.getMessage().contains("positive multiple of 2"), e.getMessage());
        INDArray x = Nd4j.randn(DataType.DOUBLE, 4, 4);
        e = assertThrows(IllegalArgumentException.class,
                () -> g.score(new MultiDataSet(new INDArray[]{x}, new INDArray[]{labels(new double[]{3, 3, 7, 7})}), true));
        assertTrue(e.getMessage().contains("pair 1") && e.getMessage().contains("graded [0.0, 5.0]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> g.score(new MultiDataSet(new INDArray[]{x}, new INDArray[]{labels(new double[]{3, 2, 1, 1})}), true));
        assertTrue(e.getMessage().contains("both rows"), e.getMessage());
    }
}
