package io.anglespark.model.encoder;

import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffVertex;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Common base of the encoder's custom vertices (their configuration side). DL4J's {@code SameDiffVertex} is
 * extended for what its configuration side gives (parameter definitions and views, JSON, per-parameter training
 * configuration); the computation is not SameDiff's: each subclass's {@code instantiate} returns a vertex whose
 * forward and backward passes are written with ND4J ops ({@link TransformerBlock}, {@link EmbeddingBlock},
 * {@link PoolingBlock}). With SameDiff vertices, DL4J 1.0.0-M2.1 recomputed each vertex's forward pass during
 * backprop, doubled the incoming gradient (its {@code ExternalErrorsFunction} is added twice, so gradients came back
 * 2x per vertex, compounding down the graph), and corrupted memory when a full-size encoder was trained in float32
 * with workspaces (a native crash or garbage axis values in the first {@code fit}).
 *
 * <p>Each subclass holds only plain configuration fields (no
 * SameDiff state), each marked with the shaded {@code @JsonProperty} (DL4J's Jackson mapper does not see
 * private fields otherwise: they silently came back as 0), and has a public no-arg constructor for DL4J's
 * Jackson (de)serialisation of {@code ComputationGraphConfiguration}.
 *
 * <p>The attention mask reaches the vertices as an ordinary graph input, not as a DL4J feature mask:
 * {@link SameDiffVertex#feedForwardMaskArrays} is unsupported in DL4J 1.0.0-M2.1 (it throws), so this class
 * answers "no mask" there; the mask is plain data that every vertex needing it takes as an input.
 */
public abstract class EncoderVertex extends SameDiffVertex {

    /** Fills a weight with N(0, 0.02) from ND4J's global RNG (seeded by the graph's seed at init). */
    static void normal(INDArray p) {
        p.assign(org.nd4j.linalg.factory.Nd4j.randn(p.dataType(), p.shape()).muli(0.02));
    }

    /** Lets DL4J's own {@code instantiate} record the vertex name (a private field); the vertex it builds is dropped. */
    protected void instantiateBase(org.deeplearning4j.nn.graph.ComputationGraph graph, String name, int idx, INDArray paramsView,
                                   org.nd4j.linalg.api.buffer.DataType networkDatatype) {
        super.instantiate(graph, name, idx, paramsView, false, networkDatatype);
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
