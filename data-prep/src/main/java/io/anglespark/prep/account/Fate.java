package io.anglespark.prep.account;

import io.anglespark.prep.Reason;
import io.anglespark.prep.Reason.Bucket;

import java.io.Serializable;

/**
 * What became of one input row. A row may be decided by more than one stage (an NLI row can be merged
 * away as a duplicate pair and still be consumed into a triplet); {@link #settle(Fate, Fate)} keeps the
 * most final: written beats dropped beats quarantined, and within a bucket the lower reason ordinal.
 *
 * @param reason null when written
 */
public record Fate(Bucket bucket, Reason reason) implements Serializable {

    public static final Fate WRITTEN = new Fate(Bucket.WRITTEN, null);

    public Fate {
        if ((bucket == Bucket.WRITTEN) != (reason == null)) {
            throw new IllegalArgumentException("a written row has no reason; any other has one: " + bucket + "/" + reason);
        }
        if (reason != null && reason.bucket() != bucket) {
            throw new IllegalArgumentException(reason + " belongs to " + reason.bucket() + ", not " + bucket);
        }
    }

    public static Fate of(Reason reason) {
        return new Fate(reason.bucket(), reason);
    }

    /** The key counted in the ledger: {@code written}, {@code quarantined:invalid_utf8}, {@code dropped:neutral_label}. */
    public String key() {
        String b = bucket.name().toLowerCase(java.util.Locale.ROOT);
        return reason == null ? b : b + ":" + reason.code();
    }

    private int rank() {
        return switch (bucket) {
            case WRITTEN -> 3;
            case DROPPED -> 2;
            case QUARANTINED -> 1;
        };
    }

    public static Fate settle(Fate a, Fate b) {
        if (a.rank() != b.rank()) {
            return a.rank() > b.rank() ? a : b;
        }
        if (a.reason == null) {
            return a;
        }
        return a.reason.ordinal() <= b.reason.ordinal() ? a : b;
    }
}
