package io.anglespark.prep.pair;

import io.anglespark.prep.Reason;
import io.anglespark.prep.RowRef;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Resolves one group of rows that share a duplicate key ({@link PairKey}). The representative is the row
 * with the smallest {@link RowRef}; its texts, in its own order, are the ones kept.
 * <ul>
 *   <li>one row: kept as is;</li>
 *   <li>all labels equal ({@code ==}): the representative is kept, the others are dropped as
 *       {@link Reason#DUPLICATE_MERGED};</li>
 *   <li>labels differ (a conflict): under {@link ConflictPolicy#MEAN} the representative is kept with the
 *       arithmetic mean of the group's labels and the others are {@code DUPLICATE_MERGED}; under
 *       {@link ConflictPolicy#REJECT_BOTH} nothing is kept and every row is {@link Reason#DUPLICATE_CONFLICT}.</li>
 * </ul>
 * The result does not depend on the order of the input list (the mean is summed in RowRef order).
 */
public record DuplicateResolver(ConflictPolicy policy) implements Serializable {

    public enum ConflictPolicy { MEAN, REJECT_BOTH }

    public DuplicateResolver {
        Objects.requireNonNull(policy, "policy");
    }

    /**
     * @param group the rows of one key; not empty, no RowRef twice
     * @throws IllegalArgumentException when the group is empty or holds a RowRef twice
     */
    public Resolution resolve(List<CandidatePair> group) {
        if (group.isEmpty()) {
            throw new IllegalArgumentException("a duplicate group has at least one row");
        }
        List<CandidatePair> rows = new ArrayList<>(group);
        rows.sort(Comparator.comparing(CandidatePair::ref));
        for (int i = 1; i < rows.size(); i++) {
            if (rows.get(i).ref().equals(rows.get(i - 1).ref())) {
                throw new IllegalArgumentException("row " + rows.get(i).ref().location() + " appears twice in one group");
            }
        }
        CandidatePair representative = rows.get(0);
        double sum = 0;
        boolean conflict = false;
        for (CandidatePair row : rows) {
            sum += row.label();
            conflict |= row.label() != representative.label();
        }
        if (conflict && policy == ConflictPolicy.REJECT_BOTH) {
            return new Resolution(Optional.empty(), dropAll(rows, 0, Reason.DUPLICATE_CONFLICT), true, rows.size());
        }
        CandidatePair kept = conflict ? representative.withLabel(sum / rows.size()) : representative;
        return new Resolution(Optional.of(kept), dropAll(rows, 1, Reason.DUPLICATE_MERGED), conflict, rows.size());
    }

    private static List<Resolution.Dropped> dropAll(List<CandidatePair> rows, int from, Reason reason) {
        List<Resolution.Dropped> out = new ArrayList<>(rows.size() - from);
        for (CandidatePair row : rows.subList(from, rows.size())) {
            out.add(new Resolution.Dropped(row.ref(), reason));
        }
        return out;
    }
}
