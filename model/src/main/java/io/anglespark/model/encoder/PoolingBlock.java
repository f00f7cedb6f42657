package io.anglespark.model.encoder;

import io.anglespark.model.Pooling;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.samediff.SameDiffGraphVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The graph-side implementation of {@link PoolingVertex}: every pooling is a weighted sum of token rows,
 * {@code out[b] = sum_s w[b, s] x[b, s]}, except {@code max}. The weights [b, s] are built on the JVM from the
 * mask: {@code cls} 1 at position 0; {@code mean} mask / count; {@code cls_avg} their average; {@code last} 1 at
 * the last real position (left or right padding). The sum is one batched matrix product, and so is its
 * backward ({@code dx[b, s] = w[b, s] dout[b]}). {@code max} takes, per row and feature, the largest value over
 * real positions (the first on ties); its gradient goes to that position.
 */
final class PoolingBlock extends SameDiffGraphVertex {
    private final Pooling pooling;
    private final int hidden;

    private INDArray savedWeights;
    private int[][] savedArgMax;
    private long[] savedShape;

    PoolingBlock(PoolingVertex config, Pooling pooling, int hidden, ComputationGraph graph, String name, int vertexIndex,
                 INDArray paramsView, DataType dataType) {
        super(config, graph, name, vertexIndex, paramsView, false, dataType);
        this.pooling = pooling;
        this.hidden = hidden;
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr ws) {
        INDArray x = inputs[0];
        long b = x.size(0);
        int s = (int) x.size(1);
        DataType dt = x.dataType();
        double[][] mask = maskRows(b, s);
        INDArray out = ws.createUninitialized(ArrayType.ACTIVATIONS, dt, b, hidden);
        savedShape = x.shape();
        if (pooling == Pooling.MAX) {
            int[][] arg = new int[(int) b][hidden];
            double[] v = x.castTo(DataType.DOUBLE).dup('c').data().asDouble();
            double[] o = new double[(int) b * hidden];
            for (int r = 0; r < b; r++) {
                for (int j = 0; j < hidden; j++) {
                    double best = Double.NEGATIVE_INFINITY;
                    int at = 0;
                    for (int i = 0; i < s; i++) {
                        double val = v[(r * s + i) * hidden + j];
                        if (mask[r][i] != 0 && val > best) {
                            best = val;
                            at = i;
                        }
                    }
                    arg[r][j] = at;
                    o[r * hidden + j] = v[(r * s + at) * hidden + j];
                }
            }
            out.assign(Nd4j.createFromArray(o).reshape(b, hidden).castTo(dt));
            savedArgMax = training ? arg : null;
            return out;
        }
        INDArray w = weights(mask, b, s, dt, ws, training ? ArrayType.ACTIVATIONS : ArrayType.FF_WORKING_MEM);
        Kernels.mm(w.reshape(b, 1, s), Kernels.isContiguous(x) ? x : x.dup('c'), out.reshape(b, 1, hidden), false, false, 1.0, 0.0);
        savedWeights = training ? w : null;
        return out;
    }

    /** The mask as rows (all ones for cls pooling, which takes no mask input). */
    private double[][] maskRows(long b, int s) {
        double[][] m = new double[(int) b][s];
        if (inputs.length < 2) {
            for (double[] row : m) {
                java.util.Arrays.fill(row, 1);
            }
            return m;
        }
        double[] flat = inputs[1].castTo(DataType.DOUBLE).dup('c').data().asDouble();
        for (int r = 0; r < b; r++) {
            System.arraycopy(flat, r * s, m[r], 0, s);
        }
        return m;
    }

    private INDArray weights(double[][] mask, long b, int s, DataType dt, LayerWorkspaceMgr ws, ArrayType type) {
        double[] w = new double[(int) b * s];
        for (int r = 0; r < b; r++) {
            double count = 0;
            int last = -1;
            for (int i = 0; i < s; i++) {
                count += mask[r][i];
                if (mask[r][i] != 0) {
                    last = i;
                }
            }
            if (count == 0 && pooling != Pooling.CLS) {
                throw new IllegalArgumentException("row " + r + " of the attention mask has no real token");
            }
            for (int i = 0; i < s; i++) {
                double mean = count == 0 ? 0 : mask[r][i] / count;
                double cls = i == 0 ? 1 : 0;
                w[r * s + i] = switch (pooling) {
                    case CLS -> cls;
                    case MEAN -> mean;
                    case CLS_AVG -> 0.5 * (cls + mean);
                    case LAST -> i == last ? 1 : 0;
                    case MAX -> throw new IllegalStateException("max pooling has no weights");
                };
            }
        }
        INDArray out = ws.createUninitialized(type, dt, b, s);
        out.assign(Nd4j.createFromArray(w).reshape(b, s).castTo(dt));
        return out;
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr ws) {
        if (savedShape == null || (savedWeights == null && savedArgMax == null)) {
            throw new IllegalStateException("vertex " + getVertexName() + ": backward without a training forward pass");
        }
        long b = savedShape[0];
        int s = (int) savedShape[1];
        DataType dt = epsilon.dataType();
        INDArray dx = ws.create(ArrayType.ACTIVATION_GRAD, dt, b, s, hidden);
        if (pooling == Pooling.MAX) {
            double[] e = epsilon.castTo(DataType.DOUBLE).dup('c').data().asDouble();
            double[] d = new double[(int) b * s * hidden];
            for (int r = 0; r < b; r++) {
                for (int j = 0; j < hidden; j++) {
                    d[(r * s + savedArgMax[r][j]) * hidden + j] = e[r * hidden + j];
                }
            }
            dx.assign(Nd4j.createFromArray(d).reshape(b, s, hidden).castTo(dt));
        } else {
            INDArray eps = Kernels.isContiguous(epsilon) ? epsilon : epsilon.dup('c');
            Kernels.mm(savedWeights.reshape(b, s, 1), eps.reshape(b, 1, hidden), dx, false, false, 1.0, 0.0);
        }
        INDArray[] eps = new INDArray[inputs.length];
        eps[0] = dx;
        if (inputs.length > 1) {
            eps[1] = ws.create(ArrayType.ACTIVATION_GRAD, dt, inputs[1].shape());
        }
        savedWeights = null;
        savedArgMax = null;
        return new Pair<>(new DefaultGradient(), eps);
    }

    @Override
    public void clearVertex() {
        super.clearVertex();
        savedWeights = null;
        savedArgMax = null;
    }
}
