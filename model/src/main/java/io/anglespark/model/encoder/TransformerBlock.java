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
import org.nd4j.linalg.api.ops.impl.transforms.strict.Exp;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

/**
 * The graph-side implementation of {@link TransformerBlockVertex}: a post-LN BERT block computed with ND4J ops
 * directly, forward and backward written out, instead of through SameDiff.
 *
 * <p>Why not SameDiff: DL4J 1.0.0-M2.1's {@code SameDiffGraphVertex} runs the vertex's forward graph once in
 * the forward pass and again inside {@code calculateGradients} during backprop (4 forward-equivalents of work
 * per training step instead of 3), and SameDiff's op-by-op session adds allocation and bookkeeping per op.
 * Here the forward pass of a training step keeps what the backward pass needs (in the activations workspace,
 * which DL4J keeps open until backprop ends) and the backward pass reuses it: the forward is computed once.
 *
 * <p>Layout: everything dense runs on the flat {@code [N = batch*seq, hidden]} view; one fused
 * {@code [hidden, 3*hidden]} Q/K/V projection; one permute-copy into {@code [3, batch, heads, seq, d]} for the
 * attention matmuls and one back; scores, the key mask bias and softmax on {@code [batch, heads, seq, seq]};
 * layer norm with row statistics taken by matrix-vector products (faster here than ND4J's reductions and its
 * {@code layer_norm} op); GELU in its exact erf form (the exports' form; ND4J's {@code gelu} ops are
 * approximations).
 *
 * <p>Correctness is pinned by {@code EncoderGradientCheckTest} (every parameter against central differences in
 * double precision) and by the ONNX Runtime parity tests (forward).
 */
