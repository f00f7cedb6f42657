package io.anglespark.prep.pair;

import io.anglespark.prep.RowRef;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * A format-C triplet built from NLI rows.
 *
 * @param id       stable id from the two source rows (see {@link NliTriplets})
 * @param query    the premise
 * @param positive the hypothesis of an entailment row
 * @param negative the hypothesis of a contradiction row of the same premise
 * @param refs     the entailment row's ref, then the contradiction row's
 */
public record TripletCandidate(String id, String query, String positive, String negative, List<RowRef> refs)
        implements Serializable {
    public TripletCandidate {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(positive, "positive");
        Objects.requireNonNull(negative, "negative");
        refs = List.copyOf(refs);
    }
}
