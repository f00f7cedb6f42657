package io.anglespark.model.encoder;

import io.anglespark.model.BertConfig;
import io.anglespark.model.onnx.BertWeights;
import org.deeplearning4j.nn.graph.ComputationGraph;


/** Helpers for tests on small random graphs. */
final class TinyGraphs {
    /** 2 layers, hidden 32, 4 heads, FFN 64, vocabulary 50, 16 positions. */
    static final BertConfig TINY = new BertConfig(2, 32, 4, 64, 50, 16, 2, 1e-12);

    private TinyGraphs() {
    }

    /** The graph's parameters as {@link BertWeights} (float copies), for {@code ReferenceBert}. */
    static BertWeights weightsOf(ComputationGraph g, BertConfig c, double maskBias) {
        return EncoderGraphFactory.weightsOf(g, c, c.layerNormEps(), maskBias);
    }

    static long[] toLong(int[] a) {
        long[] r = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i];
        }
        return r;
    }
}
