package io.anglespark.model.encoder;

import io.anglespark.model.BertConfig;
import io.anglespark.model.onnx.BertWeights;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Helpers for tests on small random graphs. */
final class TinyGraphs {
    /** 2 layers, hidden 32, 4 heads, FFN 64, vocabulary 50, 16 positions. */
    static final BertConfig TINY = new BertConfig(2, 32, 4, 64, 50, 16, 2, 1e-12);

    private TinyGraphs() {
    }

    /** The graph's parameters as {@link BertWeights} (float copies), for {@code ReferenceBert}. */
    static BertWeights weightsOf(ComputationGraph g, BertConfig c, double maskBias) {
        Map<String, INDArray> t = g.paramTable();
        List<BertWeights.Layer> layers = new ArrayList<>();
        for (int i = 0; i < c.layers(); i++) {
            String p = EncoderGraphFactory.layerName(i) + "_";
            float[][] a = new float[TransformerBlockVertex.PARAMS.length][];
            for (int j = 0; j < a.length; j++) {
                a[j] = f(t.get(p + TransformerBlockVertex.PARAMS[j]));
            }
            layers.add(new BertWeights.Layer(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15]));
        }
        String e = EncoderGraphFactory.EMBEDDINGS + "_";
        return new BertWeights(c, f(t.get(EncoderGraphFactory.WORD_EMBEDDINGS + "_W")), f(t.get(e + "position")), f(t.get(e + "tokenType")), f(t.get(e + "lnGamma")),
                f(t.get(e + "lnBeta")), layers, c.layerNormEps(), maskBias, Map.of());
    }

    private static float[] f(INDArray a) {
        return a.castTo(DataType.FLOAT).dup('c').data().asFloat();
    }

    static long[] toLong(int[] a) {
        long[] r = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i];
        }
        return r;
    }
}
