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
 * {@code embeddings_position}, {@code layer3_qW} (the word table is {@code word_embeddings_W}); they
 * correspond one to one to {@link BertWeights}' names ({@code embeddings.position}, {@code layer.3.qW},
 * {@code embeddings.word}). The graph has no output layer: training code adds one
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
            float[][] arrays = {l.qW(), l.qB(), l.kW(), l.kB(), l.vW(), l.vB(), l.attnOutW(), l.attnOutB(), l.ln1Gamma(), l.ln1Beta(),
                    l.ffnInW(), l.ffnInB(), l.ffnOutW(), l.ffnOutB(), l.ln2Gamma(), l.ln2Beta()};
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
}
