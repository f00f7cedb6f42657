package io.anglespark.model.loss;

import io.anglespark.prep.ExampleShape;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.samediff.SameDiffOutputLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * The runtime side of {@link AngleLossLayer}: DL4J's {@link SameDiffOutputLayer} with the batch checked before
 * each score or backward pass, so that a batch the loss cannot read fails with a message instead of a shape error
 * deep in SameDiff (or, worse, a silently wrong pairing): rows a whole number of examples, one label per row, and
 * format-A labels on the declared {@link LabelScale}.
 */
final class AngleLossOutputLayer extends SameDiffOutputLayer {
    private final AngleLossConfig config;

    AngleLossOutputLayer(NeuralNetConfiguration conf, DataType dataType, AngleLossConfig config) {
        super(conf, dataType);
        this.config = config;
    }

    @Override
    public double computeScore(double fullNetRegTerm, boolean training, LayerWorkspaceMgr workspaceMgr) {
        check();
        return super.computeScore(fullNetRegTerm, training, workspaceMgr);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        check();
        return super.backpropGradient(epsilon, workspaceMgr);
    }

    private void check() {
        if (input == null || labels == null) {
            return;
        }
        check(config, input.shape(), labels);
    }

    /** Fails naming the problem when embeddings of {@code shape} and {@code labels} are not a batch of {@code c}'s format. */
    static void check(AngleLossConfig c, long[] shape, INDArray labels) {
        int group = c.rowsPerExample();
        long rows = shape[0];
        if (shape.length != 2 || rows == 0 || rows % group != 0) {
            throw new IllegalArgumentException("format " + c.format() + " needs [rows, hidden] embeddings with rows a positive multiple of "
                    + group + " (" + (group == 2 ? "pairs" : "triplets") + " are never split), got shape " + Arrays.toString(shape));
        }
        if (labels.rank() != 2 || labels.size(0) != rows || labels.size(1) != 1) {
            throw new IllegalArgumentException("labels must be [" + rows + ", 1] (one per row), got " + Arrays.toString(labels.shape()));
        }
        if (c.format() == ExampleShape.SCORED_PAIR) {
            double[] y = labels.castTo(DataType.DOUBLE).toDoubleVector();
            for (int i = 0; i < y.length; i += 2) {
                if (!c.labelScale().contains(y[i]) || y[i + 1] != y[i]) {
                    throw new IllegalArgumentException("pair " + i / 2 + " (rows " + i + ", " + (i + 1) + ") has labels " + y[i] + ", " + y[i + 1]
                            + ": format A needs the pair's label on both rows, on the declared scale " + c.labelScale());
                }
            }
        }
    }
}
