package io.anglespark.model.encoder;

import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.samediff.SameDiffGraphVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Map;

/**
 * The graph-side implementation of {@link EmbeddingVertex}: {@code LN(words + position[0..seq-1] + tokenType[type])}
 * with ND4J ops and a hand-written backward pass (see {@link TransformerBlock} for why not SameDiff). Token types
 * become a one-hot [n, typeVocab] matrix built on the JVM (a handful of types), multiplied with the table.
 */
final class EmbeddingBlock extends SameDiffGraphVertex {
    private final int positions;
    private final int typeVocab;
    private final int hidden;
    private final double eps;

    private Saved saved;
    private final Scratch scratch = new Scratch();

    private record Saved(long batch, long seq, INDArray oneHot, INDArray xhat, INDArray rstd) {
    }

    EmbeddingBlock(EmbeddingVertex config, int positions, int typeVocab, int hidden, double eps, ComputationGraph graph, String name,
                   int vertexIndex, INDArray paramsView, boolean initParams, DataType dataType) {
        super(config, graph, name, vertexIndex, paramsView, initParams, dataType);
        this.positions = positions;
        this.typeVocab = typeVocab;
        this.hidden = hidden;
        this.eps = eps;
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr ws) {
        INDArray words = inputs[0];
        INDArray types = inputs[1];
        long b = words.size(0);
        long s = words.size(1);
        long n = b * s;
        if (s > positions) {
            throw new IllegalArgumentException("sequence length " + s + " exceeds the model's " + positions + " positions");
        }
        DataType dt = words.dataType();
        Map<String, INDArray> p = paramTable;
        Scratch keep = training ? scratch : Scratch.shared();
        Scratch tmp = Scratch.shared();

        INDArray sum = tmp.get("sum", dt, b, s, hidden);
        sum.assign(words);
        INDArray pos = p.get("position").get(NDArrayIndex.interval(0, s), NDArrayIndex.all());
        Nd4j.exec(DynamicCustomOp.builder("add").addInputs(sum, pos.reshape(1, s, hidden)).addOutputs(sum).build());
        INDArray sumFlat = sum.reshape('c', n, hidden);
        INDArray oneHot = oneHot(types, n, keep);
        Kernels.mm(oneHot, p.get("tokenType"), sumFlat, false, false, 1.0, 1.0);

        INDArray out = ws.createUninitialized(ArrayType.ACTIVATIONS, dt, b, s, hidden);
        INDArray xhat = keep.get("xhat", dt, n, hidden);
        INDArray rstd = keep.get("rstd", dt, n, 1);
        Kernels.layerNorm(sumFlat, p.get("lnGamma"), p.get("lnBeta"), eps, xhat, rstd, out.reshape('c', n, hidden), tmp, "ln1.");
        saved = training ? new Saved(b, s, oneHot, xhat, rstd) : null;
        return out;
    }

    /** Token-type ids [b, s] (floats holding integers) as a one-hot [n, typeVocab] matrix; out-of-range ids fail. */
    private INDArray oneHot(INDArray types, long n, Scratch keep) {
        double[] ids = types.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[] hot = new double[(int) n * typeVocab];
        for (int i = 0; i < ids.length; i++) {
            int t = (int) ids[i];
            if (t != ids[i] || t < 0 || t >= typeVocab) {
                throw new IllegalArgumentException("token type id " + ids[i] + " at position " + i + " is not in [0, " + typeVocab + ")");
            }
            hot[i * typeVocab + t] = 1;
        }
        INDArray out = keep.get("oneHot", types.dataType(), n, typeVocab);
        out.assign(Nd4j.createFromArray(hot).reshape(n, typeVocab).castTo(types.dataType()));
        return out;
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr ws) {
        Saved c = saved;
        if (c == null) {
            throw new IllegalStateException("vertex " + getVertexName() + ": backward without a training forward pass");
        }
        long b = c.batch();
        long s = c.seq();
        long n = b * s;
        DataType dt = c.xhat().dataType();
        Map<String, INDArray> grad = gradTable;
        Scratch tmp = Scratch.shared();
        INDArray onesN = tmp.constant("onesN", dt, 1.0, 1, n);
        INDArray dy = Kernels.flat(epsilon, n, hidden, tmp, "dyCopy");

        INDArray dWords = ws.createUninitialized(ArrayType.ACTIVATION_GRAD, dt, b, s, hidden);
        INDArray dSum = dWords.reshape('c', n, hidden);
        Kernels.layerNormBackward(dy, c.xhat(), c.rstd(), paramTable.get("lnGamma"), grad.get("lnGamma"), grad.get("lnBeta"), dSum, onesN, tmp, "ln3.");
        // positions 0..s-1 receive the sum over the batch; the rest of the table none
        INDArray dPosition = grad.get("position");
        dPosition.assign(0);
        INDArray onesB = tmp.constant("onesB", dt, 1.0, 1, b);
        Kernels.mm(onesB, dWords.reshape('c', b, s * hidden), dPosition.reshape('c', 1, (long) positions * hidden)
                .get(NDArrayIndex.all(), NDArrayIndex.interval(0, s * hidden)), false, false, 1.0, 0.0);
        Kernels.mm(c.oneHot(), dSum, grad.get("tokenType"), true, false, 1.0, 0.0);
        INDArray dTypes = ws.create(ArrayType.ACTIVATION_GRAD, dt, inputs[1].shape());

        Gradient gradient = Kernels.gradientOf(grad);
        saved = null;
        return new Pair<>(gradient, new INDArray[]{dWords, dTypes});
    }

    @Override
    public void clearVertex() {
        super.clearVertex();
        saved = null;
    }
}
