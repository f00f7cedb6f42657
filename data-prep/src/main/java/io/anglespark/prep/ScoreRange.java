package io.anglespark.prep;

import java.io.Serializable;

/** The closed range a corpus's similarity scores live in (STS-B 0..5, SICK 1..5). */
public record ScoreRange(double min, double max) implements Serializable {
    public static final ScoreRange STS = new ScoreRange(0, 5);
    public static final ScoreRange SICK = new ScoreRange(1, 5);
    public static final ScoreRange BINARY = new ScoreRange(0, 1);

    public ScoreRange {
        if (!Double.isFinite(min) || !Double.isFinite(max) || !(min < max)) {
            throw new IllegalArgumentException("score range must be finite with min < max, got [" + min + ", " + max + "]");
        }
    }

    public boolean contains(double x) {
        return x >= min && x <= max;
    }

    /** Maps the range linearly onto 0..1. */
    public double normalize(double x) {
        return (x - min) / (max - min);
    }
}
