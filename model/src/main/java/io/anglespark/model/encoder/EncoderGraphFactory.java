package io.anglespark.model.encoder;

import io.anglespark.model.BertConfig;
import io.anglespark.model.Pooling;
import io.anglespark.model.PretrainedModel;
import io.anglespark.model.onnx.BertWeights;
import io.anglespark.model.onnx.OnnxModel;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.weights.WeightInitDistribution;
import org.nd4j.linalg.activations.Activation;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the BERT encoder as a DL4J {@link ComputationGraph}: the one place that knows its layout.
 *
 * <p>Graph inputs, in this order, all [batch, seq] in the network's floating type (DL4J feeds graphs
 * floating-point arrays; ids are exact in float32 below 2^24):
 * <ol>
 *   <li>{@value #INPUT_IDS}: token ids;</li>
 *   <li>{@value #TOKEN_TYPE_IDS}: token-type (segment) ids;</li>
 *   <li>{@value #ATTENTION_MASK}: 1 for real tokens, 0 for padding.</li>
 * </ol>
 * The mask is an ordinary input rather than DL4J's feature mask: DL4J 1.0.0-M2.1's {@code SameDiffVertex}
 * does not support feature-mask propagation ({@code feedForwardMaskArrays} throws), and as an input it is plain
 * data that reaches every vertex that needs it and travels in a {@code MultiDataSet}'s features.
 *
 * <p>Vertices: {@value #WORD_EMBEDDINGS} (DL4J's {@code EmbeddingSequenceLayer}, no bias, identity activation,
 * [batch, seq, h] output), {@value #EMBEDDINGS} ({@link EmbeddingVertex}: positions, token types, layer norm),
 * {@code layer0 .. layer<N-1>}
 * ({@link TransformerBlockVertex}, each also fed the mask), and {@value #POOLED} ({@link PoolingVertex},
 * [batch, hidden]), the graph output. Parameter keys are {@code <vertex>_<param>}, e.g.
 * {@code embeddings_position}, {@code layer3_ffnInW} (the word table is {@code word_embeddings_W}); they
 * correspond one to one to {@link BertWeights}' names ({@code embeddings.position}, {@code layer.3.ffnInW},
 * {@code embeddings.word}), except that each block holds Q, K and V as one fused {@code qkvW} [h, 3h] and
 * {@code qkvB} [3h] ({@link #copyWeights} and {@link #weightsOf} convert). The graph has no output layer: training code adds one
 * (e.g. a loss layer on {@value #POOLED}) through {@link #graphBuilder}.
 */
public final class EncoderGraphFactory {
    public static final String INPUT_IDS = "input_ids";
    public static final String TOKEN_TYPE_IDS = "token_type_ids";
    public static final String ATTENTION_MASK = "attention_mask";
    /** DL4J's {@code EmbeddingSequenceLayer} for the word table (parameter {@code word_embeddings_W} [vocab, h]). */
    public static final String WORD_EMBEDDINGS = "word_embeddings";
    public static final String EMBEDDINGS = "embeddings";
    public static final String POOLED = "pooled";
    /** The additive attention bias per padded key used by the exports: float32's lowest value. */
    public static final double DEFAULT_MASK_BIAS = -3.4028234663852886E38;

    private EncoderGraphFactory() {
    }

    /** The vertex name of transformer layer {@code i} (0-based). */
    public static String layerName(int i) {
        return "layer" + i;
    }

    /** The vertex whose output is the last hidden state [batch, seq, hidden]. */
    public static String lastHiddenVertex(BertConfig config) {
        return layerName(config.layers() - 1);
    }

    /** An untrained encoder with N(0, 0.02) weights, unit layer-norm gains and zero biases, reproducible from {@code seed}. */
    public static ComputationGraph build(BertConfig config, Pooling pooling, long seed) {
        ComputationGraph g = new ComputationGraph(graphBuilder(config, pooling, seed, DataType.FLOAT, config.layerNormEps(),
                DEFAULT_MASK_BIAS).build());
        g.init();
        return g;
    }

    /**
     * The graph configuration up to {@value #POOLED} (set as output) on a default base configuration (seed, data
     * type, workspaces enabled; DL4J's default updater).
     */
    public static ComputationGraphConfiguration.GraphBuilder graphBuilder(BertConfig c, Pooling pooling, long seed, DataType dataType,
                                                                        double layerNormEps, double maskBias) {
        return graphBuilder(c, pooling, baseConfiguration(seed, dataType), layerNormEps, maskBias);
    }

    /** Seed, data type and enabled workspaces: the base {@link #graphBuilder} uses unless given another. */
    public static NeuralNetConfiguration.Builder baseConfiguration(long seed, DataType dataType) {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(dataType)
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED);
    }

    /**
     * The graph configuration up to {@value #POOLED} (set as output) on {@code base} (which carries the seed,
     * data type, updater, ...; DL4J applies it to each vertex as it is added), for callers that add a loss head:
     * add vertices/layers and call {@code setOutputs} again.
     */
    public static ComputationGraphConfiguration.GraphBuilder graphBuilder(BertConfig c, Pooling pooling, NeuralNetConfiguration.Builder base,
                                                                        double layerNormEps, double maskBias) {
        ComputationGraphConfiguration.GraphBuilder b = base.graphBuilder()
                .addInputs(INPUT_IDS, TOKEN_TYPE_IDS, ATTENTION_MASK)
                .addLayer(WORD_EMBEDDINGS, new EmbeddingSequenceLayer.Builder().nIn(c.vocab()).nOut(c.hidden()).hasBias(false)
                        .activation(Activation.IDENTITY).outputDataFormat(RNNFormat.NWC)
                        .weightInit(new WeightInitDistribution(new NormalDistribution(0, 0.02))).build(), INPUT_IDS)
                .addVertex(EMBEDDINGS, new EmbeddingVertex(c.positions(), c.typeVocab(), c.hidden(), layerNormEps),
                        WORD_EMBEDDINGS, TOKEN_TYPE_IDS);
        String prev = EMBEDDINGS;
        for (int i = 0; i < c.layers(); i++) {
            b.addVertex(layerName(i), new TransformerBlockVertex(c.hidden(), c.heads(), c.intermediate(), layerNormEps, maskBias),
                    prev, ATTENTION_MASK);
            prev = layerName(i);
        }
        // cls pooling reads no mask; a vertex input that no op uses has no gradient, and DL4J's backward fails on it.
        if (pooling == Pooling.CLS) {
            b.addVertex(POOLED, new PoolingVertex(pooling, c.hidden()), prev);
        } else {
            b.addVertex(POOLED, new PoolingVertex(pooling, c.hidden()), prev, ATTENTION_MASK);
        }
        b.setOutputs(POOLED);
        return b;
    }

    /**
     * The layer-norm epsilon and the additive attention bias on padded keys a graph's blocks are built with (the
     * ONNX export's values for a pretrained model, which may differ from {@link BertConfig#layerNormEps}).
     */
    public record BlockSettings(double layerNormEps, double maskBias) {
    }

    /** The settings of {@code g}'s transformer blocks (one value for all of them, as {@link #graphBuilder} builds them). */
    public static BlockSettings blockSettings(ComputationGraph g) {
        for (org.deeplearning4j.nn.conf.graph.GraphVertex v : g.getConfiguration().getVertices().values()) {
            if (v instanceof TransformerBlockVertex t) {
                return new BlockSettings(t.eps(), t.maskBias());
            }
        }
        throw new IllegalArgumentException("not an encoder graph: it has no transformer block (vertices "
                + g.getConfiguration().getVertices().keySet() + ")");
    }

    /**
     * The encoder graph (float32) on the given flattened parameters, used as they are (not copied, not initialised):
     * how an artifact's {@code coefficients.bin} becomes a graph.
     *
     * @param params a FLOAT vector of {@link BertConfig#parameters()} values, in the order of this graph's
     *               {@code params()} (the order DL4J wrote them in)
     */
    public static ComputationGraph withParameters(BertConfig c, Pooling pooling, BlockSettings blocks, INDArray params) {
        if (params.dataType() != DataType.FLOAT || params.length() != c.parameters()) {
            throw new IllegalArgumentException("the encoder " + c + " needs " + c.parameters() + " FLOAT parameters, got " + params.length()
                    + " " + params.dataType());
        }
        ComputationGraph g = new ComputationGraph(graphBuilder(c, pooling, 0, DataType.FLOAT, blocks.layerNormEps(), blocks.maskBias())
                .build());
        g.init(params, false);
        return g;
    }

    /** The pretrained encoder: its ONNX export read and mapped by {@link BertWeights}, copied into a new graph. */
    public static ComputationGraph pretrained(PretrainedModel m, Pooling pooling) {
        BertWeights w;
        try (InputStream in = m.openOnnx()) {
            w = BertWeights.from(OnnxModel.read(in), m.config());
        } catch (IOException e) {
            throw new UncheckedIOException("model '" + m.name() + "': cannot read " + m.onnx(), e);
        }
        return fromWeights(w, pooling);
    }

    /** A graph holding {@code w}, built with the export's layer-norm epsilon and mask bias. */
    public static ComputationGraph fromWeights(BertWeights w, Pooling pooling) {
        ComputationGraph g = new ComputationGraph(graphBuilder(w.config(), pooling, 0, DataType.FLOAT, w.layerNormEps(),
                w.maskBias()).build());
        g.init();
        copyWeights(w, g);
        return g;
    }

    /**
     * Copies every parameter of {@code w} into {@code g}. Every graph parameter must receive a value and every
     * array must fit its parameter's shape; the failure names the parameter.
     */
    public static void copyWeights(BertWeights w, ComputationGraph g) {
        BertConfig c = w.config();
        Map<String, float[]> src = new LinkedHashMap<>();
        src.put(WORD_EMBEDDINGS + "_W", w.wordEmbeddings());
        src.put(EMBEDDINGS + "_position", w.positionEmbeddings());
        src.put(EMBEDDINGS + "_tokenType", w.tokenTypeEmbeddings());
        src.put(EMBEDDINGS + "_lnGamma", w.embeddingLnGamma());
        src.put(EMBEDDINGS + "_lnBeta", w.embeddingLnBeta());
        for (int i = 0; i < w.layers().size(); i++) {
            BertWeights.Layer l = w.layers().get(i);
            float[][] arrays = {fuseColumns(c.hidden(), l.qW(), l.kW(), l.vW()), fuseColumns(1, l.qB(), l.kB(), l.vB()), l.attnOutW(),
                    l.attnOutB(), l.ln1Gamma(), l.ln1Beta(), l.ffnInW(), l.ffnInB(), l.ffnOutW(), l.ffnOutB(), l.ln2Gamma(), l.ln2Beta()};
            for (int j = 0; j < arrays.length; j++) {
                src.put(layerName(i) + "_" + TransformerBlockVertex.PARAMS[j], arrays[j]);
            }
        }
        Map<String, INDArray> table = g.paramTable();
        List<String> missing = table.keySet().stream().filter(k -> !src.containsKey(k)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("graph parameters with no value in the weights (" + c + "): " + missing);
        }
        for (Map.Entry<String, float[]> e : src.entrySet()) {
            INDArray p = table.get(e.getKey());
            if (p == null) {
                throw new IllegalArgumentException("weight '" + e.getKey() + "' has no parameter in the graph (graph parameters: "
                        + table.keySet() + ")");
            }
            if (p.length() != e.getValue().length) {
                throw new IllegalArgumentException("weight '" + e.getKey() + "' has " + e.getValue().length + " values but the graph "
                        + "parameter has shape " + Arrays.toString(p.shape()) + " (" + p.length() + " values)");
            }
            // BertWeights are row-major [in, out] (x @ W), the parameters 'c'-ordered in the same orientation.
            p.assign(Nd4j.create(e.getValue(), p.shape(), 'c').castTo(p.dataType()));
        }
    }

    /**
     * The parameters of an encoder graph built here, as {@link BertWeights} (float copies; the fused Q/K/V split
     * back), e.g. to export a trained graph.
     */
    public static BertWeights weightsOf(ComputationGraph g, BertConfig c, double layerNormEps, double maskBias) {
        Map<String, INDArray> t = g.paramTable();
        int h = c.hidden();
        List<BertWeights.Layer> layers = new java.util.ArrayList<>();
        for (int i = 0; i < c.layers(); i++) {
            String p = layerName(i) + "_";
            float[][] qkvW = splitColumns(h, floats(t.get(p + "qkvW")));
            float[][] qkvB = splitColumns(1, floats(t.get(p + "qkvB")));
            layers.add(new BertWeights.Layer(qkvW[0], qkvB[0], qkvW[1], qkvB[1], qkvW[2], qkvB[2], floats(t.get(p + "attnOutW")),
                    floats(t.get(p + "attnOutB")), floats(t.get(p + "ln1Gamma")), floats(t.get(p + "ln1Beta")), floats(t.get(p + "ffnInW")),
                    floats(t.get(p + "ffnInB")), floats(t.get(p + "ffnOutW")), floats(t.get(p + "ffnOutB")), floats(t.get(p + "ln2Gamma")),
                    floats(t.get(p + "ln2Beta"))));
        }
        String e = EMBEDDINGS + "_";
        return new BertWeights(c, floats(t.get(WORD_EMBEDDINGS + "_W")), floats(t.get(e + "position")), floats(t.get(e + "tokenType")),
                floats(t.get(e + "lnGamma")), floats(t.get(e + "lnBeta")), layers, layerNormEps, maskBias, Map.of());
    }

    /** Row-major [rows, n] matrices side by side: a row-major [rows, parts * n] matrix. */
    static float[] fuseColumns(int rows, float[]... parts) {
        int n = parts[0].length / rows;
        float[] out = new float[rows * n * parts.length];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < parts.length; j++) {
                System.arraycopy(parts[j], r * n, out, (r * parts.length + j) * n, n);
            }
        }
        return out;
    }

    /** The inverse of {@link #fuseColumns} for three parts. */
    static float[][] splitColumns(int rows, float[] fused) {
        int n = fused.length / rows / 3;
        float[][] out = new float[3][rows * n];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < 3; j++) {
                System.arraycopy(fused, (r * 3 + j) * n, out[j], r * n, n);
            }
        }
        return out;
    }

    private static float[] floats(INDArray a) {
        return a.castTo(DataType.FLOAT).dup('c').data().asFloat();
    }
}
