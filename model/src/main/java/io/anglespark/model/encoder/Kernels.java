package io.anglespark.model.encoder;

import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.api.ops.impl.transforms.floating.RSqrt;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The ND4J building blocks of the encoder's hand-written vertices: matrix products (ND4J's matmul op, with
 * transposes and {@code alpha}/{@code beta}), layer norm forward and backward on [n, h] rows, column sums, and
 * layout helpers. Temporary arrays come from the caller's {@link Scratch}.
 */
final class Kernels {
    private Kernels() {
    }

    /**
     * {@code out = (x - mean) / sqrt(var + eps) * gamma + beta} per row, also writing the normalised rows
     * ({@code xhat}) and {@code 1 / sqrt(var + eps)} ({@code rstd}, [n, 1]). Row means come from a product with a
     * {@code 1/h} column (a BLAS call, faster here than a reduction op).
     */
    static void layerNorm(INDArray x, INDArray gamma, INDArray beta, double eps, INDArray xhat, INDArray rstd, INDArray out,
                           Scratch sc, String tag) {
        long n = x.size(0);
        long hidden = x.size(1);
        DataType dt = x.dataType();
        INDArray meanCol = sc.constant(tag + "meanCol", dt, 1.0 / hidden, hidden, 1);
        INDArray mean = sc.get(tag + "mean", dt, n, 1);
        mm(x, meanCol, mean, false, false, 1.0, 0.0);
        xhat.assign(x).subiColumnVector(mean);
        INDArray sq = sc.get(tag + "sq", dt, n, hidden);
        sq.assign(xhat).muli(xhat);
        mm(sq, meanCol, rstd, false, false, 1.0, 0.0);
        rstd.addi(eps);
        Nd4j.exec(new RSqrt(rstd, rstd));
        xhat.muliColumnVector(rstd);
        out.assign(xhat).muliRowVector(gamma).addiRowVector(beta);
    }

    /**
     * Layer-norm backward: {@code dgamma = sum_rows(dy * xhat)}, {@code dbeta = sum_rows(dy)},
     * {@code dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat))} with {@code dxhat = dy * gamma}.
     */
    static void layerNormBackward(INDArray dy, INDArray xhat, INDArray rstd, INDArray gamma, INDArray dGamma, INDArray dBeta,
                                   INDArray dx, INDArray onesN, Scratch sc, String tag) {
        long n = dy.size(0);
        long hidden = dy.size(1);
        DataType dt = dy.dataType();
        colSum(onesN, dy, dBeta);
        INDArray prod = sc.get(tag + "prod", dt, n, hidden);
        prod.assign(dy).muli(xhat);
        colSum(onesN, prod, dGamma);
        dx.assign(dy).muliRowVector(gamma);                   // dxhat
        INDArray meanCol = sc.constant(tag + "meanCol", dt, 1.0 / hidden, hidden, 1);
        INDArray m1 = sc.get(tag + "m1", dt, n, 1);
        mm(dx, meanCol, m1, false, false, 1.0, 0.0);
        prod.assign(dx).muli(xhat);
        INDArray m2 = sc.get(tag + "m2", dt, n, 1);
        mm(prod, meanCol, m2, false, false, 1.0, 0.0);
        prod.assign(xhat).muliColumnVector(m2);
        dx.subiColumnVector(m1).subi(prod).muliColumnVector(rstd);
    }

    /** Column sums of {@code m} [n, k] into {@code out} (k values, any shape): {@code ones[1, n] m}. */
    static void colSum(INDArray onesN, INDArray m, INDArray out) {
        mm(onesN, m, out.reshape('c', 1, m.size(1)), false, false, 1.0, 0.0);
    }

    /** {@code z = alpha op(x) op(y) + beta z}, for matrices or batches of them (ND4J's matmul op). */
    static void mm(INDArray x, INDArray y, INDArray z, boolean tx, boolean ty, double alpha, double beta) {
        Nd4j.exec(new Mmul(x, y, z, alpha, beta, MMulTranspose.builder().transposeA(tx).transposeB(ty).build()));
    }

