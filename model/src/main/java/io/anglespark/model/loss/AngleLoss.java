package io.anglespark.model.loss;

import io.anglespark.prep.ExampleShape;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * The AnglE training objective as SameDiff operations, on embeddings {@code x} [rows, d] and labels
 * {@code y} [rows, 1]; the semantics of angle_emb v0.6.1 as restated by {@code angle_loss_reference.py}.
 * {@link AngleLossLayer} builds its graph with {@link #total}; the term methods are public for tests.
 *
 * <p>Layouts: format A, rows {@code 2k, 2k+1} are pair {@code k} and carry its label on both rows; format B, rows
 * {@code 2k, 2k+1} are (query, positive); format C, rows {@code 3k, 3k+1, 3k+2} are (query, positive, negative).
 * The value is the per-batch loss of the reference (a mean over the batch's pairs or rows, not a sum). Terms:
 * <ul>
 *   <li>cosine (CoSENT): {@code c_k = tau cos(u_k, v_k)}; {@code log(1 + sum_{s_i < s_j} exp(c_i - c_j))};</li>
 *   <li>angle: each row split into a real (first d/2) and an imaginary half (last d/2); {@code u / v} in complex
 *       space, {@code re = (ac + bd) / z}, {@code im = (bc - ad) / z} with {@code z = |v|^2}, both divided by
 *       {@code |u| / |v|}; {@code p_k = sum(re) + sum(im)}; the same ranking as cosine on {@code tau |p_k|};</li>
 *   <li>in-batch negatives (format A): row i's softmax over {@code tau cos(x_i, x_j)}, j != i; the row's loss is
 *       {@code -log softmax} summed over its positives ({@link AngleLossConfig.IbnPositives}: angle_emb's rule, the
 *       partner (row {@code i xor 1}) when {@code label >= positiveThreshold}, or always the partner), averaged over
 *       all rows (rows without a positive add 0 but count);</li>
 *   <li>contrastive (formats B, C): query k's softmax over {@code tau cos(q_k, t)} for t the batch's positives
 *       (and hard negatives), positive k as the target, averaged over queries.</li>
 * </ul>
 * Terms of weight 0 are not built. Every log-sum-exp subtracts its maximum, so the ranking terms stay exact in double
 * precision when their sum is tiny (1e-7) or large.
 */
public final class AngleLoss {
    /** Added to masked logits: the reference's 1e12. */
    static final double MASKED = 1e12;

    private AngleLoss() {
    }

    /**
     * The per-batch loss of {@code config} (a scalar).
     *
     * @param dim the embedding size d (even when the angle term is used)
     */
    public static SDVariable total(SameDiff sd, SDVariable x, SDVariable y, AngleLossConfig c, long dim) {
        SDVariable sum = null;
        for (SDVariable term : terms(sd, x, y, c, dim).values()) {
            sum = plus(sum, term);
        }
        return sum;
    }

    /**
     * The terms of {@link #total}, each with its weight (and format C's halving of the contrastive terms) applied, in
     * the order they are summed, by name: {@code cosine}, {@code ibn}, {@code angle} (scored pairs); {@code contrastive}
     * (positive pairs); {@code ibn}, {@code cln}, {@code angle}, {@code cosine} (triplets). Terms of weight 0 are absent.
     */
    public static java.util.LinkedHashMap<String, SDVariable> terms(SameDiff sd, SDVariable x, SDVariable y, AngleLossConfig c, long dim) {
        java.util.LinkedHashMap<String, SDVariable> t = new java.util.LinkedHashMap<>();
        switch (c.format()) {
            case SCORED_PAIR -> {
                if (c.cosineWeight() > 0) {
                    t.put("cosine", cosine(sd, x, y, c.cosineTau(), dim).mul(c.cosineWeight()));
                }
                if (c.ibnWeight() > 0) {
                    t.put("ibn", ibn(sd, x, y, c.ibnTau(), c.ibnPositives(), c.positiveThreshold(), dim).mul(c.ibnWeight()));
                }
                if (c.angleWeight() > 0) {
                    t.put("angle", angle(sd, x, y, c.angleTau(), dim).mul(c.angleWeight()));
                }
            }
            case POSITIVE_PAIR -> t.put("contrastive", contrastive(sd, x, ExampleShape.POSITIVE_PAIR, c.ibnTau(), dim));
            case TRIPLET -> tripletTerms(sd, x, y, c, dim, t);
        }
        return t;
    }

    private static void tripletTerms(SameDiff sd, SDVariable x, SDVariable y, AngleLossConfig c, long dim, java.util.Map<String, SDVariable> t) {
        // the reference sums the two contrastive terms and halves the sum: each term is halved here
        if (c.ibnWeight() > 0) {
            t.put("ibn", contrastive(sd, x, ExampleShape.TRIPLET, c.ibnTau(), dim, false).mul(c.ibnWeight()).div(2.0));
        }
        if (c.clnWeight() > 0) {
            t.put("cln", contrastive(sd, x, ExampleShape.TRIPLET, c.ibnTau(), dim, true).mul(c.clnWeight()).div(2.0));
        }
        if (c.angleWeight() > 0 || c.cosineWeight() > 0) {
            SDVariable q = row(x, 3, 0, dim);
            SDVariable p = row(x, 3, 1, dim);
            SDVariable n = row(x, 3, 2, dim);
            // Z: the pairs (q_k, p_k) labelled 1, then (q_k, n_k) labelled 0
            SDVariable first = y.reshape(-1, 3).get(SDIndex.all(), SDIndex.point(0));
            SDVariable s = sd.concat(0, sd.onesLike(first), sd.zerosLike(first));
            if (c.angleWeight() > 0) {
                SDVariable scores = sd.concat(0, angleScores(q, p, dim, c.angleTau()), angleScores(q, n, dim, c.angleTau()));
                t.put("angle", ranked(sd, scores, s).mul(c.angleWeight()));
            }
            if (c.cosineWeight() > 0) {
                SDVariable scores = sd.concat(0, cosineScores(q, p, c.cosineTau()), cosineScores(q, n, c.cosineTau()));
                t.put("cosine", ranked(sd, scores, s).mul(c.cosineWeight()));
            }
        }
    }

    /** Format A's CoSENT cosine term. */
    public static SDVariable cosine(SameDiff sd, SDVariable x, SDVariable y, double tau, long dim) {
        return ranked(sd, cosineScores(row(x, 2, 0, dim), row(x, 2, 1, dim), tau), pairLabels(y));
    }

    /** Format A's angle term ("sum" pooling of the complex quotient). */
    public static SDVariable angle(SameDiff sd, SDVariable x, SDVariable y, double tau, long dim) {
        return ranked(sd, angleScores(row(x, 2, 0, dim), row(x, 2, 1, dim), dim, tau), pairLabels(y));
    }

    /** {@code |p_k|} of format A's pairs [pairs] (before the temperature), for tests. */
    public static SDVariable angleAbsP(SameDiff sd, SDVariable x, long dim) {
        return angleScores(row(x, 2, 0, dim), row(x, 2, 1, dim), dim, 1.0);
    }

    /** Format A's in-batch-negative term with the threshold rule. */
    public static SDVariable ibn(SameDiff sd, SDVariable x, SDVariable y, double tau, double threshold, long dim) {
        return ibn(sd, x, y, tau, AngleLossConfig.IbnPositives.THRESHOLD, threshold, dim);
    }

    /** Format A's in-batch-negative term; {@code threshold} is read by the threshold rule only. */
    public static SDVariable ibn(SameDiff sd, SDVariable x, SDVariable y, double tau, AngleLossConfig.IbnPositives rule, double threshold,
                                 long dim) {
        SDVariable xn = l2n(x);
        // S = tau (Xn Xn^T - 1e12 I): a row's own entry is out of its softmax
        SDVariable eye = sd.math.diag(sd.onesLike(y.reshape(-1)));
        SDVariable s = sd.mmul(xn, xn, false, true, false).sub(eye.mul(MASKED)).mul(tau);
        SDVariable lse = rowLogSumExp(s);                                           // [rows]
        if (rule == AngleLossConfig.IbnPositives.ANGLE_EMB) {
            // T[i, j] = 1 when j t(y_j) == partner(i) t(y_i), both t() non-zero (else -2 and -1: never equal); the diagonal
            // is never a target (j = i would need i = partner(i)), so T * S stays finite
            SDVariable t = truncated(sd, y.reshape(-1));                                 // [rows]
            SDVariable idx = sd.cumsum(sd.onesLike(t), true, false, 0);                // 0, 1, 2, ...
            SDVariable parity = idx.sub(sd.math.floor(idx.div(2.0)).mul(2.0));         // i mod 2
            SDVariable partnerIdx = idx.add(1.0).sub(parity.mul(2.0));                  // i xor 1
            SDVariable zeroT = t.eq(0.0).castTo(x.dataType());
            SDVariable col = idx.mul(t).sub(zeroT.mul(2.0)).reshape(1, -1);            // [1, rows]
            SDVariable row = partnerIdx.mul(t).sub(zeroT).reshape(-1, 1);              // [rows, 1]
            SDVariable targets = col.eq(row).castTo(x.dataType());                    // [rows, rows]
            // sum_j T[i, j] (lse_i - S[i, j])
            SDVariable perRow = lse.mul(targets.sum(1)).sub(targets.mul(s).sum(1));
            return perRow.mean();
        }
        // the partner's logit S[i, i^1] = tau cos(pair of i), the same for both rows of a pair
        SDVariable pairCos = row(xn, 2, 0, dim).mul(row(xn, 2, 1, dim)).sum(true, 1).mul(tau); // [pairs, 1]
        SDVariable partner = sd.concat(1, pairCos, pairCos).reshape(-1);              // [rows]: c0, c0, c1, c1, ...
        if (rule == AngleLossConfig.IbnPositives.PARTNER) {
            return lse.sub(partner).mean();
        }
        SDVariable positive = y.reshape(-1).gte(threshold).castTo(x.dataType());
        return lse.sub(partner).mul(positive).mean();
    }

    /** Python's {@code int(v)} on floats: toward zero. */
    private static SDVariable truncated(SameDiff sd, SDVariable v) {
        return sd.math.sign(v).mul(sd.math.floor(sd.math.abs(v)));
    }

    /**
     * The contrastive term of format B ((query, positive) rows) or format C ((query, positive, negative) rows,
     * hard negatives used).
     */
    public static SDVariable contrastive(SameDiff sd, SDVariable x, ExampleShape format, double tau, long dim) {
        if (format == ExampleShape.SCORED_PAIR) {
            throw new IllegalArgumentException("the contrastive term reads format B or C rows");
        }
        return contrastive(sd, x, format, tau, dim, format == ExampleShape.TRIPLET);
    }

    /** Format C's contrastive term over (query, positive) only ({@code withNegatives} false) or with the negatives. */
    public static SDVariable contrastive(SameDiff sd, SDVariable x, ExampleShape format, double tau, long dim, boolean withNegatives) {
        int group = format == ExampleShape.TRIPLET ? 3 : 2;
        SDVariable qn = l2n(row(x, group, 0, dim));
        SDVariable pn = l2n(row(x, group, 1, dim));
        SDVariable targets = withNegatives ? sd.concat(0, pn, l2n(row(x, group, 2, dim))) : pn;
        SDVariable s = sd.mmul(qn, targets, false, true, false).mul(tau);                         // [queries, targets]
        SDVariable own = qn.mul(pn).sum(1).mul(tau);                                   // [queries]: s[k, k]
        return rowLogSumExp(s).sub(own).mean();
    }

    /**
     * {@code log(1 + sum_{i, j: s_i < s_j} exp(scores_i - scores_j))} for scores [n] and their labels [n]: the
     * ranking loss of CoSENT; tied labels add nothing.
     */
    static SDVariable ranked(SameDiff sd, SDVariable scores, SDVariable labels) {
        SDVariable diff = scores.reshape(-1, 1).sub(scores.reshape(1, -1));                       // [n, n]: c_i - c_j
        SDVariable mask = labels.reshape(-1, 1).lt(labels.reshape(1, -1)).castTo(scores.dataType()); // s_i < s_j
        SDVariable d = diff.add(mask.sub(1.0).mul(MASKED)).reshape(-1);
        // log(exp(0) + sum exp(d)) with the maximum (at least 0) taken out
        SDVariable all = sd.concat(0, sd.zerosLike(scores.get(SDIndex.interval(0L, 1L))), d);
        SDVariable m = all.max();
        return m.add(sd.math.log(sd.math.exp(all.sub(m)).sum()));
    }

    /** tau * cos(u_k, v_k) [pairs]. */
    static SDVariable cosineScores(SDVariable u, SDVariable v, double tau) {
        return l2n(u).mul(l2n(v)).sum(1).mul(tau);
    }

    /**
     * tau * |p_k| [pairs] of u_k / v_k in complex space (real half first), "sum" pooling. With u = (a, b) and v = (c, d),
     * the reference's {@code (sum(ac + bd) + sum(bc - ad)) / |v|^2 / (|u| / |v|)} is {@code (u . v + u . w) / (|u| |v|)}
     * with w = (-d, c), v's quarter turn, computed as v times a constant matrix: no slicing of the feature axis (DL4J
     * 1.0.0-M2.1's strided-slice backward pass fails on a batch of one pair).
     */
    static SDVariable angleScores(SDVariable u, SDVariable v, long dim, double tau) {
        if (dim % 2 != 0) {
            throw new IllegalArgumentException("the angle term splits embeddings into halves: dimension " + dim + " is odd");
        }
        SameDiff sd = u.getSameDiff();
        SDVariable turn = sd.constant(quarterTurn(dim)).castTo(u.dataType());
        SDVariable re = u.mul(v).sum(true, 1);                                       // sum(ac + bd) [pairs, 1]
        SDVariable im = u.mul(sd.mmul(v, turn)).sum(true, 1);                        // sum(bc - ad)
        SDVariable norms = sd.math.sqrt(u.mul(u).sum(true, 1)).mul(sd.math.sqrt(v.mul(v).sum(true, 1)));
        return sd.math.abs(re.add(im).div(norms).reshape(-1)).mul(tau);
    }

    /** T [dim, dim] with v T = (-d, c) for v = (c, d): T[h + k, k] = -1, T[k, h + k] = 1. */
    static org.nd4j.linalg.api.ndarray.INDArray quarterTurn(long dim) {
        int h = (int) (dim / 2);
        double[][] t = new double[(int) dim][(int) dim];
        for (int k = 0; k < h; k++) {
            t[h + k][k] = -1;
            t[k][h + k] = 1;
        }
        return org.nd4j.linalg.factory.Nd4j.createFromArray(t);
    }

    /** Row {@code index} of every group of {@code group} consecutive rows: [rows / group, dim]. */
    static SDVariable row(SDVariable x, int group, int index, long dim) {
        return x.reshape(-1, group, dim).get(SDIndex.all(), SDIndex.point(index), SDIndex.all());
    }

    /** The pair labels [pairs] of format A (the label of row 2k). */
    static SDVariable pairLabels(SDVariable y) {
        return y.reshape(-1, 2).get(SDIndex.all(), SDIndex.point(0));
    }

    static SDVariable l2n(SDVariable x) {
        return x.div(x.norm2(true, 1));
    }

    /** log(sum_j exp(s[i, j])) [rows], maximum subtracted. */
    static SDVariable rowLogSumExp(SDVariable s) {
        SameDiff sd = s.getSameDiff();
        SDVariable m = s.max(true, 1);
        return m.add(sd.math.log(sd.math.exp(s.sub(m)).sum(true, 1))).reshape(-1);
    }

    private static SDVariable plus(SDVariable sum, SDVariable term) {
        return sum == null ? term : sum.add(term);
    }
}
