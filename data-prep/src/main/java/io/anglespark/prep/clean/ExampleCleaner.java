package io.anglespark.prep.clean;

import io.anglespark.prep.Example;
import io.anglespark.prep.Outcome;

import java.io.Serializable;
import java.util.Objects;

/**
 * Cleans every text of an {@link Example} with one {@link TextCleaner}, naming the fields by kind:
 * {@code text1}/{@code text2} for scored and NLI pairs, {@code query}/{@code positive} for positive pairs,
 * {@code query}/{@code positive}/{@code negative} for triplets ({@code text3} when another kind carries a
 * third text). text3 is cleaned only when non-null. The first rejected field, in that order, decides the
 * rejection; an accepted example keeps its kind, score and label.
 */
public record ExampleCleaner(TextCleaner cleaner) implements Serializable {

    public ExampleCleaner {
        Objects.requireNonNull(cleaner, "cleaner");
    }

    public Outcome<Example> clean(Example e) {
        String[] names = switch (e.kind()) {
            case SCORED_PAIR, NLI_PAIR -> new String[] {"text1", "text2", "text3"};
            case POSITIVE_PAIR -> new String[] {"query", "positive", "text3"};
            case TRIPLET -> new String[] {"query", "positive", "negative"};
        };
        return cleaner.clean(e.text1(), names[0]).then(t1 ->
                cleaner.clean(e.text2(), names[1]).then(t2 ->
                        e.text3() == null
                                ? Outcome.accept(e.withTexts(t1, t2, null))
                                : cleaner.clean(e.text3(), names[2]).then(t3 -> Outcome.accept(e.withTexts(t1, t2, t3)))));
    }
}