    /** Slice {@code i} of a [3, ...] array (contiguous: the leading dimension). */
    static INDArray part(INDArray stacked, int i) {
        return stacked.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all());
    }

    /** {@code a} [b, s, h] as a c-ordered [n, h] array: a view when it can be, else a copy in {@code type}. */
    static INDArray flat(INDArray a, long n, long hidden, Scratch sc, String slot) {
        if (a.ordering() == 'c' && isContiguous(a)) {
            return a.reshape('c', n, hidden);
        }
        INDArray copy = sc.get(slot, a.dataType(), a.shape());
        copy.assign(a);
        return copy.reshape('c', n, hidden);
    }

    /** Numerator (odd powers 1..13) and denominator (even powers 0..8) of the float rational approximation of erf. */
    private static final double[] ERF_P = {-1.60960333262415e-02, -2.95459980854025e-03, -7.34990630326855e-04,
            -5.69250639462346e-05, -2.10102402082508e-06, 2.77068142495902e-08, -2.72614225801306e-10};
    private static final double[] ERF_Q = {-1.42647390514189e-02, -7.37332916720468e-03, -1.68282697438203e-03,
            -2.13374055278905e-04, -1.45660718464996e-05};

    /**
     * {@code x = erf(x)} in place. Float arrays use the rational approximation Eigen (and TensorFlow) use for
     * single precision, {@code x P(x^2) / Q(x^2)} on x clamped to [-4, 4] (erf is 1 to float precision beyond),
     * evaluated with ~25 vectorised element-wise passes: ND4J's own erf op is a scalar loop whose cost depends on
     * the values (18 ns per element on this encoder's activations, 4x the whole approximation). Its error is a few
     * float ulps ({@code KernelsTest} bounds it against a double-precision erf). Double arrays (gradient checks)
     * use ND4J's erf.
     */
    static void erf(INDArray x, Scratch sc) {
        if (x.dataType() != DataType.FLOAT) {
            Nd4j.exec(new org.nd4j.linalg.api.ops.impl.transforms.strict.Erf(x, x));
            return;
        }
        org.nd4j.linalg.ops.transforms.Transforms.min(x, 4.0, false);
        org.nd4j.linalg.ops.transforms.Transforms.max(x, -4.0, false);
        INDArray x2 = sc.get("erf.x2", x.dataType(), x.shape());
        x2.assign(x).muli(x);
        INDArray p = sc.get("erf.p", x.dataType(), x.shape());
        p.assign(x2).muli(ERF_P[6]).addi(ERF_P[5]);
        for (int i = 4; i >= 0; i--) {
            p.muli(x2).addi(ERF_P[i]);
        }
        x.muli(p);
        INDArray q = p;
        q.assign(x2).muli(ERF_Q[4]).addi(ERF_Q[3]);
        for (int i = 2; i >= 0; i--) {
            q.muli(x2).addi(ERF_Q[i]);
        }
        x.divi(q);
    }

    /** DL4J's gradient of a vertex: every parameter's gradient view, by parameter name. */
    static org.deeplearning4j.nn.gradient.Gradient gradientOf(java.util.Map<String, INDArray> gradTable) {
        org.deeplearning4j.nn.gradient.Gradient g = new org.deeplearning4j.nn.gradient.DefaultGradient();
        gradTable.forEach(g.gradientForVariable()::put);
        return g;
    }

    /** Contiguity check of a c-ordered array: its strides are those of a fresh array of its shape. */
    static boolean isContiguous(INDArray a) {
        long[] shape = a.shape();
        long[] stride = a.stride();
        long expect = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && stride[i] != expect) {
                return false;
            }
            expect *= shape[i];
        }
        return true;
    }
}
