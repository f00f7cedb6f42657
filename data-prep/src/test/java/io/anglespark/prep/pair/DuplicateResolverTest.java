package io.anglespark.prep.pair;

import static io.anglespark.prep.JavaSerialization.roundTrip;
import io.anglespark.prep.Reason;
import io.anglespark.prep.RowRef;
import io.anglespark.prep.pair.DuplicateResolver.ConflictPolicy;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DuplicateResolverTest {

    private static final DuplicateResolver MEAN = new DuplicateResolver(ConflictPolicy.MEAN);
    private static final DuplicateResolver REJECT = new DuplicateResolver(ConflictPolicy.REJECT_BOTH);

    private static CandidatePair row(String file, long line, String t1, String t2, double label) {
        return new CandidatePair(new RowRef("stsb", file, line), t1, t2, label);
    }

    private static List<Resolution.Dropped> dropped(Reason reason, CandidatePair... rows) {
        List<Resolution.Dropped> out = new ArrayList<>();
        for (CandidatePair r : rows) {
            out.add(new Resolution.Dropped(r.ref(), reason));
        }
        return out;
    }

    @Test
    void groupOfOneIsKeptAsIs() {
        CandidatePair only = row("train", 7, "a", "b", 2.5);
        for (DuplicateResolver resolver : List.of(MEAN, REJECT)) {
            assertEquals(new Resolution(Optional.of(only), List.of(), false, 1), resolver.resolve(List.of(only)));
        }
    }

    @Test
    void equalLabelsKeepTheSmallestRowRefWithItsOwnTextOrder() {
        CandidatePair late = row("train", 90, "a", "b", 4.0);
        CandidatePair first = row("train", 12, "b", "a", 4.0); // same order-insensitive key, own order kept
        CandidatePair otherFile = row("train2", 1, "a", "b", 4.0);
        for (DuplicateResolver resolver : List.of(MEAN, REJECT)) {
            Resolution r = resolver.resolve(List.of(otherFile, late, first));
            assertEquals(new Resolution(Optional.of(first), dropped(Reason.DUPLICATE_MERGED, late, otherFile), false, 3), r);
        }
    }

    @Test
    void conflictUnderMeanKeepsRepresentativeWithTheMeanLabel() {
        CandidatePair a = row("train", 3, "x", "y", 1.0);
        CandidatePair b = row("train", 5, "y", "x", 2.0);
        CandidatePair c = row("train", 9, "x", "y", 4.5);
        Resolution r = MEAN.resolve(List.of(c, b, a));
        assertTrue(r.conflict());
        assertEquals(Optional.of(row("train", 3, "x", "y", 2.5)), r.kept());
        assertEquals(dropped(Reason.DUPLICATE_MERGED, b, c), r.dropped());
        assertEquals(3, r.groupSize());
    }

    @Test
    void conflictUnderRejectBothKeepsNothingAndQuarantinesEveryRow() {
        CandidatePair a = row("train", 3, "x", "y", 1.0);
        CandidatePair b = row("train", 5, "x", "y", 1.0);
        CandidatePair c = row("train", 4, "x", "y", 1.2);
        Resolution r = REJECT.resolve(List.of(b, c, a));
        assertEquals(new Resolution(Optional.empty(), dropped(Reason.DUPLICATE_CONFLICT, a, c, b), true, 3), r);
        assertEquals(Reason.Bucket.QUARANTINED, r.dropped().get(0).reason().bucket());
    }

    @Test
    void resultIsIdenticalForEveryInputOrderIncludingTheMeansLastBit() {
        // summed in input order, 0.1 + 0.2 + 0.3 and 0.3 + 0.2 + 0.1 differ in the last bit
        List<CandidatePair> rows = List.of(row("t", 1, "a", "b", 0.1), row("t", 2, "a", "b", 0.2),
                row("t", 3, "b", "a", 0.3), row("t", 4, "a", "b", 0.2));
        for (DuplicateResolver resolver : List.of(MEAN, REJECT)) {
            Resolution expected = resolver.resolve(rows);
            for (List<CandidatePair> perm : permutations(rows)) {
                Resolution r = resolver.resolve(perm);
                assertEquals(expected, r, perm.toString());
                r.kept().ifPresent(k -> assertEquals(Double.doubleToLongBits(expected.kept().get().label()),
                        Double.doubleToLongBits(k.label())));
            }
        }
        assertEquals(0.2, MEAN.resolve(rows).kept().get().label(), 1e-15);
    }

    @Test
    void emptyGroupsAndRepeatedRowsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> MEAN.resolve(List.of()));
        CandidatePair a = row("t", 1, "a", "b", 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MEAN.resolve(List.of(a, a)));
        assertTrue(e.getMessage().contains("t:1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> row("t", 1, "a", "b", Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new Resolution(Optional.empty(), List.of(), false, 1));
    }

    @Test
    void resolverAndResolutionSurviveJavaSerialization() throws Exception {
        assertEquals(REJECT, roundTrip(REJECT));
        CandidatePair a = row("t", 1, "a", "b", 1);
        CandidatePair b = row("t", 2, "a", "b", 3);
        for (Resolution r : List.of(MEAN.resolve(List.of(a, b)), REJECT.resolve(List.of(a, b)))) {
            Resolution copy = roundTrip(r);
            assertEquals(r, copy);
        }
        assertFalse(roundTrip(REJECT.resolve(List.of(a, b))).kept().isPresent());
    }

    static <T> List<List<T>> permutations(List<T> items) {
        if (items.isEmpty()) {
            return List.of(List.of());
        }
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            List<T> rest = new ArrayList<>(items);
            T head = rest.remove(i);
            for (List<T> tail : permutations(rest)) {
                List<T> p = new ArrayList<>();
                p.add(head);
                p.addAll(tail);
                out.add(p);
            }
        }
        return out;
    }

}
