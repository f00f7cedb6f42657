package io.anglespark.prep.pair;

import static io.anglespark.prep.JavaSerialization.roundTrip;
import io.anglespark.prep.NliLabel;
import io.anglespark.prep.RowRef;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.anglespark.prep.NliLabel.CONTRADICTION;
import static io.anglespark.prep.NliLabel.ENTAILMENT;
import static io.anglespark.prep.NliLabel.NEUTRAL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NliTripletsTest {

    private static final String PREMISE = "A man plays a guitar on stage.";
    private static final String FILE = "data/nli/esnli-snli-test.jsonl";

    private static NliRow row(long line, NliLabel label) {
        return new NliRow(new RowRef("snli", FILE, line), PREMISE, label.name().toLowerCase() + " " + line, label);
    }

    private static RowRef ref(long line) {
        return new RowRef("snli", FILE, line);
    }

    @Test
    void eachEntailmentIsPairedWithContradictionIModCInRowRefOrder() {
        List<NliRow> group = List.of(row(40, ENTAILMENT), row(12, CONTRADICTION), row(30, NEUTRAL),
                row(11, ENTAILMENT), row(20, ENTAILMENT), row(15, CONTRADICTION));
        NliTriplets.Result r = NliTriplets.build(group);
        assertEquals(List.of(
                new TripletCandidate("snli:esnli-snli-test.jsonl:11+12", PREMISE, "entailment 11", "contradiction 12", List.of(ref(11), ref(12))),
                new TripletCandidate("snli:esnli-snli-test.jsonl:20+15", PREMISE, "entailment 20", "contradiction 15", List.of(ref(20), ref(15))),
                new TripletCandidate("snli:esnli-snli-test.jsonl:40+12", PREMISE, "entailment 40", "contradiction 12", List.of(ref(40), ref(12)))),
                r.triplets());
        assertEquals(List.of(ref(11), ref(12), ref(15), ref(20), ref(40)), r.used());
        assertEquals(List.of(ref(30)), r.unused(), "neutral rows are never used");
    }

    @Test
    void surplusContradictionsStayUnused() {
        NliTriplets.Result r = NliTriplets.build(List.of(row(5, CONTRADICTION), row(3, CONTRADICTION), row(9, ENTAILMENT)));
        assertEquals(1, r.triplets().size());
        assertEquals("snli:esnli-snli-test.jsonl:9+3", r.triplets().get(0).id());
        assertEquals(List.of(ref(3), ref(9)), r.used());
        assertEquals(List.of(ref(5)), r.unused());
    }

    @Test
    void noTripletWithoutBothAnEntailmentAndAContradiction() {
        NliTriplets.Result noContradiction = NliTriplets.build(List.of(row(2, ENTAILMENT), row(1, NEUTRAL)));
        assertTrue(noContradiction.triplets().isEmpty());
        assertTrue(noContradiction.used().isEmpty());
        assertEquals(List.of(ref(1), ref(2)), noContradiction.unused());
        assertTrue(NliTriplets.build(List.of(row(2, CONTRADICTION))).triplets().isEmpty());
        assertEquals(new NliTriplets.Result(List.of(), List.of(), List.of()), NliTriplets.build(List.of()));
    }

    @Test
    void resultDoesNotDependOnInputOrder() {
        List<NliRow> group = List.of(row(4, ENTAILMENT), row(1, CONTRADICTION), row(3, ENTAILMENT),
                row(2, NEUTRAL), row(6, CONTRADICTION), row(5, ENTAILMENT));
        NliTriplets.Result expected = NliTriplets.build(group);
        for (List<NliRow> perm : DuplicateResolverTest.permutations(group)) {
            assertEquals(expected, NliTriplets.build(perm));
        }
    }

    @Test
    void contradictionFromAnotherFileIsNamedInFull() {
        NliRow e = row(7, ENTAILMENT);
        NliRow c = new NliRow(new RowRef("snli", "data/nli/esnli-snli-dev.jsonl", 3), PREMISE, "no", CONTRADICTION);
        assertEquals("snli:esnli-snli-test.jsonl:7+snli:esnli-snli-dev.jsonl:3",
                NliTriplets.build(List.of(e, c)).triplets().get(0).id());
    }

    @Test
    void groupsMixingPremisesOrRepeatingARowAreRefused() {
        NliRow other = new NliRow(ref(99), "Another premise.", "h", CONTRADICTION);
        assertThrows(IllegalArgumentException.class, () -> NliTriplets.build(List.of(row(1, ENTAILMENT), other)));
        assertThrows(IllegalArgumentException.class, () -> NliTriplets.build(List.of(row(1, ENTAILMENT), row(1, ENTAILMENT))));
    }

    @Test
    void resultSurvivesJavaSerialization() throws Exception {
        NliTriplets.Result r = NliTriplets.build(List.of(row(1, ENTAILMENT), row(2, CONTRADICTION)));
        assertEquals(r, roundTrip(r));
    }
}
