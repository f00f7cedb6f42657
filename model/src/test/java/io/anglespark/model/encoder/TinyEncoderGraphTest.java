package io.anglespark.model.encoder;

import io.anglespark.model.BertConfig;
import io.anglespark.model.Pooling;
import io.anglespark.model.onnx.ReferenceBert;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.Random;

import static io.anglespark.model.encoder.TinyGraphs.TINY;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The graph's structure on a small random configuration, against the float64 reference and hand computations. */
class TinyEncoderGraphTest {
    /** Three rows of lengths 7, 4 and 1 padded to 7, random ids, token types 0 and 1. */
    private static final int[][] IDS = {{2, 17, 33, 5, 49, 8, 3}, {2, 41, 12, 3, 0, 0, 0}, {2, 0, 0, 0, 0, 0, 0}};
    private static final int[][] TYPES = {{0, 0, 0, 1, 1, 1, 1}, {0, 0, 0, 0, 0, 0, 0}, {0, 0, 0, 0, 0, 0, 0}};
    private static final int[][] MASK = {{1, 1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 0, 0, 0}, {1, 0, 0, 0, 0, 0, 0}};

    private static INDArray arr(int[][] a) {
        return Nd4j.createFromArray(a).castTo(DataType.FLOAT);
    }

    private static INDArray hidden(ComputationGraph g, BertConfig c) {
        return g.feedForward(new INDArray[]{arr(IDS), arr(TYPES), arr(MASK)}, false).get(EncoderGraphFactory.lastHiddenVertex(c));
    }

    @Test
    void randomTinyGraphEqualsTheFloat64ReferenceOnRealPositionsIncludingTokenTypes() {
        ComputationGraph g = EncoderGraphFactory.build(TINY, Pooling.MEAN, 7);
        ReferenceBert ref = new ReferenceBert(TinyGraphs.weightsOf(g, TINY, EncoderGraphFactory.DEFAULT_MASK_BIAS));
        INDArray h = hidden(g, TINY);
        assertArrayEquals(new long[]{3, 7, 32}, h.shape());
        double max = 0;
        for (int r = 0; r < IDS.length; r++) {
            double[][] want = ref.forward(TinyGraphs.toLong(IDS[r]), TinyGraphs.toLong(MASK[r]), TinyGraphs.toLong(TYPES[r]));
            for (int i = 0; i < IDS[r].length; i++) {
                if (MASK[r][i] == 0) {
                    continue;
                }
                for (int j = 0; j < TINY.hidden(); j++) {
                    max = Math.max(max, Math.abs(want[i][j] - h.getDouble(r, i, j)));
                }
            }
        }
        System.out.printf("tiny graph vs ReferenceBert: max |diff| %.2e%n", max);
        assertTrue(max < 1e-5, "max diff " + max);
    }

    @Test
    void sameSeedGivesTheSameParametersAndAnotherSeedDifferentOnes() {
        INDArray a = EncoderGraphFactory.build(TINY, Pooling.CLS, 11).params();
        INDArray b = EncoderGraphFactory.build(TINY, Pooling.CLS, 11).params();
        INDArray c = EncoderGraphFactory.build(TINY, Pooling.CLS, 12).params();
        assertEquals(a, b);
        assertNotEquals(a, c);
        assertEquals(TINY.embeddingParameters() + TINY.nonEmbeddingParameters(), a.length());
    }

