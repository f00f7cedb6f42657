package io.anglespark.model.encoder;

import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.samediff.SDVertexParams;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

import org.nd4j.shade.jackson.annotation.JsonProperty;

import java.util.Map;
import java.util.Objects;

/**
 * BERT embeddings after the word lookup (configuration side; computed by {@link EmbeddingBlock}):
 * {@code LN(words + position[i] + tokenType[type])}. Inputs: the word
 * vectors [batch, seq, h] (from the graph's {@code EmbeddingSequenceLayer}) and the token-type ids [batch, seq]
 * in the network's float type. Output [batch, seq, h]. Parameters: {@code position} [positions, h],
 * {@code tokenType} [typeVocab, h], {@code lnGamma}, {@code lnBeta} [h].
 *
 * <p>The word table (30522 rows) is DL4J's embedding layer before this vertex: SameDiff's {@code gather} could
 * not serve it and the other tables together, its gradient in ND4J 1.0.0-M2.1 failing when a graph holds more than
 * one gather ("Unable to replace samediff namespace", from {@code Gather.doDiff}).
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
        throw new UnsupportedOperationException("EmbeddingVertex is computed by EmbeddingBlock, not by SameDiff");
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(org.deeplearning4j.nn.graph.ComputationGraph graph, String name,
                                                                      int idx, INDArray paramsView, boolean initializeParameters,
                                                                      org.nd4j.linalg.api.buffer.DataType networkDatatype) {
        instantiateBase(graph, name, idx, paramsView, networkDatatype);
        return new EmbeddingBlock(this, positions, typeVocab, hidden, eps, graph, name, idx, paramsView, initializeParameters, networkDatatype);
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
