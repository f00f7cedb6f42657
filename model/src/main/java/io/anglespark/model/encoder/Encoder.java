package io.anglespark.model.encoder;

import io.anglespark.model.BertConfig;
import io.anglespark.model.Pooling;
import io.anglespark.model.PretrainedModel;
import io.anglespark.model.tokenize.WordPieceTokenizer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A text encoder: the graph of {@link EncoderGraphFactory}, the model's tokenizer, its pooling and maximum
 * length. Not thread-safe (a {@link ComputationGraph} is not); use one per thread.
 */
public final class Encoder {
    private final String modelName;
    private final BertConfig config;
    private final Pooling pooling;
    private final int maxLength;
    private final ComputationGraph graph;
    private final byte[] tokenizerJson;
    private final WordPieceTokenizer tokenizer;

    /**
     * @param tokenizerJson the Hugging Face {@code tokenizer.json} bytes (kept for saving)
     * @param maxLength     tokens per text including [CLS] and [SEP], at most {@code config.positions()}
     */
    public Encoder(String modelName, BertConfig config, Pooling pooling, int maxLength, ComputationGraph graph, byte[] tokenizerJson) {
        if (maxLength < 2 || maxLength > config.positions()) {
            throw new IllegalArgumentException("maxLength must be in [2, " + config.positions() + "], got " + maxLength);
        }
        this.modelName = Objects.requireNonNull(modelName);
        this.config = config;
        this.pooling = Objects.requireNonNull(pooling);
        this.maxLength = maxLength;
        this.graph = Objects.requireNonNull(graph);
        this.tokenizerJson = tokenizerJson.clone();
        this.tokenizer = WordPieceTokenizer.fromJson(new ByteArrayInputStream(this.tokenizerJson));
    }

    /** The pretrained model with the given pooling (its own when null). */
    public static Encoder pretrained(PretrainedModel m, Pooling pooling, int maxLength) {
        Pooling p = pooling == null ? m.pooling() : pooling;
        byte[] tok;
        try (InputStream in = m.openTokenizer()) {
            tok = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("model '" + m.name() + "': cannot read " + m.tokenizer(), e);
        }
        return new Encoder(m.name(), m.config(), p, maxLength, EncoderGraphFactory.pretrained(m, p), tok);
    }

    /** Pooled embeddings [texts][hidden]; each call pads to its own longest text (dynamic padding). */
    public float[][] embed(List<String> texts) {
        if (texts.isEmpty()) {
            return new float[0][];
        }
        WordPieceTokenizer.Batch b = tokenizer.encodeBatch(texts, maxLength);
        return pooled(b.inputIds(), b.attentionMask());
    }

    /**
     * Pooled embeddings [texts][hidden] of any number of texts, in their order, computed in batches of
     * {@code batchSize} texts of similar token length (length bucketing: texts sorted by length, so each batch
     * pads to a near-uniform width; dynamic padding to each batch's longest).
     */
    public float[][] embedAll(List<String> texts, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        int n = texts.size();
        int[][] ids = new int[n][];
        for (int i = 0; i < n; i++) {
            ids[i] = tokenizer.encode(texts.get(i), maxLength);
        }
        Integer[] order = lengthOrder(ids);
        float[][] out = new float[n][];
        for (int start = 0; start < n; start += batchSize) {
            int end = Math.min(n, start + batchSize);
            List<int[]> rows = new java.util.ArrayList<>(end - start);
            for (int i = start; i < end; i++) {
                rows.add(ids[order[i]]);
            }
            WordPieceTokenizer.Batch b = tokenizer.pad(rows);
            float[][] vectors = pooled(b.inputIds(), b.attentionMask());
            for (int i = start; i < end; i++) {
                out[order[i]] = vectors[i - start];
            }
        }
        return out;
    }

    /** Indices of {@code rows} by ascending length (stable: equal lengths keep their order). */
    public static Integer[] lengthOrder(int[][] rows) {
        Integer[] order = new Integer[rows.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, java.util.Comparator.comparingInt(i -> rows[i].length));
        return order;
    }

    /** Pooled vectors of already tokenised, padded rows (token types 0). */
    public float[][] pooled(int[][] ids, int[][] mask) {
        INDArray out = graph.output(false, inputs(ids, mask))[0];
        return out.castTo(DataType.FLOAT).toFloatMatrix();
    }

    /** The last hidden state [batch][seq][hidden] before pooling (padded rows included, meaningless). */
    public float[][][] lastHiddenState(int[][] ids, int[][] mask) {
        Map<String, INDArray> acts = graph.feedForward(inputs(ids, mask), false);
        INDArray h = acts.get(EncoderGraphFactory.lastHiddenVertex(config)).castTo(DataType.FLOAT);
        long[] s = h.shape();
        float[][][] r = new float[(int) s[0]][][];
        for (int i = 0; i < s[0]; i++) {
            r[i] = h.slice(i).toFloatMatrix();
        }
        return r;
    }

    /** The graph inputs for rows of ids and mask: ids, zero token types, mask, in the graph's data type. */
    public INDArray[] inputs(int[][] ids, int[][] mask) {
        DataType dt = graph.getConfiguration().getDataType();
        INDArray idArr = Nd4j.createFromArray(ids).castTo(dt);
        INDArray maskArr = Nd4j.createFromArray(mask).castTo(dt);
        return new INDArray[]{idArr, Nd4j.zeros(dt, idArr.shape()), maskArr};
    }

    public String modelName() {
        return modelName;
    }

    public BertConfig config() {
        return config;
    }

    public Pooling pooling() {
        return pooling;
    }

    public int maxLength() {
        return maxLength;
    }

    public ComputationGraph graph() {
        return graph;
    }

    public WordPieceTokenizer tokenizer() {
        return tokenizer;
    }

    /** A copy of the {@code tokenizer.json} bytes. */
    public byte[] tokenizerJson() {
        return tokenizerJson.clone();
    }
}
