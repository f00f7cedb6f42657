package io.anglespark.model.encoder;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.anglespark.model.Pooling;
import io.anglespark.model.PretrainedModel;
import io.anglespark.model.tokenize.WordPieceTokenizer;
import io.anglespark.prep.SharedData;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The DL4J encoder with the pretrained weights equals ONNX Runtime running the same ONNX bytes, on real STS-B
 * test sentences (fields 5 and 6 of the first lines of sts-test.csv, in file order), in batches of 32 padded to
 * each batch's longest: last hidden states within 1e-3 absolute on real positions, and the pooled vectors (the
 * model's own pooling, applied by hand to ORT's last_hidden_state with the mask) with cosine >= 0.99999.
 */
class OnnxRuntimeParityTest {
    private static final int BATCH = 32;

    static List<String> stsSentences(int n) {
        List<String> out = new ArrayList<>();
        for (String line : SharedData.lines("stsbenchmark/sts-test.csv")) {
            String[] f = line.split("\t");
            out.add(f[5]);
            out.add(f[6]);
            if (out.size() >= n) {
                break;
            }
        }
        assertEquals(n, out.size());
        return out;
    }

    @ParameterizedTest(name = "{0}: {1} sentences")
    @CsvSource({"minilm-l6-v2, 256", "bge-small-en-v1.5, 256", "e5-small-v2, 256"})
    void lastHiddenStatesAndPooledVectorsEqualOnnxRuntimeOnStsbSentences(String name, int count) throws IOException, OrtException {
        PretrainedModel m = PretrainedModel.byName(name);
        long t0 = System.nanoTime();
        Encoder enc = Encoder.pretrained(m, null, 128);
        long tBuilt = System.nanoTime();
        byte[] onnx;
        try (InputStream in = m.openOnnx()) {
            onnx = in.readAllBytes();
        }
        List<String> texts = stsSentences(count);
        ComputationGraph g = enc.graph();
        String last = EncoderGraphFactory.lastHiddenVertex(m.config());
        double maxDiff = 0;
        double minCos = 1;
        long dl4jNanos = 0, ortNanos = 0;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(2);
            try (OrtSession session = env.createSession(onnx, options)) {
                for (int start = 0; start < texts.size(); start += BATCH) {
                    WordPieceTokenizer.Batch b = enc.tokenizer().encodeBatch(texts.subList(start, Math.min(texts.size(), start + BATCH)), 128);
                    long a = System.nanoTime();
                    Map<String, INDArray> acts = g.feedForward(enc.inputs(b.inputIds(), b.attentionMask()), false);
                    INDArray hidden = acts.get(last);
                    INDArray pooled = acts.get(EncoderGraphFactory.POOLED);
                    long c = System.nanoTime();
                    float[][][] ort = runOrt(env, session, b);
                    ortNanos += System.nanoTime() - c;
                    dl4jNanos += c - a;
                    for (int r = 0; r < b.size(); r++) {
                        int n = b.lengths()[r];
                        for (int i = 0; i < n; i++) {
                            for (int j = 0; j < m.config().hidden(); j++) {
                                maxDiff = Math.max(maxDiff, Math.abs(ort[r][i][j] - hidden.getDouble(r, i, j)));
                            }
                        }
                        double[] want = pool(ort[r], n, m.pooling());
                        double dot = 0, nw = 0, ng = 0;
                        for (int j = 0; j < want.length; j++) {
                            double gj = pooled.getDouble(r, j);
                            dot += want[j] * gj;
                            nw += want[j] * want[j];
                            ng += gj * gj;
                        }
                        minCos = Math.min(minCos, dot / Math.sqrt(nw * ng));
                    }
                }
            }
        }
        System.out.printf("%s (%s pooling): %d STS-B sentences, max |DL4J - ORT| last hidden state %.2e, min cosine of pooled 1 - %.1e; "
                        + "graph build %.1f s, DL4J forward %.1f s, ORT %.1f s%n", name, m.pooling().label(), count, maxDiff, 1 - minCos,
                (tBuilt - t0) / 1e9, dl4jNanos / 1e9, ortNanos / 1e9);
        assertTrue(maxDiff < 1e-3, name + ": max hidden-state difference " + maxDiff);
        assertTrue(minCos >= 0.99999, name + ": min cosine " + minCos);
    }

    /** The model's pooling of ORT's hidden state over the first {@code n} (real) rows. */
    static double[] pool(float[][] h, int n, Pooling p) {
        double[] out = new double[h[0].length];
        for (int j = 0; j < out.length; j++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += h[i][j];
            }
            out[j] = switch (p) {
                case CLS -> h[0][j];
                case MEAN -> sum / n;
                default -> throw new IllegalArgumentException("not a registered model's pooling: " + p);
            };
        }
        return out;
    }

    static float[][][] runOrt(OrtEnvironment env, OrtSession session, WordPieceTokenizer.Batch b) throws OrtException {
        long[][] ids = new long[b.size()][], mask = new long[b.size()][], types = new long[b.size()][b.width()];
        for (int r = 0; r < b.size(); r++) {
            ids[r] = TinyGraphs.toLong(b.inputIds()[r]);
            mask[r] = TinyGraphs.toLong(b.attentionMask()[r]);
        }
        try (OnnxTensor i = OnnxTensor.createTensor(env, ids);
             OnnxTensor mk = OnnxTensor.createTensor(env, mask);
             OnnxTensor t = OnnxTensor.createTensor(env, types);
             OrtSession.Result r = session.run(Map.of("input_ids", i, "attention_mask", mk, "token_type_ids", t))) {
            return (float[][][]) r.get("last_hidden_state").orElseThrow().getValue();
        }
    }
}
