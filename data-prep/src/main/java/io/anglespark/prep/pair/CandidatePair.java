package io.anglespark.prep.pair;

import io.anglespark.prep.RowRef;

import java.io.Serializable;
import java.util.Objects;

/** A cleaned text pair with its origin and its label (a score, or 1 for a positive pair); the label is finite. */
public record CandidatePair(RowRef ref, String text1, String text2, double label) implements Serializable {
    public CandidatePair {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(text1, "text1");
        Objects.requireNonNull(text2, "text2");
        if (!Double.isFinite(label)) {
            throw new IllegalArgumentException("label must be finite, got " + label + " at " + ref.location());
        }
    }

    public CandidatePair withLabel(double newLabel) {
        return new CandidatePair(ref, text1, text2, newLabel);
    }
}
