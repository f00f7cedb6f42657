package io.anglespark.model.loss;

import io.anglespark.model.DoublePrecision;
import org.junit.jupiter.api.extension.ExtendWith;
import io.anglespark.model.BertConfig;
import io.anglespark.model.Pooling;
import io.anglespark.model.encoder.EncoderGraphFactory;
import io.anglespark.prep.ExampleShape;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DL4J's own {@code GradientCheckUtil} on a whole tiny encoder (1 layer, hidden 8, 2 heads, FFN 16, vocabulary 20,
 * 8 positions, mean pooling) ending in {@link AngleLossLayer}, double precision, format A (2 pairs) with the
 * {@code paper} preset, so that the cosine, in-batch-negative and angle terms are all active. Formats B and C are
 * checked the same way under a dense layer in {@link AngleLossLayerTest} (their row layout is the loss's own); on
 * the encoder, format C also passed (measured once, 32 s; left out of the suite for time). Every one of the
 * graph's 856 parameters is checked (no subset, no excluded parameter): central differences with epsilon 1e-6,
 * relative error at most 1e-4 unless the absolute error is below DL4J's default 1e-8. About 35 s on 2 idle cores.
 *
 * <p>The attention key bias {@code layer0_kB} has a true gradient of exactly 0 (it adds {@code q . b} to every score of
 * a query's softmax, which the softmax ignores): its analytic gradient is 1e-16 and its numeric one rounding noise of
 * 2e-9 to 4e-9 (scores of 3 to 18, epsilon 1e-6), which is why the absolute floor is 1e-8, not 1e-9; the test asserts
 * that gradient to be below 1e-12 and every other parameter array to have a non-zero gradient. Word-table rows of
 * ids absent from the batch have zero analytic and numeric gradients and pass as such.
 */
@ExtendWith(DoublePrecision.class)
class AngleLossGradientCheckTest {
    static final BertConfig MICRO = new BertConfig(1, 8, 2, 16, 20, 8, 2, 1e-12);

    private static INDArray d(int[][] a) {
        return Nd4j.createFromArray(a).castTo(DataType.DOUBLE);
    }

    @ParameterizedTest
    @EnumSource(value = ExampleShape.class, names = {"SCORED_PAIR"})
    void dl4jGradientCheckPassesOnATinyEncoderEndingInTheLoss(ExampleShape format) {
        AngleLossConfig c = AngleLossConfig.paper(format, LabelScale.STS);
        ComputationGraphConfiguration.GraphBuilder b = EncoderGraphFactory.graphBuilder(MICRO, Pooling.MEAN,
                EncoderGraphFactory.baseConfiguration(7, DataType.DOUBLE).updater(new NoOp()), MICRO.layerNormEps(),
                EncoderGraphFactory.DEFAULT_MASK_BIAS);
        b.addLayer("loss", new AngleLossLayer(c, MICRO.hidden()), EncoderGraphFactory.POOLED);
        b.setOutputs("loss");
        ComputationGraph g = new ComputationGraph(b.build());
        g.init();
        Nd4j.getRandom().setSeed(5);
        // generic layer-norm gains and biases; larger weights than N(0, 0.02) so that embeddings differ enough for
        // the ranking terms to have non-trivial gradients
        for (Map.Entry<String, INDArray> e : g.paramTable().entrySet()) {
            INDArray p = e.getValue();
            if (e.getKey().endsWith("Gamma") || e.getKey().endsWith("Beta") || e.getKey().endsWith("B")) {
                p.addi(Nd4j.rand(DataType.DOUBLE, p.shape()).subi(0.5).muli(0.2));
            } else {
                p.muli(20);
            }
        }
        int[][] ids = format == ExampleShape.TRIPLET
                ? new int[][]{{2, 17, 13, 5, 3}, {2, 11, 12, 3, 0}, {2, 8, 9, 19, 3}, {2, 4, 6, 3, 0}, {2, 7, 3, 0, 0}, {2, 15, 16, 18, 3}}
                : new int[][]{{2, 17, 13, 5, 3}, {2, 11, 12, 3, 0}, {2, 8, 9, 19, 3}, {2, 4, 6, 3, 0}};
        int[][] mask = new int[ids.length][ids[0].length];
        for (int i = 0; i < ids.length; i++) {
            for (int j = 0; j < ids[i].length; j++) {
                mask[i][j] = j == 0 || ids[i][j] != 0 ? 1 : 0;
            }
        }
        INDArray[] in = {d(ids), Nd4j.zeros(DataType.DOUBLE, ids.length, ids[0].length), d(mask)};
        double[] y = format == ExampleShape.SCORED_PAIR ? new double[]{4.5, 4.5, 1.2, 1.2} : new double[ids.length];
        INDArray labels = Nd4j.createFromArray(y).reshape(y.length, 1);
        assertEquals(856, g.params().length(), "856 parameters, all checked");
        long t0 = System.nanoTime();
        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g).inputs(in).labels(new INDArray[]{labels})
                .epsilon(1e-6).maxRelError(1e-4).minAbsoluteError(1e-8).print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
        System.out.printf("%s: GradientCheckUtil on %d parameters in %.1f s: %s%n", format, g.params().length(), (System.nanoTime() - t0) / 1e9,
                ok ? "passed" : "FAILED");
        assertTrue(ok, format + ": DL4J's gradient check failed (see the log)");
        g.setInputs(in);
        g.setLabels(labels);
        g.computeGradientAndScore();
        for (Map.Entry<String, INDArray> e : g.gradient().gradientForVariable().entrySet()) {
            double max = e.getValue().amaxNumber().doubleValue();
            if (e.getKey().equals("layer0_kB")) {
                assertTrue(max < 1e-12, format + ": the key bias's gradient must be 0, got " + max);
            } else {
                assertTrue(max > 1e-6, format + ": parameter " + e.getKey() + " has an all-zero gradient");
            }
        }
    }
}
