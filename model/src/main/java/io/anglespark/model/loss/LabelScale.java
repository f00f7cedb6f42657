package io.anglespark.model.loss;

import java.io.Serializable;

/**
 * The scale the labels of a format-A batch are written on, as declared by the data (the loss never rescales
 * them): STS 0..5, SICK 1..5, NLI entailment/contradiction and duplicates 0/1.
 *
 * @param min    smallest label
 * @param max    largest label
 * @param binary true when the labels take only the values {@code min} and {@code max} (0/1 classes), false
 *               for graded scores anywhere in {@code [min, max]}
 */
public record LabelScale(double min, double max, boolean binary) implements Serializable {
    /** STS-B, SemEval STS: graded 0..5. */
    public static final LabelScale STS = new LabelScale(0, 5, false);
    /** SICK relatedness: graded 1..5. */
    public static final LabelScale SICK = new LabelScale(1, 5, false);
    /** NLI (entailment 1, contradiction 0) and duplicate pairs: the two values 0 and 1. */
    public static final LabelScale BINARY = new LabelScale(0, 1, true);
    /** Graded scores normalised onto 0..1 ({@code scores.normalize} in the prepare job). */
    public static final LabelScale NORMALIZED = new LabelScale(0, 1, false);

    public LabelScale {
        if (!Double.isFinite(min) || !Double.isFinite(max) || !(min < max)) {
            throw new IllegalArgumentException("label scale must be finite with min < max, got [" + min + ", " + max + "]");
        }
    }

    /** Whether {@code label} is on this scale (one of the two values of a binary scale). */
    public boolean contains(double label) {
        return binary ? label == min || label == max : label >= min && label <= max;
    }

    @Override
    public String toString() {
        return (binary ? "binary {" + min + ", " + max + "}" : "graded [" + min + ", " + max + "]");
    }
}
