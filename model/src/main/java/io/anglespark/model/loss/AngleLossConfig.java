package io.anglespark.model.loss;

import io.anglespark.prep.ExampleShape;

import java.io.Serializable;
import java.util.Locale;
import java.util.Objects;

/**
 * What {@link AngleLoss} computes: the batch layout, the weight and temperature (tau) of each term, and the
 * rule that makes a format-A pair a positive for the in-batch-negative term.
 *
 * <p>Totals, as angle_emb v0.6.1's {@code AngleLoss} combines the terms (see {@link AngleLoss}):
 * <ul>
 *   <li>format A: {@code cosineWeight * cosine + ibnWeight * ibn + angleWeight * angle};</li>
 *   <li>format B: the contrastive term (query vs positives, tau {@code ibnTau}); the weights are not used;</li>
 *   <li>format C: {@code (ibnWeight * contrastive(q, p) + clnWeight * contrastive(q, p, n)) / 2 + angleWeight * angle
 *       + cosineWeight * cosine}, the last two over the pairs (q, p) labelled 1 and (q, n) labelled 0.</li>
 * </ul>
 *
 * <p><b>Positives</b> of the in-batch-negative term (format A), by {@link IbnPositives}: angle_emb's exact rule (the
 * authors' presets), the threshold rule (the pair's partner when its label is {@code >= positiveThreshold}), or every
 * pair's partner. A configuration that leaves the term no positives, or no negatives, is refused when built (only when
 * format A uses the term, {@code ibnWeight > 0}):
 * <ul>
 *   <li>threshold rule: the threshold above the declared scale's max (no label reaches it); on a graded scale, the
 *       threshold equal to the max (only the single top score would count: 0.2 on 0..1 matches 1.0 on 0..5); the
 *       threshold at or below the scale's min (every label would count). On a binary scale (0/1) the threshold may
 *       equal the max: the class 1 is the positive class;</li>
 *   <li>angle_emb's rule: a scale below 1 (no {@code int(label)} is non-zero) or a graded scale below 2 (scores
 *       normalised to 0..1: only a pair scored exactly 1 would count).</li>
 * </ul>
 *
 * @param format            batch layout: A (text1, text2, label), B (query, positive), C (query, positive, negative)
 * @param cosineWeight      weight of the CoSENT cosine term (>= 0)
 * @param ibnWeight         weight of the in-batch-negative term (format A) and of the query-positive contrastive
 *                          term (format C) (>= 0)
 * @param clnWeight         weight of the contrastive term with hard negatives (format C) (>= 0)
 * @param angleWeight       weight of the angle term (>= 0)
 * @param cosineTau         temperature of the cosine term (> 0)
 * @param ibnTau            temperature of the in-batch-negative and contrastive terms (> 0)
 * @param angleTau          temperature of the angle term (> 0)
 * @param ibnPositives      format A: which columns are row i's positives in the in-batch-negative term
 * @param positiveThreshold format A, threshold rule: pairs labelled at or above it are positives of the in-batch-negative term
 * @param labelScale        the scale format-A labels are written on (checked against each batch)
 */
