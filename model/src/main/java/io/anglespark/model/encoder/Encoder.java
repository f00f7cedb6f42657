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
 *
 * <p>Two names: {@link #modelName()} is the model the weights started from (a registered pretrained model, whose
 * ONNX file and settings an export and ONNX Runtime reuse), {@link #name()} the model's own name (a training run's
 * {@code train.name}), which its model id carries. They are the same until a training run names its model.
 */
public final class Encoder {
    /** What a model's own name may be: it appears in model ids, registry folders and file names. */
    public static final String NAME_PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]{0,99}";
    /** {@link #NAME_PATTERN} in words, for messages. */
    public static final String NAME_RULE = "1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit";
    private final String modelName;
    private final String name;
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
        this(modelName, modelName, config, pooling, maxLength, graph, tokenizerJson);
    }

    private Encoder(String modelName, String name, BertConfig config, Pooling pooling, int maxLength, ComputationGraph graph, byte[] tokenizerJson) {
        if (maxLength < 2 || maxLength > config.positions()) {
            throw new IllegalArgumentException("maxLength must be in [2, " + config.positions() + "], got " + maxLength);
        }
        this.modelName = Objects.requireNonNull(modelName);
        this.name = Objects.requireNonNull(name);
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

    /** The model the weights started from (a registered pretrained model's name, for its ONNX file and settings). */
    public String modelName() {
        return modelName;
    }

    /** The model's own name, which its model id carries: {@code train.name} of the run that trained it, else {@link #modelName()}. */
    public String name() {
        return name;
    }

    /** This encoder (the same graph) under its own name; {@code name} must match {@link #NAME_PATTERN}. */
    public Encoder named(String name) {
        requireName(name);
        return name.equals(this.name) ? this : new Encoder(modelName, name, config, pooling, maxLength, graph, tokenizerJson);
    }

    /** {@code name} when it matches {@link #NAME_PATTERN}; otherwise an {@link IllegalArgumentException} saying the rule. */
    public static String requireName(String name) {
        if (!name.matches(NAME_PATTERN)) {
            throw new IllegalArgumentException("model name '" + name + "' must be " + NAME_RULE);
        }
        return name;
    }

    /** This encoder (the same graph and name) allowed {@code maxLength} tokens per text. */
    public Encoder withMaxLength(int maxLength) {
        return maxLength == this.maxLength ? this : new Encoder(modelName, name, config, pooling, maxLength, graph, tokenizerJson);
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
