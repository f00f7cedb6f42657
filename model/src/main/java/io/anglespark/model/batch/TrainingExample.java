package io.anglespark.model.batch;

import io.anglespark.prep.ExampleShape;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * One training example, the unit a batch never splits: a scored pair (format A: text1, text2, label on the
 * corpus's own scale), a (query, positive) pair (format B) or a (query, positive, negative) triplet (format C).
 * Formats B and C carry no label (NaN).
 *
 * @param texts the example's texts in row order (2 for A and B, 3 for C)
 * @param label format A's score; NaN for B and C
 */
public record TrainingExample(List<String> texts, double label) implements Serializable {
    public TrainingExample {
        texts = List.copyOf(Objects.requireNonNull(texts, "texts"));
        if (texts.size() != 2 && texts.size() != 3) {
            throw new IllegalArgumentException("an example has 2 or 3 texts, got " + texts.size());
        }
    }

    public static TrainingExample pair(String text1, String text2, double label) {
        if (!Double.isFinite(label)) {
            throw new IllegalArgumentException("a scored pair needs a finite label, got " + label);
        }
        return new TrainingExample(List.of(text1, text2), label);
    }

    public static TrainingExample positive(String query, String positive) {
        return new TrainingExample(List.of(query, positive), Double.NaN);
    }

    public static TrainingExample triplet(String query, String positive, String negative) {
        return new TrainingExample(List.of(query, positive, negative), Double.NaN);
    }

    /** Whether this example has the shape of {@code format}. */
    public boolean fits(ExampleShape format) {
        return switch (format) {
            case SCORED_PAIR -> texts.size() == 2 && Double.isFinite(label);
            case POSITIVE_PAIR -> texts.size() == 2;
            case TRIPLET -> texts.size() == 3;
        };
    }
}
