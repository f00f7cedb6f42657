package io.anglespark.jobs.prepare;

import io.anglespark.prep.Example;
import io.anglespark.prep.Rejection;
import io.anglespark.prep.RowRef;
import io.anglespark.prep.Split;

import java.io.Serializable;

/**
 * One input row after reading and cleaning: either an accepted {@link Example} with its split, or a
 * {@link Rejection} with a preview of the raw bytes for the quarantine.
 */
record ReadRow(RowRef ref, String source, Split split, Example example, Rejection rejection, String raw)
        implements Serializable {

    static ReadRow accepted(RowRef ref, String source, Split split, Example example) {
        return new ReadRow(ref, source, split, example, null, null);
    }

    static ReadRow rejected(RowRef ref, String source, Rejection rejection, String raw) {
        return new ReadRow(ref, source, null, null, rejection, raw);
    }

    boolean isAccepted() {
        return example != null;
    }
}
