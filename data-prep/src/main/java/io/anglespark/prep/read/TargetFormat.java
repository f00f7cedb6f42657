package io.anglespark.prep.read;

import java.util.List;

/** The shape a user's rows are mapped to, with the target fields a {@link ColumnMapping} must fill. */
public enum TargetFormat {
    /** (text1, text2, label): a scored pair; the label is a number. Yields a SCORED_PAIR example. */
    A(List.of("text1", "text2", "label")),
    /** (query, positive): a positive pair. Yields a POSITIVE_PAIR example. */
    B(List.of("query", "positive")),
    /** (query, positive, negative): a triplet. Yields a TRIPLET example. */
    C(List.of("query", "positive", "negative"));

    private final List<String> fields;

    TargetFormat(List<String> fields) {
        this.fields = fields;
    }

    /** The target field names, in order. */
    public List<String> fields() {
        return fields;
    }
}
