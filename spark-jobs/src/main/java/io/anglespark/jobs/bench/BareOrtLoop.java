package io.anglespark.jobs.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.anglespark.model.Pooling;
import io.anglespark.model.tokenize.WordPieceTokenizer;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The reference the embed job is measured against: a plain ONNX Runtime loop over the same texts, with the same
 * tokenizer, on one session with every core (intra-op threads = the machine's cores), texts sorted by token length
 * and cut into batches, each batch padded to its longest text, pooled and L2-normalised straight from the output
 * buffer. No Spark, no files, no per-row objects: what a hand-written Java program would do.
 */
final class BareOrtLoop {
    /** What the loop did: texts, tokens, seconds of tokenising and inference, a checksum so the work cannot be skipped. */
    record Result(long texts, long tokens, double seconds, double checksum) {
    }

    private BareOrtLoop() {
    }

    static Result run(byte[] onnx, WordPieceTokenizer tokenizer, Pooling pooling, List<String> texts, int maxLength, int batchSize, int threads)
            throws OrtException {
        if (pooling != Pooling.MEAN && pooling != Pooling.CLS) {
            throw new IllegalArgumentException("the bare loop pools mean or cls, not " + pooling.label());
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            try (OrtSession session = env.createSession(onnx, options)) {
                long t0 = System.nanoTime();
                int n = texts.size();
                int[][] ids = new int[n][];
                long tokens = 0;
                for (int i = 0; i < n; i++) {
                    ids[i] = tokenizer.encode(texts.get(i), maxLength);
                    tokens += ids[i].length;
                }
                Integer[] order = new Integer[n];
                for (int i = 0; i < n; i++) {
                    order[i] = i;
                }
                Arrays.sort(order, Comparator.comparingInt(i -> ids[i].length));
                double checksum = 0;
                for (int from = 0; from < n; from += batchSize) {
                    int rows = Math.min(batchSize, n - from);
                    int width = ids[order[from + rows - 1]].length;
                    long[] in = new long[rows * width];
                    long[] mask = new long[rows * width];
                    for (int r = 0; r < rows; r++) {
                        int[] row = ids[order[from + r]];
                        for (int c = 0; c < row.length; c++) {
                            in[r * width + c] = row[c];
                            mask[r * width + c] = 1;
                        }
                    }
                    long[] shape = {rows, width};
                    try (OnnxTensor a = OnnxTensor.createTensor(env, LongBuffer.wrap(in), shape);
                         OnnxTensor m = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
                         OnnxTensor t = OnnxTensor.createTensor(env, LongBuffer.wrap(new long[rows * width]), shape);
                         OrtSession.Result res = session.run(Map.of("input_ids", a, "attention_mask", m, "token_type_ids", t))) {
                        FloatBuffer h = ((OnnxTensor) res.get("last_hidden_state").orElseThrow()).getFloatBuffer();
                        int hidden = h.capacity() / (rows * width);
                        float[] v = new float[hidden];
                        for (int r = 0; r < rows; r++) {
                            Arrays.fill(v, 0);
                            int len = ids[order[from + r]].length;
                            int used = pooling == Pooling.CLS ? 1 : len;
                            for (int c = 0; c < used; c++) {
                                int base = (r * width + c) * hidden;
                                for (int k = 0; k < hidden; k++) {
                                    v[k] += h.get(base + k);
                                }
                            }
                            double norm = 0;
                            for (float x : v) {
                                norm += (double) x * x;
                            }
                            checksum += v[0] / Math.sqrt(norm);
                        }
                    }
                }
                return new Result(n, tokens, (System.nanoTime() - t0) / 1e9, checksum);
            }
        }
    }
}
