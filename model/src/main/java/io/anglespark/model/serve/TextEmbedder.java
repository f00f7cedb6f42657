package io.anglespark.model.serve;

import io.anglespark.model.encoder.Encoder;
import io.anglespark.model.tokenize.WordPieceTokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Texts to sentence vectors through an {@link EmbeddingEngine}: each text split by the {@link LongTextPolicy}
 * (one row, or overlapping windows), all rows of the call sorted by token length and run in batches of
 * {@code batchSize} padded to each batch's longest (length bucketing), a text's windows averaged, and the result
 * L2-normalised when {@code normalize}. The vectors do not depend on the batch a text lands in (padding is masked).
 * Not thread-safe (it counts); the engine may be shared.
 */
public final class TextEmbedder {
    private final EmbeddingEngine engine;
    private final LongTextPolicy policy;
    private final int batchSize;
    private final boolean normalize;
    private long texts;
    private long rows;
    private long tokens;
    private long truncated;
    private long chunked;

    public TextEmbedder(EmbeddingEngine engine, LongTextPolicy policy, int batchSize, boolean normalize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        if (policy.maxLength() > engine.config().positions()) {
            throw new IllegalArgumentException("max length " + policy.maxLength() + " exceeds the model's " + engine.config().positions()
                    + " positions");
        }
        this.engine = Objects.requireNonNull(engine);
        this.policy = Objects.requireNonNull(policy);
        this.batchSize = batchSize;
        this.normalize = normalize;
    }

    /** One vector per text, in order: [texts][dimension]. */
    public float[][] embed(List<String> input) {
        WordPieceTokenizer tok = engine.tokenizer();
        List<int[]> all = new ArrayList<>();
        int[] firstRow = new int[input.size() + 1];
        for (int t = 0; t < input.size(); t++) {
            firstRow[t] = all.size();
            LongTextPolicy.Chunks c = policy.split(tok, input.get(t));
            all.addAll(c.rows());
            truncated += c.truncated() ? 1 : 0;
            chunked += c.rows().size() > 1 ? 1 : 0;
        }
        firstRow[input.size()] = all.size();
        int[][] ids = all.toArray(new int[0][]);
        Integer[] order = Encoder.lengthOrder(ids);
        float[][] vectors = new float[ids.length][];
        for (int start = 0; start < ids.length; start += batchSize) {
            int end = Math.min(ids.length, start + batchSize);
            List<int[]> batch = new ArrayList<>(end - start);
            for (int i = start; i < end; i++) {
                batch.add(ids[order[i]]);
                tokens += ids[order[i]].length;
            }
            WordPieceTokenizer.Batch b = tok.pad(batch);
            float[][] v = engine.pooled(b.inputIds(), b.attentionMask());
            for (int i = start; i < end; i++) {
                vectors[order[i]] = v[i - start];
            }
        }
        float[][] out = new float[input.size()][];
        for (int t = 0; t < input.size(); t++) {
            out[t] = mean(vectors, firstRow[t], firstRow[t + 1]);
            if (normalize) {
                normalizeInPlace(out[t]);
            }
        }
        texts += input.size();
        rows += ids.length;
        return out;
    }

    private static float[] mean(float[][] v, int from, int to) {
        if (to - from == 1) {
            return v[from];
        }
        int d = v[from].length;
        double[] sum = new double[d];
        for (int r = from; r < to; r++) {
            for (int j = 0; j < d; j++) {
                sum[j] += v[r][j];
            }
        }
        float[] out = new float[d];
        for (int j = 0; j < d; j++) {
            out[j] = (float) (sum[j] / (to - from));
        }
        return out;
    }

    /** Scales {@code v} to unit L2 norm (a zero vector stays zero). */
    public static void normalizeInPlace(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        if (s == 0) {
            return;
        }
        double inv = 1 / Math.sqrt(s);
        for (int j = 0; j < v.length; j++) {
            v[j] = (float) (v[j] * inv);
        }
    }

    public EmbeddingEngine engine() {
        return engine;
    }

    public LongTextPolicy policy() {
        return policy;
    }

    /** Texts embedded so far. */
    public long texts() {
        return texts;
    }

    /** Model rows run so far (a chunked text counts each window). */
    public long rows() {
        return rows;
    }

    /** Real tokens run so far. */
    public long tokens() {
        return tokens;
    }

    /** Texts of which pieces were left out (truncate, or more windows than allowed). */
    public long truncated() {
        return truncated;
    }

    /** Texts embedded as more than one window. */
    public long chunked() {
        return chunked;
    }
}
