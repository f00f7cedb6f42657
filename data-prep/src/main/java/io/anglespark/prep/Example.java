package io.anglespark.prep;

import java.io.Serializable;
import java.util.Objects;

/**
 * One parsed input row, before cleaning. Which fields are set depends on {@link #kind()}:
 * <ul>
 *   <li>{@code SCORED_PAIR}: text1, text2, score (on the corpus's own scale; SICK also sets nliLabel);</li>
 *   <li>{@code NLI_PAIR}: text1 = premise, text2 = hypothesis, nliLabel; score is NaN;</li>
 *   <li>{@code POSITIVE_PAIR} (format B): text1 = query, text2 = positive;</li>
 *   <li>{@code TRIPLET} (format C): text1 = query, text2 = positive, text3 = negative.</li>
 * </ul>
 * Unset text fields are null, an unset score is NaN, an unset label is null.
 */
public record Example(Kind kind, String text1, String text2, String text3, double score, NliLabel nliLabel)
        implements Serializable {

    public enum Kind { SCORED_PAIR, NLI_PAIR, POSITIVE_PAIR, TRIPLET }

    public Example {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(text1, "text1");
        Objects.requireNonNull(text2, "text2");
        if (kind == Kind.TRIPLET) {
            Objects.requireNonNull(text3, "text3 of a triplet");
        }
        if (kind == Kind.NLI_PAIR) {
            Objects.requireNonNull(nliLabel, "nliLabel of an NLI pair");
        }
    }

    public static Example scored(String text1, String text2, double score) {
        return new Example(Kind.SCORED_PAIR, text1, text2, null, score, null);
    }

    public static Example scored(String text1, String text2, double score, NliLabel label) {
        return new Example(Kind.SCORED_PAIR, text1, text2, null, score, label);
    }

    public static Example nli(String premise, String hypothesis, NliLabel label) {
        return new Example(Kind.NLI_PAIR, premise, hypothesis, null, Double.NaN, label);
    }

    public static Example positive(String query, String positive) {
        return new Example(Kind.POSITIVE_PAIR, query, positive, null, Double.NaN, null);
    }

    public static Example triplet(String query, String positive, String negative) {
        return new Example(Kind.TRIPLET, query, positive, negative, Double.NaN, null);
    }

    /** The same example with its texts replaced (after cleaning); null stays null. */
    public Example withTexts(String t1, String t2, String t3) {
        return new Example(kind, t1, t2, t3, score, nliLabel);
    }
}
