package io.anglespark.prep.pair;

import io.anglespark.prep.NliLabel;
import io.anglespark.prep.RowRef;

import java.io.Serializable;
import java.util.Objects;

/** One cleaned NLI pair with its origin. */
public record NliRow(RowRef ref, String premise, String hypothesis, NliLabel label) implements Serializable {
    public NliRow {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(premise, "premise");
        Objects.requireNonNull(hypothesis, "hypothesis");
        Objects.requireNonNull(label, "label");
    }
}
