package io.anglespark.model.encoder;

import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.samediff.SDVertexParams;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.api.ndarray.INDArray;

import org.nd4j.shade.jackson.annotation.JsonProperty;

import java.util.Map;
import java.util.Objects;

/**
 * BERT embeddings after the word lookup: {@code LN(words + position[i] + tokenType[type])}. Inputs: the word
 * vectors [batch, seq, h] (from the graph's {@code EmbeddingSequenceLayer}) and the token-type ids [batch, seq]
 * in the network's float type. Output [batch, seq, h]. Parameters: {@code position} [positions, h],
 * {@code tokenType} [typeVocab, h], {@code lnGamma}, {@code lnBeta} [h].
 *
 * <p>Position and token-type rows are selected by multiplying a one-hot matrix, built in floating point as
 * {@code relu(1 - |index - k|)} for k = 0..n-1, with the table: SameDiff's {@code gather} cannot be used because
 * its gradient in ND4J 1.0.0-M2.1 fails when a graph holds more than one gather ("Unable to replace samediff
 * namespace", from {@code Gather.doDiff}), and float one-hots need no int cast of a graph input. The word table
 * (30522 rows) is too large for one-hots and uses DL4J's embedding layer instead.
 */
public class EmbeddingVertex extends EncoderVertex {
    @JsonProperty
    private int positions;
    @JsonProperty
    private int typeVocab;
    @JsonProperty
    private int hidden;
    @JsonProperty
    private double eps;

    /** For JSON. */
    public EmbeddingVertex() {
    }

    public EmbeddingVertex(int positions, int typeVocab, int hidden, double eps) {
        this.positions = positions;
        this.typeVocab = typeVocab;
        this.hidden = hidden;
        this.eps = eps;
    }

    @Override
    public SDVariable defineVertex(SameDiff sd, Map<String, SDVariable> in, Map<String, SDVariable> p, Map<String, SDVariable> masks) {
        SDVariable words = in.get("words");
        SDVariable types = in.get("types");
        // positions 0..seq-1 per row: exclusive cumulative sum of ones (no dynamic shape arithmetic needed)
        SDVariable pos = sd.cumsum(sd.onesLike(types), true, false, 1);
        SDVariable position = oneHot(sd, pos, positions).mmul(p.get("position"));
        SDVariable type = oneHot(sd, types, typeVocab).mmul(p.get("tokenType"));
        SDVariable sum = words.reshape(-1, hidden).add(position).add(type); // [b*s, h]
        return layerNorm(sum, 1, p.get("lnGamma"), p.get("lnBeta"), eps).reshape(words.shape());
    }

    /** [b, s] float indices to a [b*s, n] one-hot matrix: {@code relu(1 - |index - k|)}, exact for integer indices. */
    private static SDVariable oneHot(SameDiff sd, SDVariable index, int n) {
        SDVariable ks = sd.constant(Nd4j.arange(0, n).castTo(index.dataType()).reshape(1, n));
        SDVariable diff = index.reshape(-1, 1).sub(ks);
        return sd.nn.relu(sd.math.abs(diff).rsub(1.0), 0);
    }

    @Override
    public void defineParametersAndInputs(SDVertexParams params) {
        params.defineInputs("words", "types");
        params.addWeightParam("position", positions, hidden);
        params.addWeightParam("tokenType", typeVocab, hidden);
        params.addBiasParam("lnGamma", hidden);
        params.addBiasParam("lnBeta", hidden);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        normal(params.get("position"));
        normal(params.get("tokenType"));
        params.get("lnGamma").assign(1);
        params.get("lnBeta").assign(0);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... inputs) {
        return InputType.recurrent(hidden, -1, RNNFormat.NWC);
    }

    @Override
    public GraphVertex clone() {
        return copyBase(new EmbeddingVertex(positions, typeVocab, hidden, eps));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EmbeddingVertex e && super.equals(o) && positions == e.positions
                && typeVocab == e.typeVocab && hidden == e.hidden && eps == e.eps;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), positions, typeVocab, hidden, eps);
    }
}