    @Test
    void everyPoolingModeEqualsAHandComputationFromTheHiddenStatesAndMask() {
        for (Pooling p : Pooling.values()) {
            ComputationGraph g = EncoderGraphFactory.build(TINY, p, 5);
            INDArray h = hidden(g, TINY);
            INDArray pooled = g.output(false, arr(IDS), arr(TYPES), arr(MASK))[0];
            assertArrayEquals(new long[]{3, 32}, pooled.shape(), p.label());
            for (int r = 0; r < IDS.length; r++) {
                int n = (int) Arrays.stream(MASK[r]).sum();
                for (int j = 0; j < TINY.hidden(); j++) {
                    double cls = h.getDouble(r, 0, j);
                    double sum = 0, max = Double.NEGATIVE_INFINITY;
                    for (int i = 0; i < n; i++) {
                        sum += h.getDouble(r, i, j);
                        max = Math.max(max, h.getDouble(r, i, j));
                    }
                    double mean = sum / n;
                    double want = switch (p) {
                        case CLS -> cls;
                        case MEAN -> mean;
                        case CLS_AVG -> (cls + mean) / 2;
                        case MAX -> max;
                        case LAST -> h.getDouble(r, n - 1, j);
                    };
                    assertEquals(want, pooled.getDouble(r, j), 1e-5, p.label() + " row " + r + " dim " + j);
                }
            }
        }
    }

    @Test
    void maskedPositionsWithRandomIdsDoNotChangeRealPositions() {
        ComputationGraph g = EncoderGraphFactory.build(TINY, Pooling.MEAN, 3);
        int[] real = {2, 17, 33, 5, 3};
        INDArray alone = g.feedForward(new INDArray[]{arr(new int[][]{real}), arr(new int[1][5]), arr(new int[][]{{1, 1, 1, 1, 1}})}, false)
                .get(EncoderGraphFactory.lastHiddenVertex(TINY));
        Random rnd = new Random(1);
        int[][] ids = new int[2][12];
        int[][] mask = new int[2][12];
        for (int r = 0; r < 2; r++) {
            for (int i = 0; i < 12; i++) {
                ids[r][i] = i < 5 ? real[i] : (r == 0 ? 0 : rnd.nextInt(TINY.vocab()));
                mask[r][i] = i < 5 ? 1 : 0;
            }
        }
        INDArray padded = g.feedForward(new INDArray[]{arr(ids), arr(new int[2][12]), arr(mask)}, false)
                .get(EncoderGraphFactory.lastHiddenVertex(TINY));
        for (int r = 0; r < 2; r++) {
            for (int i = 0; i < 5; i++) {
                for (int j = 0; j < TINY.hidden(); j++) {
                    assertEquals(alone.getDouble(0, i, j), padded.getDouble(r, i, j), 1e-5);
                }
            }
        }
        INDArray pooledAlone = g.output(false, arr(new int[][]{real}), arr(new int[1][5]), arr(new int[][]{{1, 1, 1, 1, 1}}))[0];
        INDArray pooledPadded = g.output(false, arr(ids), arr(new int[2][12]), arr(mask))[0];
        for (int r = 0; r < 2; r++) {
            for (int j = 0; j < TINY.hidden(); j++) {
                assertEquals(pooledAlone.getDouble(0, j), pooledPadded.getDouble(r, j), 1e-5);
            }
        }
    }

    @Test
    void graphConfigurationJsonRoundTripsAndRebuildsTheSameFunction() {
        for (Pooling p : Pooling.values()) {
            ComputationGraph g = EncoderGraphFactory.build(TINY, p, 9);
            String json = g.getConfiguration().toJson();
            ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(json);
            assertEquals(json, back.toJson(), p.label());
            assertTrue(json.contains(PoolingVertex.class.getName()));
            // the vertices' own fields are in the JSON (not only DL4J's base fields)
            assertTrue(json.contains("\"heads\" : 4") && json.contains("\"intermediate\" : 64") && json.contains("\"positions\" : 16")
                    && json.contains("\"pooling\" : \"" + p.name() + "\""), "vertex fields missing from the JSON");
            ComputationGraph rebuilt = new ComputationGraph(back);
            rebuilt.init(g.params().dup(), true);
            INDArray want = g.output(false, arr(IDS), arr(TYPES), arr(MASK))[0];
            INDArray got = rebuilt.output(false, arr(IDS), arr(TYPES), arr(MASK))[0];
            assertEquals(want, got, p.label());
            assertFalse(want.isNaN().any());
        }
    }
}
