package io.anglespark.prep.pair;

import io.anglespark.prep.NliLabel;
import io.anglespark.prep.RowRef;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds format-C triplets (premise, entailed hypothesis, contradicting hypothesis) from the NLI rows of
 * one premise. Entailment and contradiction rows are each sorted by {@link RowRef}; entailment row i is
 * paired with contradiction row {@code i mod |C|}, so every entailment row gives exactly one triplet and
 * a contradiction row is reused only when there are fewer contradictions than entailments. No triplet
 * when either list is empty; neutral rows are never used. The triplet id is the entailment row's
 * {@code RowRef.id(true)}, {@code +}, and the contradiction row's line (its full {@code id(true)} when it
 * comes from another input or file). The result does not depend on the input order.
 */
public final class NliTriplets {

    private NliTriplets() {
    }

    /**
     * @param triplets the triplets, in entailment RowRef order
     * @param used     the rows that appear in some triplet, sorted
     * @param unused   the other rows of the group (neutral rows, unpaired contradictions, all rows of a
     *                 group without an entailment or without a contradiction), sorted
     */
    public record Result(List<TripletCandidate> triplets, List<RowRef> used, List<RowRef> unused) implements Serializable {
        public Result {
            triplets = List.copyOf(triplets);
            used = List.copyOf(used);
            unused = List.copyOf(unused);
        }
    }

    /**
     * @param group all rows of one premise (the same cleaned premise text), no RowRef twice; may be empty
     * @throws IllegalArgumentException when the premises differ or a RowRef appears twice
     */
    public static Result build(List<NliRow> group) {
        List<NliRow> rows = new ArrayList<>(group);
        rows.sort(Comparator.comparing(NliRow::ref));
        List<NliRow> entailments = new ArrayList<>();
        List<NliRow> contradictions = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            NliRow row = rows.get(i);
            if (!row.premise().equals(rows.get(0).premise())) {
                throw new IllegalArgumentException("rows " + rows.get(0).ref().location() + " and " + row.ref().location()
                        + " have different premises: one group holds one premise");
            }
            if (i > 0 && row.ref().equals(rows.get(i - 1).ref())) {
                throw new IllegalArgumentException("row " + row.ref().location() + " appears twice in one group");
            }
            if (row.label() == NliLabel.ENTAILMENT) {
                entailments.add(row);
            } else if (row.label() == NliLabel.CONTRADICTION) {
                contradictions.add(row);
            }
        }
        if (entailments.isEmpty() || contradictions.isEmpty()) {
            return new Result(List.of(), List.of(), rows.stream().map(NliRow::ref).toList());
        }
        List<TripletCandidate> triplets = new ArrayList<>(entailments.size());
        for (int i = 0; i < entailments.size(); i++) {
            NliRow e = entailments.get(i);
            NliRow c = contradictions.get(i % contradictions.size());
            triplets.add(new TripletCandidate(id(e.ref(), c.ref()), e.premise(), e.hypothesis(), c.hypothesis(),
                    List.of(e.ref(), c.ref())));
        }
        Set<RowRef> paired = new HashSet<>();
        entailments.forEach(r -> paired.add(r.ref()));
        contradictions.subList(0, Math.min(entailments.size(), contradictions.size())).forEach(r -> paired.add(r.ref()));
        List<RowRef> used = new ArrayList<>();
        List<RowRef> unused = new ArrayList<>();
        for (NliRow row : rows) {
            (paired.contains(row.ref()) ? used : unused).add(row.ref());
        }
        return new Result(triplets, used, unused);
    }

    static String id(RowRef entailment, RowRef contradiction) {
        boolean sameFile = entailment.input().equals(contradiction.input()) && entailment.file().equals(contradiction.file());
        return entailment.id(true) + "+" + (sameFile ? Long.toString(contradiction.line()) : contradiction.id(true));
    }
}
