package io.anglespark.prep.pair;

import io.anglespark.prep.Reason;
import io.anglespark.prep.RowRef;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link DuplicateResolver} decided for one group of rows sharing a key.
 *
 * @param kept      the surviving pair, empty when the whole group was rejected
 * @param dropped   every other row of the group with its reason, ordered by {@link RowRef}
 * @param conflict  whether the group's labels differed
 * @param groupSize the number of rows in the group: kept (0 or 1) plus dropped
 */
public record Resolution(Optional<CandidatePair> kept, List<Dropped> dropped, boolean conflict, int groupSize)
        implements Serializable {

    /** A row that left the group, and why. */
    public record Dropped(RowRef ref, Reason reason) implements Serializable {
        public Dropped {
            Objects.requireNonNull(ref, "ref");
            Objects.requireNonNull(reason, "reason");
        }
    }

    public Resolution {
        Objects.requireNonNull(kept, "kept");
        dropped = List.copyOf(dropped);
        if (groupSize != dropped.size() + (kept.isPresent() ? 1 : 0)) {
            throw new IllegalArgumentException("groupSize " + groupSize + " != kept " + (kept.isPresent() ? 1 : 0)
                    + " + dropped " + dropped.size());
        }
    }

    /** Optional is not serializable: a Resolution is written as a proxy holding the kept pair or null. */
    private Object writeReplace() {
        return new Proxy(kept.orElse(null), dropped, conflict, groupSize);
    }

    private record Proxy(CandidatePair kept, List<Dropped> dropped, boolean conflict, int groupSize) implements Serializable {
        private Object readResolve() {
            return new Resolution(Optional.ofNullable(kept), dropped, conflict, groupSize);
        }
    }
}
