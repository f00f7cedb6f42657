package io.anglespark.model.encoder;

import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDVertexParams;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import org.nd4j.shade.jackson.annotation.JsonProperty;

import java.util.Map;
import java.util.Objects;

/**
 * One post-LN BERT block. Inputs: hidden state {@code x} [batch, seq, h] and the attention mask [batch, seq]
 * (1 real, 0 padding). Output [batch, seq, h]:
 * <pre>
 *   scores = (x Wq + bq)(x Wk + bk)^T / sqrt(d) + (1 - mask[key]) * maskBias     per head, d = h / heads
 *   a      = LN1(x + softmax(scores) (x Wv + bv) Wo + bo)
 *   y      = LN2(a + gelu(a Win + bin) Wout + bout),   gelu(z) = z/2 (1 + erf(z / sqrt 2))   (exact, from erf)
 * </pre>
 * Attention is built from plain batched matmuls and a softmax over keys with the export's additive mask bias
 * ({@code -3.4028235e38}); dense layers run on the flat [batch*seq, h] layout. Weights are in {@code x @ W}
 * orientation ([in, out]), the same as {@code BertWeights}.
 *
 * <p>ND4J's {@code gelu}/{@code precise_gelu} are the sigmoid and tanh approximations, not the erf form the
 * exports use, hence the explicit erf.
 */
public class TransformerBlockVertex extends EncoderVertex {
    /** Parameter names, in definition order. */
    static final String[] PARAMS = {"qW", "qB", "kW", "kB", "vW", "vB", "attnOutW", "attnOutB", "ln1Gamma", "ln1Beta",
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

    @Override
    public SDVariable defineVertex(SameDiff sd, Map<String, SDVariable> in, Map<String, SDVariable> p, Map<String, SDVariable> masks) {
        SDVariable x = in.get("x");
        SDVariable mask = in.get("mask");
        int d = hidden / heads;
        SDVariable shape3 = x.shape(); // [b, s, h]
        SDVariable shape4 = sd.concat(0, shape3.get(SDIndex.interval(0, 2)),
                sd.constant(Nd4j.createFromArray((long) heads, (long) d)));
        SDVariable flat = x.reshape(-1, hidden); // [b*s, h]

        SDVariable q = flat.mmul(p.get("qW")).add(p.get("qB")).reshape(shape4).permute(0, 2, 1, 3); // [b, H, s, d]
        SDVariable k = flat.mmul(p.get("kW")).add(p.get("kB")).reshape(shape4).permute(0, 2, 3, 1); // [b, H, d, s]
        SDVariable v = flat.mmul(p.get("vW")).add(p.get("vB")).reshape(shape4).permute(0, 2, 1, 3); // [b, H, s, d]
        SDVariable keyBias = sd.expandDims(sd.expandDims(mask.rsub(1.0).mul(maskBias), 1), 1); // [b, 1, 1, s]
        SDVariable scores = q.mmul(k).mul(1.0 / Math.sqrt(d)).add(keyBias); // [b, H, s, s]
        SDVariable probs = sd.nn.softmax(scores, 3);
        SDVariable context = probs.mmul(v).permute(0, 2, 1, 3).reshape(-1, hidden); // [b*s, h]

        SDVariable attn = context.mmul(p.get("attnOutW")).add(p.get("attnOutB")).add(flat);
        SDVariable a = layerNorm(attn, 1, p.get("ln1Gamma"), p.get("ln1Beta"), eps);
        SDVariable f = a.mmul(p.get("ffnInW")).add(p.get("ffnInB"));
        SDVariable gelu = f.mul(0.5).mul(sd.math.erf(f.mul(Math.sqrt(0.5))).add(1.0));
        SDVariable out = gelu.mmul(p.get("ffnOutW")).add(p.get("ffnOutB")).add(a);
        return layerNorm(out, 1, p.get("ln2Gamma"), p.get("ln2Beta"), eps).reshape(shape3);
    }

    @Override
    public void defineParametersAndInputs(SDVertexParams params) {
        params.defineInputs("x", "mask");
        for (String n : new String[]{"qW", "kW", "vW"}) {
            params.addWeightParam(n, hidden, hidden);
            params.addBiasParam(n.charAt(0) + "B", hidden);
        }
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
