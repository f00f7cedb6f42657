package io.anglespark.model.encoder;

import io.anglespark.model.DoublePrecision;
import org.junit.jupiter.api.extension.ExtendWith;
import io.anglespark.model.Pooling;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.anglespark.model.encoder.TinyGraphs.TINY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Back-propagation through the whole encoder, in double precision: a tiny random encoder (2 layers, hidden 32,
 * 4 heads, FFN 64, vocabulary 50, 16 positions) with an MSE loss layer on the pooled vector, for every pooling
 * mode. Central differences (epsilon 1e-6) on three entries of every parameter array (its largest analytic
 * gradient and two random entries) must match the analytic gradient within relative error 1e-3 (DL4J's own dense
 * layer before the loss serves as a calibration of DL4J's gradient convention), and no parameter
 * array has an all-zero gradient. DL4J's {@code GradientCheckUtil} (even with {@code subset}) was too slow here:
 * over ten minutes for one graph.
 */
@ExtendWith(DoublePrecision.class)
class EncoderGradientCheckTest {

    private static INDArray d(int[][] a) {
        return Nd4j.createFromArray(a).castTo(DataType.DOUBLE);
    }

    @ParameterizedTest
    @EnumSource(Pooling.class)
    void analyticGradientsOfEveryParameterMatchFiniteDifferencesAndNoneIsZero(Pooling pooling) {
        ComputationGraphConfiguration.GraphBuilder b = EncoderGraphFactory.graphBuilder(TINY, pooling,
                EncoderGraphFactory.baseConfiguration(42, DataType.DOUBLE).updater(new NoOp()), TINY.layerNormEps(),
                EncoderGraphFactory.DEFAULT_MASK_BIAS);
        b.addLayer("head", new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().nIn(TINY.hidden()).nOut(8)
                .activation(Activation.IDENTITY).build(), EncoderGraphFactory.POOLED);
        b.addLayer("loss", new LossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build(), "head");
        b.setOutputs("loss");
        ComputationGraph g = new ComputationGraph(b.build());
        g.init();
        // non-trivial layer-norm gains and biases, so that their gradients are generic
        for (Map.Entry<String, INDArray> e : g.paramTable().entrySet()) {
            if (e.getKey().endsWith("Gamma") || e.getKey().endsWith("Beta") || e.getKey().endsWith("B")) {
                e.getValue().addi(Nd4j.rand(DataType.DOUBLE, e.getValue().shape()).subi(0.5).muli(0.2));
            }
        }
        assertEquals(DataType.DOUBLE, g.params().dataType());

        int[][] ids = {{2, 17, 33, 5, 49, 3}, {2, 41, 12, 3, 0, 0}, {2, 8, 9, 30, 3, 0}};
        int[][] types = {{0, 0, 0, 1, 1, 1}, {0, 0, 0, 0, 0, 0}, {0, 0, 1, 1, 1, 0}};
        int[][] mask = {{1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 0, 0}, {1, 1, 1, 1, 1, 0}};
        INDArray[] in = {d(ids), d(types), d(mask)};
        INDArray[] labels = {Nd4j.rand(DataType.DOUBLE, 3, 8)};

        MultiDataSet mds = new org.nd4j.linalg.dataset.MultiDataSet(in, labels);
        g.setInputs(in);
        g.setLabels(labels);
        g.computeGradientAndScore();
        Gradient grad = g.gradient();
        assertEquals(g.score(mds, true), g.score(), 1e-12, "the score the gradient belongs to");

        // Central differences on three entries of every parameter array: the entry with the largest analytic
        // gradient and two random ones. Relative error |a - n| / (|a| + |n|), ignored when both are below 1e-8.
        long t0 = System.nanoTime();
        double eps = 1e-6;
        double worst = 0;
        String worstAt = "";
        List<String> zero = new ArrayList<>();
        java.util.Random rnd = new java.util.Random(5);
        int checked = 0;
        for (Map.Entry<String, INDArray> e : g.paramTable().entrySet()) {
            INDArray p = e.getValue();
            INDArray analytic = grad.getGradientFor(e.getKey()).dup();
            if (analytic.amaxNumber().doubleValue() == 0) {
                zero.add(e.getKey());
            }
            INDArray flatA = analytic.dup('c').reshape(analytic.length());
            long[] idx = {0, 0, rnd.nextInt((int) p.length()),
                    rnd.nextInt((int) p.length())};
            idx[1] = org.nd4j.linalg.ops.transforms.Transforms.abs(flatA).argMax().getLong(0);
            for (int k = 1; k < idx.length; k++) {
                long i = idx[k];
                // parameter views may be 'f'-ordered (DL4J's embedding layer): address entries by their c-order index
                long[] at = p.rank() == 1 ? new long[]{i} : new long[]{i / p.size(1), i % p.size(1)};
                double orig = p.getDouble(at);
                p.putScalar(at, orig + eps);
                double plus = g.score(mds, true);
                p.putScalar(at, orig - eps);
                double minus = g.score(mds, true);
                p.putScalar(at, orig);
                double numeric = (plus - minus) / (2 * eps);
                // DL4J's gradient is that of the summed (not minibatch-averaged) loss: its updater divides by the
                // minibatch size. The score is averaged, so compare gradient / minibatch with the numeric derivative.
                double a = flatA.getDouble(i) / in[0].size(0);
                double rel = Math.abs(a) < 1e-8 && Math.abs(numeric) < 1e-8 ? 0 : Math.abs(a - numeric) / (Math.abs(a) + Math.abs(numeric));
                checked++;
                if (rel > worst) {
                    worst = rel;
                    worstAt = e.getKey() + "[" + i + "] analytic " + a + " numeric " + numeric;
                }
            }
        }
        System.out.printf("%s: %d entries of %d parameter arrays checked in %.1f s, worst relative error %.2e at %s%n", pooling,
                checked, g.paramTable().size(), (System.nanoTime() - t0) / 1e9, worst, worstAt);
        assertTrue(worst < 1e-3, pooling + ": analytic and numerical gradients differ: " + worstAt);
        // embeddings: word table, positions, token types, LN gamma and beta; 12 per layer (fused Q/K/V); the MSE head's W and b
        assertEquals(5 + TransformerBlockVertex.PARAMS.length * TINY.layers() + 2, g.paramTable().size(), "every parameter is in the table");
        assertTrue(zero.isEmpty(), pooling + ": parameters with an all-zero gradient: " + zero);
    }
}
