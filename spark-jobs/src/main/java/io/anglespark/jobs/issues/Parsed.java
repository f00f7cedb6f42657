package io.anglespark.jobs.issues;

import io.anglespark.jobs.common.Outputs;
import io.anglespark.prep.Outcome;
import io.anglespark.prep.Rejection;
import io.anglespark.prep.RowRef;
import io.anglespark.prep.clean.TextPolicy;

import java.io.Serializable;

/** One record of an input after parsing: a value, or a rejection with a preview of the raw record. */
record Parsed<T>(RowRef ref, T value, Rejection rejection, String raw) implements Serializable {

    static <T> Parsed<T> of(RowRef ref, Outcome<T> outcome, String raw, int rawChars) {
        if (outcome instanceof Outcome.Accepted<T> a) {
            return new Parsed<>(ref, a.value(), null, null);
        }
        return rejected(ref, ((Outcome.Rejected<T>) outcome).rejection(), raw, rawChars);
    }

    /** The raw record is kept as a preview: cut to {@code rawChars}, invalid bytes shown as U+FFFD. */
    static <T> Parsed<T> rejected(RowRef ref, Rejection rejection, String raw, int rawChars) {
        String r = raw == null ? "" : TextPolicy.displayable(raw);
        return new Parsed<>(ref, null, rejection, r.length() <= rawChars ? r : r.substring(0, rawChars));
    }

    boolean accepted() {
        return rejection == null;
    }

    Outputs.Quarantined quarantined(String source) {
        return new Outputs.Quarantined(source, ref, rejection.reason(), rejection.detail(), raw);
    }
}