public record AngleLossConfig(ExampleShape format, double cosineWeight, double ibnWeight, double clnWeight, double angleWeight,
                              double cosineTau, double ibnTau, double angleTau, IbnPositives ibnPositives, double positiveThreshold,
                              LabelScale labelScale)
        implements Serializable {

    /**
     * How the in-batch-negative term of format A picks, for row {@code i}, the columns that are its positives (its
     * targets in the softmax over the batch's other rows). Row {@code i}'s partner is row {@code i xor 1}, the other
     * text of its pair; {@code t(y) = int(y)} truncates toward zero.
     */
    public enum IbnPositives {
        /**
         * angle_emb's exact rule (v0.1.0 to v0.6.1, {@code in_batch_negative_loss}), for parity with the authors' code:
         * column {@code j} is a positive of row {@code i} when {@code t(y_i) != 0}, {@code t(y_j) != 0} and
         * {@code j * t(y_j) == partner(i) * t(y_i)}; the row's loss is the sum of {@code -log softmax} over its
         * positives. On 0/1 labels this is the partner of each pair labelled 1. On graded scores it also marks unrelated
         * rows (pair labels [4.2, 2, 0.6, 3]: row 0 is a positive at columns 1 and 2) and ignores every pair scored
         * below 1.
         */
        ANGLE_EMB,
        /** The partner is row {@code i}'s only positive when the pair's label is {@code >= positiveThreshold}; other rows add 0. */
        THRESHOLD,
        /** The partner is every row's only positive, whatever the label (every pair treated as a positive pair). */
        PARTNER;

        /** {@code angle-emb}, {@code threshold} or {@code partner}. */
        public static IbnPositives parse(String s) {
            String n = s.trim().toLowerCase(Locale.ROOT).replace('-', '_');
            for (IbnPositives p : values()) {
                if (p.name().toLowerCase(Locale.ROOT).equals(n)) {
                    return p;
                }
            }
            throw new IllegalArgumentException("unknown in-batch-negative positive rule '" + s + "' (known: angle-emb, threshold, partner)");
        }

        /** The name configuration files use. */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * The named recipes: weights, temperatures and the in-batch-negative positive rule. Their history in angle_emb:
     * 1/1/1 with angle tau 1 (v0.1.0, the 2023 paper), 1/1/1 with tau 20 (v0.4), cosine 0 / ibn 20 / angle 1
     * (v0.4.12), cosine 0 / ibn 1 / angle 0.02 with cln 1 (v0.5.5 to v0.6.1).
     */
    public enum Preset {
        /** The CoSENT cosine term alone (tau 20): the cosine-only baseline AnglE improves on. */
        COSENT(1, 0, 0, 0, 20, 20, 20),
        /**
         * The authors' documented STS-B recipe (angle_emb docs/notes/training.rst): cosine 1, ibn 1, angle 0.02, every tau
         * 20, cln 1 (their default; format C only), angle_emb's positive rule.
         */
        STS(1, 1, 1, 0.02, 20, 20, 20),
        /** The 2023 paper's weights (angle_emb v0.1.0): cosine 1, ibn 1, cln 1, angle 1; cosine and ibn tau 20, angle tau 1. */
        PAPER(1, 1, 1, 1, 20, 20, 1),
        /**
         * The authors' general default since v0.5.5 (their retrieval recipe, v0.6.1's defaults): cosine 0, ibn 1, cln 1,
         * angle 0.02, every tau 20, angle_emb's positive rule. Also read as {@code angle}, its name before.
         */
        RETRIEVAL(0, 1, 1, 0.02, 20, 20, 20);

        /** The default recipe of the training job (chosen by bench/quality on STS-B dev; see the README). */
        public static final Preset DEFAULT = PAPER;

        private final double cosine;
        private final double ibn;
        private final double cln;
        private final double angle;
        private final double cosineTau;
        private final double ibnTau;
        private final double angleTau;

        Preset(double cosine, double ibn, double cln, double angle, double cosineTau, double ibnTau, double angleTau) {
            this.cosine = cosine;
            this.ibn = ibn;
            this.cln = cln;
            this.angle = angle;
            this.cosineTau = cosineTau;
            this.ibnTau = ibnTau;
            this.angleTau = angleTau;
        }

        /** The name configuration files use. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** cosine, ibn, cln and angle weights, then cosine, ibn and angle temperatures, in that order. */
        public double[] numbers() {
            return new double[]{cosine, ibn, cln, angle, cosineTau, ibnTau, angleTau};
        }

        /** The positive rule of the in-batch-negative term: angle_emb's for the authors' recipes. */
        public IbnPositives ibnPositives() {
            return this == COSENT ? IbnPositives.THRESHOLD : IbnPositives.ANGLE_EMB;
        }

        /** This recipe for {@code format} and {@code scale}. */
        public AngleLossConfig config(ExampleShape format, LabelScale scale) {
            return new AngleLossConfig(format, cosine, ibn, cln, angle, cosineTau, ibnTau, angleTau, ibnPositives(), DEFAULT_POSITIVE_THRESHOLD,
                    scale);
        }

        /** A preset by name: {@code cosent}, {@code sts}, {@code paper}, {@code retrieval} ({@code angle}), {@code default}. */
        public static Preset parse(String s) {
            String n = s.trim().toLowerCase(Locale.ROOT);
            if (n.equals("default")) {
                return DEFAULT;
            }
            if (n.equals("angle")) {
                return RETRIEVAL;
            }
            for (Preset p : values()) {
                if (p.label().equals(n)) {
                    return p;
                }
            }
            throw new IllegalArgumentException("unknown loss preset '" + s + "' (known: cosent, sts, paper, retrieval; default: "
                    + DEFAULT.label() + ")");
        }
    }

    public static final double DEFAULT_POSITIVE_THRESHOLD = 1.0;

    public AngleLossConfig {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(labelScale, "labelScale");
        Objects.requireNonNull(ibnPositives, "ibnPositives");
        weight("cosineWeight", cosineWeight);
        weight("ibnWeight", ibnWeight);
        weight("clnWeight", clnWeight);
        weight("angleWeight", angleWeight);
        tau("cosineTau", cosineTau);
        tau("ibnTau", ibnTau);
        tau("angleTau", angleTau);
        if (!Double.isFinite(positiveThreshold)) {
            throw new IllegalArgumentException("positiveThreshold must be finite, got " + positiveThreshold);
        }
        boolean anyTerm = switch (format) {
            case SCORED_PAIR -> cosineWeight > 0 || ibnWeight > 0 || angleWeight > 0;
            case POSITIVE_PAIR -> true;
            case TRIPLET -> cosineWeight > 0 || ibnWeight > 0 || clnWeight > 0 || angleWeight > 0;
        };
        if (!anyTerm) {
            throw new IllegalArgumentException("every term of format " + format + " has weight 0: nothing to train");
        }
        if (format == ExampleShape.SCORED_PAIR && ibnWeight > 0) {
            switch (ibnPositives) {
                case THRESHOLD -> checkPositives(positiveThreshold, labelScale);
                case ANGLE_EMB -> checkTruncatedPositives(labelScale);
                case PARTNER -> {
                }
            }
        }
    }

    /** angle_emb's rule needs labels whose integer part is not 0: none on a scale below 1, only the top on a graded 0..1. */
    private static void checkTruncatedPositives(LabelScale s) {
        if (s.max() < 1 || (!s.binary() && s.max() < 2)) {
            throw new IllegalArgumentException("angle_emb's in-batch-negative rule counts a pair as a positive when int(label) != 0: on labels "
                    + s + " " + (s.max() < 1 ? "no pair" : "only a pair scored exactly " + s.max()) + " would count; use the threshold rule "
                    + "(ibnPositives THRESHOLD with a threshold inside the scale) or declare the labels' real scale");
        }
    }

    private static void checkPositives(double t, LabelScale s) {
        String fix = " (positiveThreshold " + t + ", labels " + s + "): lower or raise the threshold, or declare the labels' real scale";
        if (t > s.max()) {
            throw new IllegalArgumentException("no label can be a positive of the in-batch-negative term: the threshold is above the "
                    + "label scale's max" + fix);
        }
        if (!s.binary() && t >= s.max()) {
            throw new IllegalArgumentException("only the top score " + s.max() + " would be a positive of the in-batch-negative term: "
                    + "on a graded scale the threshold must lie below the max (labels normalised to 0..1 need about 0.2 for the "
                    + "authors' rule)" + fix);
        }
        if (t <= s.min()) {
            throw new IllegalArgumentException("every label would be a positive of the in-batch-negative term: the threshold is at or "
                    + "below the label scale's min" + fix);
        }
    }

    private static void weight(String name, double w) {
        if (!Double.isFinite(w) || w < 0) {
            throw new IllegalArgumentException(name + " must be finite and >= 0, got " + w);
        }
    }

    private static void tau(String name, double t) {
        if (!Double.isFinite(t) || t <= 0) {
            throw new IllegalArgumentException(name + " must be finite and > 0, got " + t);
        }
    }

    /** The preset's recipe for {@code format}. */
    public static AngleLossConfig of(Preset preset, ExampleShape format, LabelScale scale) {
        return preset.config(format, scale);
    }

    /** The default recipe ({@link Preset#DEFAULT}). */
    public static AngleLossConfig defaults(ExampleShape format, LabelScale scale) {
        return of(Preset.DEFAULT, format, scale);
    }

    /** The paper's weights (angle_emb v0.1.0): 1, 1, 1; angle tau 1. */
    public static AngleLossConfig paper(ExampleShape format, LabelScale scale) {
        return of(Preset.PAPER, format, scale);
    }

    /** The CoSENT cosine term alone. */
    public static AngleLossConfig cosent(ExampleShape format, LabelScale scale) {
        return of(Preset.COSENT, format, scale);
    }

    /** The same recipe with the threshold rule at {@code threshold}. */
    public AngleLossConfig withPositiveThreshold(double threshold) {
        return new AngleLossConfig(format, cosineWeight, ibnWeight, clnWeight, angleWeight, cosineTau, ibnTau, angleTau, IbnPositives.THRESHOLD,
                threshold, labelScale);
    }

    public AngleLossConfig withIbnPositives(IbnPositives rule) {
        return new AngleLossConfig(format, cosineWeight, ibnWeight, clnWeight, angleWeight, cosineTau, ibnTau, angleTau, rule, positiveThreshold,
                labelScale);
    }

    public AngleLossConfig withFormat(ExampleShape f) {
        return new AngleLossConfig(f, cosineWeight, ibnWeight, clnWeight, angleWeight, cosineTau, ibnTau, angleTau, ibnPositives, positiveThreshold,
                labelScale);
    }

    public AngleLossConfig withLabelScale(LabelScale s) {
        return new AngleLossConfig(format, cosineWeight, ibnWeight, clnWeight, angleWeight, cosineTau, ibnTau, angleTau, ibnPositives, positiveThreshold,
                s);
    }

    /** Rows per example: 2 for formats A and B, 3 for C. */
    public int rowsPerExample() {
        return format == ExampleShape.TRIPLET ? 3 : 2;
    }
}
