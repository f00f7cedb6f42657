package io.anglespark.model.train;

import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.samediff.SameDiffGraphVertex;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.lang.reflect.Field;

/**
 * Creates the backward ("grad") SameDiff function of every SameDiff vertex of a graph outside DL4J's workspaces,
 * before the first training step. Without it a graph of SameDiff vertices trains for one step only.
 *
 * <p>What was measured: with DL4J 1.0.0-M2.1, the encoder's SameDiff vertices (every one of them, each tested
 * alone) compute a correct first backward pass, but the second one fails inside the vertex's grad function with
 * "Axis array [1065353216] contains values above array rank" (a float 1.0 read as an int) or a reduction shape
 * mismatch: the axis arrays ({@code dimensionz}) of the grad function's cloned reduction ops hold garbage by then
 * (printed: {@code reduce_mean [1]} in the forward function, {@code [1057263376]} in its grad clone). Same with
 * DL4J's MSE loss layer instead of the AnglE loss; DL4J's {@code GradientCheckUtil} does not see it (one backward
 * pass). The grad function is built by {@code SameDiff.createGradFunction}, which clones every op through
 * FlatBuffers ({@code FlatBuffersMapper.cloneViaSerialize} gives each reduction a new axis array); DL4J's
 * {@code SameDiffGraphVertex.doBackward} calls it inside the open backward workspace (its comment says "create when
 * scoped out", but the call sits after the scoped-out block; {@code SameDiffOutputLayer} does it inside). The likely
 * cause is those axis arrays living in workspace memory that later steps reuse; not proven: switching the
 * training workspace mode to NONE at run time did not cure it. What is proven: creating the grad functions before
 * the first backward pass, with no workspace open (this class), cures it: 11 updates with inference, scoring and
 * {@code System.gc()} in between gave exactly the losses of a graph whose SameDiff instances were rebuilt before
 * every step, and {@code LocalTrainerTest} resumes bit-identically.
 *
 * <p>The right place for this is the encoder's {@code ExternalGradientVertex.doBackward} (create the function
 * inside {@code Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()} before delegating); until it does, this class
 * does it from outside, reaching the vertex's protected {@code sameDiff} field by reflection. Idempotent: a vertex
 * that already has its function (built right by a fixed vertex, or by an earlier call) is left alone.
 */
public final class GradientFunctions {
    private GradientFunctions() {
    }

    /**
     * Runs one training-mode forward pass of {@code inputs} (which builds each vertex's SameDiff instance) and then
     * creates each SameDiff vertex's grad function with no workspace open.
     */
    public static void prepare(ComputationGraph graph, INDArray[] inputs) {
        graph.feedForward(inputs, true, true);
        Field field;
        try {
            field = SameDiffGraphVertex.class.getDeclaredField("sameDiff");
            field.setAccessible(true);
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("DL4J's SameDiffGraphVertex has no 'sameDiff' field (another DL4J version?)", e);
        }
        for (org.deeplearning4j.nn.graph.vertex.GraphVertex v : graph.getVertices()) {
            if (!(v instanceof SameDiffGraphVertex)) {
                continue;
            }
            SameDiff sd;
            try {
                sd = (SameDiff) field.get(v);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot read the SameDiff instance of vertex " + v.getVertexName(), e);
            }
            if (sd == null) {
                throw new IllegalStateException("vertex " + v.getVertexName() + " has no SameDiff instance after a forward pass");
            }
            if (sd.hasGradientFunction()) {
                continue;
            }
            GraphVertex conf = graph.getConfiguration().getVertices().get(v.getVertexName());
            String[] in = ((SameDiffVertex) conf).getVertexParams().getInputs().toArray(new String[0]);
            try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                sd.createGradFunction(in);
            }
        }
    }
}
