package io.anglespark.model.encoder;

import org.deeplearning4j.nn.conf.layers.samediff.SameDiffVertex;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.samediff.SameDiffGraphVertex;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The graph-side implementation of our SameDiff vertices, correcting DL4J 1.0.0-M2.1's backward pass.
 *
 * <p>DL4J's {@code SameDiffGraphVertex} feeds the gradient arriving from above (epsilon) into SameDiff
 * through an {@code ExternalErrorsFunction}, whose {@code doDiff} both registers the epsilon placeholder as
 * the output's gradient and returns it as a gradient contribution; SameDiff adds the two, so every
 * parameter and input gradient comes back exactly twice the true one. Stacked vertices compound it:
 * measured analytic/numeric ratios were 4, 8 and 16 down a 2-layer graph (DL4J's own dense head: 1). Halving
 * epsilon before delegating gives the true gradients: {@code EncoderGradientCheckTest} checks every
 * parameter against central differences in double precision, for every pooling. This is also the
 * "factor 2" seen with a SameDiff output layer in the project's DL4J notes.
 */
final class ExternalGradientVertex extends SameDiffGraphVertex {

    ExternalGradientVertex(SameDiffVertex config, ComputationGraph graph, String name, int vertexIndex,
                           INDArray paramsView, boolean initParams, DataType dataType) {
        super(config, graph, name, vertexIndex, paramsView, initParams, dataType);
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        INDArray original = epsilon;
        epsilon = original.mul(0.5);
        try {
            return super.doBackward(tbptt, workspaceMgr);
        } finally {
            epsilon = original;
        }
    }
}