final class TransformerBlock extends SameDiffGraphVertex {
    private static final double INV_SQRT2 = 1.0 / Math.sqrt(2.0);
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);

    private final int hidden;
    private final int heads;
    private final int intermediate;
    private final double eps;
    private final double maskBias;

    /** What a training forward pass keeps for the backward pass; null outside training. */
    private Saved saved;
    private final Scratch scratch = new Scratch();

    private record Saved(long batch, long seq, INDArray x, INDArray qkvHeads, INDArray probs, INDArray context,
                         INDArray xhat1, INDArray rstd1, INDArray a, INDArray f, INDArray phi, INDArray g,
                         INDArray xhat2, INDArray rstd2) {
    }

    TransformerBlock(TransformerBlockVertex config, int hidden, int heads, int intermediate, double eps, double maskBias,
                     ComputationGraph graph, String name, int vertexIndex, INDArray paramsView, boolean initParams,
                     DataType dataType) {
        super(config, graph, name, vertexIndex, paramsView, initParams, dataType);
        this.hidden = hidden;
        this.heads = heads;
        this.intermediate = intermediate;
        this.eps = eps;
        this.maskBias = maskBias;
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr ws) {
        INDArray in = inputs[0];
        INDArray mask = inputs[1];
        long b = in.size(0);
        long s = in.size(1);
        long n = b * s;
        int d = hidden / heads;
        DataType dt = in.dataType();
        // What backprop needs lives in the activations workspace (kept through backprop); the rest in working memory.
        Map<String, INDArray> p = paramTable;
        Scratch keep = training ? scratch : Scratch.shared();
        Scratch tmp = Scratch.shared();

        INDArray x = Kernels.flat(in, n, hidden, keep, "xCopy");
        INDArray qkv = tmp.get("qkv", dt, n, 3L * hidden);
        Kernels.mm(x, p.get("qkvW"), qkv, false, false, 1.0, 0.0);
        qkv.addiRowVector(p.get("qkvB"));
        INDArray qkvHeads = keep.get("qkvHeads", dt, 3, b, heads, s, d);
        qkvHeads.assign(qkv.reshape('c', b, s, 3, heads, d).permute(2, 0, 3, 1, 4));
        INDArray q = Kernels.part(qkvHeads, 0);
        INDArray k = Kernels.part(qkvHeads, 1);
        INDArray v = Kernels.part(qkvHeads, 2);

        INDArray probs = keep.get("probs", dt, b, heads, s, s);
        Kernels.mm(q, k, probs, false, true, 1.0 / Math.sqrt(d), 0.0);
        INDArray keyBias = tmp.get("keyBias", dt, b, 1, 1, s);
        keyBias.assign(mask.reshape(b, 1, 1, s)).rsubi(1.0).muli(maskBias);
        Nd4j.exec(DynamicCustomOp.builder("add").addInputs(probs, keyBias).addOutputs(probs).build());
        Nd4j.exec(DynamicCustomOp.builder("softmax").addInputs(probs).addOutputs(probs).addIntegerArguments(3).build());
        INDArray ctxHeads = tmp.get("ctxHeads", dt, b, heads, s, d);
        Kernels.mm(probs, v, ctxHeads, false, false, 1.0, 0.0);
        INDArray context = keep.get("context", dt, n, hidden);
        context.reshape('c', b, s, heads, d).assign(ctxHeads.permute(0, 2, 1, 3));

        INDArray a0 = tmp.get("a0", dt, n, hidden);
        Kernels.mm(context, p.get("attnOutW"), a0, false, false, 1.0, 0.0);
        a0.addiRowVector(p.get("attnOutB")).addi(x);
        INDArray xhat1 = keep.get("xhat1", dt, n, hidden);
        INDArray rstd1 = keep.get("rstd1", dt, n, 1);
        INDArray a = keep.get("a", dt, n, hidden);
        Kernels.layerNorm(a0, p.get("ln1Gamma"), p.get("ln1Beta"), eps, xhat1, rstd1, a, tmp, "ln1.");

        INDArray f = keep.get("f", dt, n, intermediate);
        Kernels.mm(a, p.get("ffnInW"), f, false, false, 1.0, 0.0);
        f.addiRowVector(p.get("ffnInB"));
        // phi = Phi(f) = (1 + erf(f / sqrt 2)) / 2; gelu = f * phi
        INDArray phi = keep.get("phi", dt, n, intermediate);
        phi.assign(f).muli(INV_SQRT2);
        Kernels.erf(phi, tmp);
        phi.addi(1.0).muli(0.5);
        INDArray g = keep.get("g", dt, n, intermediate);
        g.assign(f).muli(phi);

        INDArray o = tmp.get("o", dt, n, hidden);
        Kernels.mm(g, p.get("ffnOutW"), o, false, false, 1.0, 0.0);
        o.addiRowVector(p.get("ffnOutB")).addi(a);
        INDArray out = ws.createUninitialized(ArrayType.ACTIVATIONS, dt, b, s, hidden);
        INDArray xhat2 = keep.get("xhat2", dt, n, hidden);
        INDArray rstd2 = keep.get("rstd2", dt, n, 1);
        Kernels.layerNorm(o, p.get("ln2Gamma"), p.get("ln2Beta"), eps, xhat2, rstd2, out.reshape('c', n, hidden), tmp, "ln2.");

        saved = training ? new Saved(b, s, x, qkvHeads, probs, context, xhat1, rstd1, a, f, phi, g, xhat2, rstd2) : null;
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
        int d = hidden / heads;
        DataType dt = c.x().dataType();
        Map<String, INDArray> p = paramTable;
        Scratch tmp = Scratch.shared();
        Map<String, INDArray> grad = gradTable;
        INDArray onesN = tmp.constant("onesN", dt, 1.0, 1, n);

        INDArray dy = Kernels.flat(epsilon, n, hidden, tmp, "dyCopy");
        INDArray dO = tmp.get("dO", dt, n, hidden);
        Kernels.layerNormBackward(dy, c.xhat2(), c.rstd2(), p.get("ln2Gamma"), grad.get("ln2Gamma"), grad.get("ln2Beta"), dO, onesN, tmp, "ln4.");

        Kernels.colSum(onesN, dO, grad.get("ffnOutB"));
        Kernels.mm(c.g(), dO, grad.get("ffnOutW"), true, false, 1.0, 0.0);
        INDArray dF = tmp.get("dF", dt, n, intermediate);
        Kernels.mm(dO, p.get("ffnOutW"), dF, false, true, 1.0, 0.0);
        // gelu'(f) = Phi(f) + f * exp(-f^2 / 2) / sqrt(2 pi)
        INDArray t = tmp.get("t", dt, n, intermediate);
        t.assign(c.f()).muli(c.f()).muli(-0.5);
        Nd4j.exec(new Exp(t, t));
        t.muli(c.f()).muli(INV_SQRT_2PI).addi(c.phi());
        dF.muli(t);
        Kernels.colSum(onesN, dF, grad.get("ffnInB"));
        Kernels.mm(c.a(), dF, grad.get("ffnInW"), true, false, 1.0, 0.0);
        INDArray dA = dO; // residual: dA = dO + dF Win^T, accumulated in place
        Kernels.mm(dF, p.get("ffnInW"), dA, false, true, 1.0, 1.0);

        INDArray dA0 = tmp.get("dA0", dt, n, hidden);
        Kernels.layerNormBackward(dA, c.xhat1(), c.rstd1(), p.get("ln1Gamma"), grad.get("ln1Gamma"), grad.get("ln1Beta"), dA0, onesN, tmp, "ln5.");
        Kernels.colSum(onesN, dA0, grad.get("attnOutB"));
        Kernels.mm(c.context(), dA0, grad.get("attnOutW"), true, false, 1.0, 0.0);
        INDArray dContext = tmp.get("dContext", dt, n, hidden);
        Kernels.mm(dA0, p.get("attnOutW"), dContext, false, true, 1.0, 0.0);

        INDArray dCtxHeads = tmp.get("dCtxHeads", dt, b, heads, s, d);
        dCtxHeads.assign(dContext.reshape('c', b, s, heads, d).permute(0, 2, 1, 3));
        INDArray q = Kernels.part(c.qkvHeads(), 0);
        INDArray k = Kernels.part(c.qkvHeads(), 1);
        INDArray v = Kernels.part(c.qkvHeads(), 2);
        INDArray dHeads = tmp.get("dHeads", dt, 3, b, heads, s, d);
        INDArray probs = c.probs();
        Kernels.mm(probs, dCtxHeads, Kernels.part(dHeads, 2), true, false, 1.0, 0.0);               // dV = P^T dC
        INDArray dScores = tmp.get("dScores", dt, b, heads, s, s);
        Kernels.mm(dCtxHeads, v, dScores, false, true, 1.0, 0.0);                             // dP = dC V^T
        // softmax backward: dS = P * (dP - rowsum(dP * P))
        INDArray rows = tmp.get("rows", dt, b * heads * s, s);
        rows.assign(dScores.reshape('c', b * heads * s, s)).muli(probs.reshape('c', b * heads * s, s));
        INDArray rowSum = tmp.get("rowSum", dt, b * heads * s, 1);
        INDArray onesS = tmp.constant("onesS", dt, 1.0, s, 1);
        Kernels.mm(rows, onesS, rowSum, false, false, 1.0, 0.0);
        dScores.reshape('c', b * heads * s, s).subiColumnVector(rowSum);
        dScores.muli(probs);
        double scale = 1.0 / Math.sqrt(d);
        Kernels.mm(dScores, k, Kernels.part(dHeads, 0), false, false, scale, 0.0);                     // dQ = dS K / sqrt d
        Kernels.mm(dScores, q, Kernels.part(dHeads, 1), true, false, scale, 0.0);                      // dK = dS^T Q / sqrt d
        INDArray dQkv = tmp.get("dQkv", dt, n, 3L * hidden);
        dQkv.reshape('c', b, s, 3, heads, d).assign(dHeads.permute(1, 3, 0, 2, 4));
        Kernels.colSum(onesN, dQkv, grad.get("qkvB"));
        Kernels.mm(c.x(), dQkv, grad.get("qkvW"), true, false, 1.0, 0.0);

        INDArray dx = ws.createUninitialized(ArrayType.ACTIVATION_GRAD, dt, b, s, hidden);
        INDArray dxFlat = dx.reshape('c', n, hidden);
        dxFlat.assign(dA0);
        Kernels.mm(dQkv, p.get("qkvW"), dxFlat, false, true, 1.0, 1.0);
        // the mask is data: no gradient (zeros, since DL4J sums the mask's epsilons from every vertex)
        INDArray dMask = ws.create(ArrayType.ACTIVATION_GRAD, dt, inputs[1].shape());

        Gradient gradient = Kernels.gradientOf(grad);
        saved = null;
        return new Pair<>(gradient, new INDArray[]{dx, dMask});
    }

    @Override
    public void clearVertex() {
        super.clearVertex();
        saved = null;
    }
}
