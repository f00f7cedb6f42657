package io.anglespark.model.encoder;

import io.anglespark.model.Pooling;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDVertexParams;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

import org.nd4j.shade.jackson.annotation.JsonProperty;

import java.util.Map;
import java.util.Objects;

/**
 * Pools token vectors [batch, seq, h] under the attention mask [batch, seq] into [batch, h]; no parameters
 * (configuration side; computed by {@link PoolingBlock}).
 * <ul>
 *   <li>{@code cls}: position 0;</li>
 *   <li>{@code mean}: sum of real rows / number of real rows;</li>
 *   <li>{@code cls_avg}: (cls + mean) / 2;</li>
 *   <li>{@code max}: element-wise max over real rows;</li>
 *   <li>{@code last}: the last real row, i.e. the real position whose running count of real tokens equals
 *       the row's count (works for left or right padding).</li>
 * </ul>
 */
public class PoolingVertex extends EncoderVertex {
    @JsonProperty
    private Pooling pooling;
    @JsonProperty
    private int hidden;

    /** For JSON. */
    public PoolingVertex() {
    }

    public PoolingVertex(Pooling pooling, int hidden) {
        this.pooling = Objects.requireNonNull(pooling);
        this.hidden = hidden;
    }

    public Pooling pooling() {
        return pooling;
    }

    @Override
    public SDVariable defineVertex(SameDiff sd, Map<String, SDVariable> in, Map<String, SDVariable> p, Map<String, SDVariable> masks) {
        throw new UnsupportedOperationException("PoolingVertex is computed by PoolingBlock, not by SameDiff");
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(org.deeplearning4j.nn.graph.ComputationGraph graph, String name,
                                                                      int idx, INDArray paramsView, boolean initializeParameters,
                                                                      org.nd4j.linalg.api.buffer.DataType networkDatatype) {
        instantiateBase(graph, name, idx, paramsView, networkDatatype);
        return new PoolingBlock(this, pooling, hidden, graph, name, idx, paramsView, networkDatatype);
    }

    @Override
    public void defineParametersAndInputs(SDVertexParams params) {
        if (pooling == Pooling.CLS) {
            params.defineInputs("x");
        } else {
            params.defineInputs("x", "mask");
        }
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... inputs) {
        return InputType.feedForward(hidden);
    }

    @Override
    public GraphVertex clone() {
        return copyBase(new PoolingVertex(pooling, hidden));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PoolingVertex v && super.equals(o) && pooling == v.pooling && hidden == v.hidden;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), pooling, hidden);
    }
}
