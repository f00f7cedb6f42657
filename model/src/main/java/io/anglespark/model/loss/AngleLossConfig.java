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
 * <p><b>Positives.</b> A format-A row is a positive of the in-batch-negative term when its label is
 * {@code >= positiveThreshold}. The authors' rule is {@code int(label) != 0}, which equals {@code label >= 1} for
 * non-negative labels: the default threshold 1.0 reproduces it on the corpora's own scales (STS 0..5, 0/1 classes).
 * A configuration that leaves the term no positives, or no negatives, is refused when built (only when format A
 * uses the term, {@code ibnWeight > 0}):
 * <ul>
 *   <li>the threshold above the declared scale's max: no label reaches it;</li>
 *   <li>on a graded scale, the threshold equal to the max: only the single top score would count (scores
 *       normalised to 0..1 with the default threshold 1.0: a pair rated 5.0 of 5 and nothing else), which is not
 *       the authors' rule on any scale; lower the threshold (0.2 on 0..1 matches 1.0 on 0..5);</li>
 *   <li>the threshold at or below the scale's min: every label would count.</li>
 * </ul>
 * On a binary scale (0/1) the threshold may equal the max: the class 1 is the positive class.
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
 * @param positiveThreshold format A: labels at or above it are positives of the in-batch-negative term
 * @param labelScale        the scale format-A labels are written on (checked against each batch)
 */
public record AngleLossConfig(ExampleShape format, double cosineWeight, double ibnWeight, double clnWeight, double angleWeight,
                              double cosineTau, double ibnTau, double angleTau, double positiveThreshold, LabelScale labelScale)
        implements Serializable {

    /** The named weight sets. */
    public enum Preset {
        /** angle_emb v0.6.1 (the authors' current release): cosine 0, ibn 1, cln 1, angle 0.02, every tau 20. */
        ANGLE,
        /** angle_emb v0.1.0, the paper: cosine 1, ibn 1, cln 1, angle 1; cosine and ibn tau 20, angle tau 1. */
        PAPER,
        /** The CoSENT cosine term alone (tau 20): the baseline AnglE improves on. */
        COSENT;

        /** {@code angle}, {@code paper} or {@code cosent} (also {@code default} for {@code angle}). */
        public static Preset parse(String s) {
            String n = s.trim().toLowerCase(Locale.ROOT);
            if (n.equals("default")) {
                return ANGLE;
            }
            for (Preset p : values()) {
                if (p.name().toLowerCase(Locale.ROOT).equals(n)) {
                    return p;
                }
            }
            throw new IllegalArgumentException("unknown loss preset '" + s + "' (known: angle (default), paper, cosent)");
        }
    }

    public static final double DEFAULT_POSITIVE_THRESHOLD = 1.0;

    public AngleLossConfig {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(labelScale, "labelScale");
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
            checkPositives(positiveThreshold, labelScale);
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

    /** The preset's weights for {@code format}, positive threshold 1.0. */
    public static AngleLossConfig of(Preset preset, ExampleShape format, LabelScale scale) {
        return of(preset, format, scale, DEFAULT_POSITIVE_THRESHOLD);
    }

    /** The preset's weights for {@code format} with the given positive threshold. */
    public static AngleLossConfig of(Preset preset, ExampleShape format, LabelScale scale, double positiveThreshold) {
        return switch (preset) {
            case ANGLE -> new AngleLossConfig(format, 0, 1, 1, 0.02, 20, 20, 20, positiveThreshold, scale);
            case PAPER -> new AngleLossConfig(format, 1, 1, 1, 1, 20, 20, 1, positiveThreshold, scale);
            case COSENT -> new AngleLossConfig(format, 1, 0, 0, 0, 20, 20, 20, positiveThreshold, scale);
        };
    }

    /** The authors' current release (angle_emb v0.6.1): cosine 0, ibn 1, cln 1, angle 0.02, every tau 20. */
    public static AngleLossConfig defaults(ExampleShape format, LabelScale scale) {
        return of(Preset.ANGLE, format, scale);
    }

    /** The paper's weights (angle_emb v0.1.0): 1, 1, 1; angle tau 1. */
    public static AngleLossConfig paper(ExampleShape format, LabelScale scale) {
        return of(Preset.PAPER, format, scale);
    }

    /** The CoSENT cosine term alone. */
    public static AngleLossConfig cosent(ExampleShape format, LabelScale scale) {
        return of(Preset.COSENT, format, scale);
    }

    public AngleLossConfig withPositiveThreshold(double threshold) {
        return new AngleLossConfig(format, cosineWeight, ibnWeight, clnWeight, angleWeight, cosineTau, ibnTau, angleTau, threshold, labelScale);
    }

    public AngleLossConfig withFormat(ExampleShape f) {
        return new AngleLossConfig(f, cosineWeight, ibnWeight, clnWeight, angleWeight, cosineTau, ibnTau, angleTau, positiveThreshold, labelScale);
    }

    public AngleLossConfig withLabelScale(LabelScale s) {
        return new AngleLossConfig(format, cosineWeight, ibnWeight, clnWeight, angleWeight, cosineTau, ibnTau, angleTau, positiveThreshold, s);
    }

    /** Rows per example: 2 for formats A and B, 3 for C. */
    public int rowsPerExample() {
        return format == ExampleShape.TRIPLET ? 3 : 2;
    }
}
