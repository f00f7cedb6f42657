package io.anglespark.model.encoder;

import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDVertexParams;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.buffer.DataType;

import org.nd4j.shade.jackson.annotation.JsonProperty;

import java.util.Map;
import java.util.Objects;

/**
 * One post-LN BERT block (configuration side). Inputs: hidden state {@code x} [batch, seq, h] and the attention
 * mask [batch, seq] (1 real, 0 padding). Output [batch, seq, h]:
 * <pre>
 *   [q k v] = x Wqkv + bqkv                                   one fused [h, 3h] projection
 *   scores  = q k^T / sqrt(d) + (1 - mask[key]) * maskBias    per head, d = h / heads
 *   a       = LN1(x + softmax(scores) v Wo + bo)
 *   y       = LN2(a + gelu(a Win + bin) Wout + bout),   gelu(z) = z/2 (1 + erf(z / sqrt 2))   (exact, from erf)
 * </pre>
 * with the export's additive mask bias ({@code -3.4028235e38}). Weights are in {@code x @ W} orientation
 * ([in, out]), the same as {@code BertWeights}; {@code qkvW}'s columns are q's, then k's, then v's.
 *
 * <p>The computation is {@link TransformerBlock}'s (ND4J ops with a hand-written backward pass, forward computed
 * once per training step); this class extends {@code SameDiffVertex} only for what DL4J's configuration side gives
 * it: parameter definitions and views, JSON, and the per-parameter training configuration. It defines no SameDiff
 * graph.
 */
public class TransformerBlockVertex extends EncoderVertex {
    /** Parameter names, in definition order. */
    static final String[] PARAMS = {"qkvW", "qkvB", "attnOutW", "attnOutB", "ln1Gamma", "ln1Beta",
            "ffnInW", "ffnInB", "ffnOutW", "ffnOutB", "ln2Gamma", "ln2Beta"};

    @JsonProperty
    private int hidden;
    @JsonProperty
    private int heads;
    @JsonProperty
    private int intermediate;
    @JsonProperty
    private double eps;
    @JsonProperty
    private double maskBias;

    /** For JSON. */
    public TransformerBlockVertex() {
    }

    public TransformerBlockVertex(int hidden, int heads, int intermediate, double eps, double maskBias) {
        this.hidden = hidden;
        this.heads = heads;
        this.intermediate = intermediate;
        this.eps = eps;
        this.maskBias = maskBias;
    }

    /** Layer-norm epsilon of this block. */
    public double eps() {
        return eps;
    }

    /** The additive attention bias on padded keys. */
    public double maskBias() {
        return maskBias;
    }

    @Override
    public SDVariable defineVertex(SameDiff sd, Map<String, SDVariable> in, Map<String, SDVariable> p, Map<String, SDVariable> masks) {
        throw new UnsupportedOperationException("TransformerBlockVertex is computed by TransformerBlock, not by SameDiff");
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(org.deeplearning4j.nn.graph.ComputationGraph graph, String name,
                                                                      int idx, INDArray paramsView, boolean initializeParameters,
                                                                      DataType networkDatatype) {
        // DL4J keeps the vertex name in a private field only its own instantiate sets; its vertex is discarded.
        super.instantiateBase(graph, name, idx, paramsView, networkDatatype);
        return new TransformerBlock(this, hidden, heads, intermediate, eps, maskBias, graph, name, idx, paramsView,
                initializeParameters, networkDatatype);
    }

    @Override
    public void defineParametersAndInputs(SDVertexParams params) {
        params.defineInputs("x", "mask");
        params.addWeightParam("qkvW", hidden, 3L * hidden);
        params.addBiasParam("qkvB", 3L * hidden);
        params.addWeightParam("attnOutW", hidden, hidden);
        params.addBiasParam("attnOutB", hidden);
        params.addBiasParam("ln1Gamma", hidden);
        params.addBiasParam("ln1Beta", hidden);
        params.addWeightParam("ffnInW", hidden, intermediate);
        params.addBiasParam("ffnInB", intermediate);
        params.addWeightParam("ffnOutW", intermediate, hidden);
        params.addBiasParam("ffnOutB", hidden);
        params.addBiasParam("ln2Gamma", hidden);
        params.addBiasParam("ln2Beta", hidden);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        for (Map.Entry<String, INDArray> e : params.entrySet()) {
            String n = e.getKey();
            if (n.endsWith("Gamma")) {
                e.getValue().assign(1);
            } else if (n.endsWith("W")) {
                normal(e.getValue());
            } else {
                e.getValue().assign(0);
            }
        }
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... inputs) {
        return inputs[0];
    }

    @Override
    public GraphVertex clone() {
        return copyBase(new TransformerBlockVertex(hidden, heads, intermediate, eps, maskBias));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TransformerBlockVertex t && super.equals(o) && hidden == t.hidden && heads == t.heads
                && intermediate == t.intermediate && eps == t.eps && maskBias == t.maskBias;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), hidden, heads, intermediate, eps, maskBias);
    }
}
