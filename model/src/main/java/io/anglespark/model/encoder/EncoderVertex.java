package io.anglespark.model.encoder;

import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffVertex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Common base of the encoder's custom vertices. Each subclass holds only plain configuration fields (no
 * SameDiff state), each marked with the shaded {@code @JsonProperty} (DL4J's Jackson mapper does not see
 * private fields otherwise: they silently came back as 0), and has a public no-arg constructor for DL4J's
 * Jackson (de)serialisation of {@code ComputationGraphConfiguration}.
 *
 * <p>The attention mask reaches the vertices as an ordinary graph input, not as a DL4J feature mask:
 * {@link SameDiffVertex#feedForwardMaskArrays} is unsupported in DL4J 1.0.0-M2.1 (it throws), so this class
 * answers "no mask" there; the mask is plain data that every vertex needing it takes as an input.
 */
public abstract class EncoderVertex extends SameDiffVertex {

    /**
     * Layer norm over {@code axis} (the last one), {@code (x - mean) / sqrt(var + eps) * gamma + beta} (biased
     * variance), as BERT. The axis must be given as a non-negative index: in ND4J 1.0.0-M2.1
     * {@code SDVariable.mean(true, -1)} does not reduce over the last axis (measured: wrong values on rank 3).
     */
    static SDVariable layerNorm(SDVariable x, int axis, SDVariable gamma, SDVariable beta, double eps) {
        SameDiff sd = x.getSameDiff();
        SDVariable mean = x.mean(true, axis);
        SDVariable centred = x.sub(mean);
        SDVariable var = centred.mul(centred).mean(true, axis);
        return centred.div(sd.math.sqrt(var.add(eps))).mul(gamma).add(beta);
    }

    /** Fills a weight with N(0, 0.02) from ND4J's global RNG (seeded by the graph's seed at init). */
    static void normal(INDArray p) {
        p.assign(org.nd4j.linalg.factory.Nd4j.randn(p.dataType(), p.shape()).muli(0.02));
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(org.deeplearning4j.nn.graph.ComputationGraph graph, String name,
                                                                      int idx, INDArray paramsView, boolean initializeParams,
                                                                      org.nd4j.linalg.api.buffer.DataType networkDatatype) {
        // DL4J keeps the vertex name in a private field only its own instantiate sets; the vertex it builds
        // (views on paramsView, nothing allocated) is discarded.
        super.instantiate(graph, name, idx, paramsView, false, networkDatatype);
        return new ExternalGradientVertex(this, graph, name, idx, paramsView, initializeParams, networkDatatype);
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] maskArrays, MaskState currentMaskState, int minibatchSize) {
        return new Pair<>(null, currentMaskState);
    }

    /** Copies the global settings DL4J put on this vertex (updaters, regularisation, data type) to a clone. */
    protected <T extends EncoderVertex> T copyBase(T c) {
        c.setUpdater(updater == null ? null : updater.clone());
        c.setBiasUpdater(biasUpdater == null ? null : biasUpdater.clone());
        c.setRegularization(regularization == null ? null : new java.util.ArrayList<>(regularization));
        c.setRegularizationBias(regularizationBias == null ? null : new java.util.ArrayList<>(regularizationBias));
        c.setGradientNormalization(gradientNormalization);
        c.setGradientNormalizationThreshold(gradientNormalizationThreshold);
        c.setDataType(dataType);
        return c;
    }
}
