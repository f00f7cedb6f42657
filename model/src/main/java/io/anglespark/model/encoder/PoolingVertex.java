package io.anglespark.model.encoder;

import io.anglespark.model.Pooling;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDVertexParams;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

import org.nd4j.shade.jackson.annotation.JsonProperty;

import java.util.Map;
import java.util.Objects;

/**
 * Pools token vectors [batch, seq, h] under the attention mask [batch, seq] into [batch, h]; no parameters.
 * <ul>
 *   <li>{@code cls}: position 0;</li>
 *   <li>{@code mean}: sum of real rows / number of real rows;</li>
 *   <li>{@code cls_avg}: (cls + mean) / 2;</li>
 *   <li>{@code max}: element-wise max over real rows (padded rows get -1e30 added first);</li>
 *   <li>{@code last}: the last real row, i.e. the real position whose running count of real tokens equals
 *       the row's count (works for left or right padding).</li>
 * </ul>
 */
public class PoolingVertex extends EncoderVertex {
    private static final double MASKED_MAX = -1e30;

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
        SDVariable x = in.get("x");
        SDVariable mask = in.get("mask");
        // Every op defined here must feed the output: SameDiff 1.0.0-M2.1 takes a dangling floating-point
        // result (e.g. an unused expandDims of the mask under cls pooling) for a loss variable, and the
        // vertex's backward then fails with "No variable/placeholder with name <output>-grad exists".
        return switch (pooling) {
            case CLS -> cls(x);
            case MEAN -> mean(x, mask, sd.expandDims(mask, 2));
            case CLS_AVG -> cls(x).add(mean(x, mask, sd.expandDims(mask, 2))).mul(0.5);
            case MAX -> x.add(sd.expandDims(mask, 2).rsub(1.0).mul(MASKED_MAX)).max(1);
            case LAST -> {
                SDVariable count = sd.cumsum(mask, false, false, 1);   // [b, s]: real tokens up to and including s
                SDVariable total = mask.sum(true, 1);               // [b, 1]
                // 1 where count == total on a real position, else 0 (counts are integers)
                SDVariable pick = sd.nn.relu(sd.math.abs(count.sub(total)).rsub(1.0), 0).mul(mask);
                yield x.mul(sd.expandDims(pick, 2)).sum(1);
            }
        };
    }

    private static SDVariable cls(SDVariable x) {
        return x.get(SDIndex.all(), SDIndex.point(0), SDIndex.all());
    }

    private static SDVariable mean(SDVariable x, SDVariable mask, SDVariable m3) {
        return x.mul(m3).sum(1).div(mask.sum(true, 1));
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
