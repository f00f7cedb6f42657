package io.anglespark.model.serve;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.anglespark.model.BertConfig;
import io.anglespark.model.Pooling;
import io.anglespark.model.tokenize.WordPieceTokenizer;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * ONNX Runtime running a BERT export (inputs {@code input_ids}, {@code attention_mask}, {@code token_type_ids},
 * int64 [batch, seq]; output {@code last_hidden_state} [batch, seq, hidden]), pooled in Java by {@link Pooler} as
 * the DL4J graph pools. Our tokenizer makes the ids, so both engines see the same input. {@code OrtSession.run} is
 * thread-safe; calls run concurrently.
 */
public final class OnnxRuntimeEngine implements EmbeddingEngine {
    public static final String OUTPUT = "last_hidden_state";

    private final String modelName;
    private final BertConfig config;
    private final Pooling pooling;
    private final WordPieceTokenizer tokenizer;
    private final OrtEnvironment env;
    private final OrtSession session;

    /** @param threads ONNX Runtime intra-op threads (0: its default, all cores) */
    public OnnxRuntimeEngine(String modelName, BertConfig config, Pooling pooling, WordPieceTokenizer tokenizer, byte[] onnx, int threads) {
        this.modelName = Objects.requireNonNull(modelName);
        this.config = Objects.requireNonNull(config);
        this.pooling = Objects.requireNonNull(pooling);
        this.tokenizer = Objects.requireNonNull(tokenizer);
        this.env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            if (threads > 0) {
                options.setIntraOpNumThreads(threads);
            }
            this.session = env.createSession(onnx, options);
        } catch (OrtException e) {
            throw new IllegalStateException("model '" + modelName + "': ONNX Runtime cannot load it: " + e.getMessage(), e);
        }
        if (!session.getOutputNames().contains(OUTPUT)) {
            throw new IllegalArgumentException("model '" + modelName + "': the ONNX graph has no output '" + OUTPUT + "' (outputs: "
                    + session.getOutputNames() + ")");
        }
    }

    @Override
    public Engine kind() {
        return Engine.ONNXRUNTIME;
    }

    @Override
    public String modelName() {
        return modelName;
    }

    @Override
    public BertConfig config() {
        return config;
    }

    @Override
    public Pooling pooling() {
        return pooling;
    }

    @Override
    public WordPieceTokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public float[][] pooled(int[][] ids, int[][] mask) {
        int n = ids.length;
        int w = n == 0 ? 0 : ids[0].length;
        long[] i64 = new long[n * w];
        long[] m64 = new long[n * w];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < w; c++) {
                i64[r * w + c] = ids[r][c];
                m64[r * w + c] = mask[r][c];
            }
        }
        long[] shape = {n, w};
        // flat buffers in and out: no nested Java arrays for ONNX Runtime to convert, the output pooled where it lies
        try (OnnxTensor in = OnnxTensor.createTensor(env, LongBuffer.wrap(i64), shape);
             OnnxTensor mk = OnnxTensor.createTensor(env, LongBuffer.wrap(m64), shape);
             OnnxTensor types = OnnxTensor.createTensor(env, LongBuffer.wrap(new long[n * w]), shape);
             OrtSession.Result res = session.run(Map.of("input_ids", in, "attention_mask", mk, "token_type_ids", types), Set.of(OUTPUT))) {
            FloatBuffer h = ((OnnxTensor) res.get(OUTPUT).orElseThrow()).getFloatBuffer();
            return Pooler.pool(h, n, w, config.hidden(), mask, pooling);
        } catch (OrtException e) {
            throw new IllegalStateException("model '" + modelName + "': ONNX Runtime failed on a batch of " + n + " x " + w + ": "
                    + e.getMessage(), e);
        }
    }

    /** ONNX Runtime's {@value #OUTPUT} [rows][seq][hidden] for padded rows (token types 0). */
    public float[][][] lastHiddenState(int[][] ids, int[][] mask) {
        int n = ids.length;
        int w = n == 0 ? 0 : ids[0].length;
        long[][] i64 = new long[n][w];
        long[][] m64 = new long[n][w];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < w; c++) {
                i64[r][c] = ids[r][c];
                m64[r][c] = mask[r][c];
            }
        }
        try (OnnxTensor in = OnnxTensor.createTensor(env, i64);
             OnnxTensor mk = OnnxTensor.createTensor(env, m64);
             OnnxTensor types = OnnxTensor.createTensor(env, new long[n][w]);
             OrtSession.Result res = session.run(Map.of("input_ids", in, "attention_mask", mk, "token_type_ids", types))) {
            return (float[][][]) res.get(OUTPUT).orElseThrow().getValue();
        } catch (OrtException e) {
            throw new IllegalStateException("model '" + modelName + "': ONNX Runtime failed on a batch of " + n + " x " + w + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("model '" + modelName + "': cannot close the ONNX Runtime session", e);
        }
    }
}
