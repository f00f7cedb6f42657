package io.anglespark.prep;

import java.util.List;
import java.util.Locale;

/**
 * The shapes of training examples, as the prepare job writes them and the trainer fits them: each with the fields a
 * user's rows are mapped to ({@link io.anglespark.prep.read.ColumnMapping}). In configuration files they are written
 * {@code scored-pair}, {@code positive-pair} and {@code triplet} ({@code a}, {@code b} and {@code c}, their names
 * before, are still read).
 */
public enum ExampleShape {
    /** (text1, text2, label): a pair and a graded similarity or 0/1 label (STS, SICK, NLI pairs). Written to {@code pairs/}. */
    SCORED_PAIR(List.of("text1", "text2", "label"), "a"),
    /** (query, positive): a pair known to match, its in-batch partners the negatives. Written to {@code positives/}. */
    POSITIVE_PAIR(List.of("query", "positive"), "b"),
    /** (query, positive, negative): a pair and a hard negative. Written to {@code triplets/}. */
    TRIPLET(List.of("query", "positive", "negative"), "c");

    private final List<String> fields;
    private final String legacyName;

    ExampleShape(List<String> fields, String legacyName) {
        this.fields = fields;
        this.legacyName = legacyName;
    }

    /** The target field names, in order. */
    public List<String> fields() {
        return fields;
    }

    /** As configuration files write it: {@code scored-pair}, {@code positive-pair}, {@code triplet}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * A shape as configuration files write it ({@link #label()}, or {@code a} / {@code b} / {@code c}), case-insensitive.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static ExampleShape parse(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        for (ExampleShape e : values()) {
            if (e.label().equals(v) || e.legacyName.equals(v)) {
                return e;
            }
        }
        throw new IllegalArgumentException("must be one of [scored-pair, positive-pair, triplet] (or a, b, c)");
    }

    @Override
    public String toString() {
        return label();
    }
}
