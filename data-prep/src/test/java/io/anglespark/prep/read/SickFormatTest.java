package io.anglespark.prep.read;

import io.anglespark.prep.Example;
import io.anglespark.prep.NliLabel;
import io.anglespark.prep.Outcome;
import io.anglespark.prep.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SickFormatTest {
    private static final SickFormat FORMAT = new SickFormat();
    private static final String HEADER = "pair_ID\tsentence_A\tsentence_B\trelatedness_score\tentailment_judgment";

    /*
     * Row counts from SOURCES.md; labels counted with
     *   awk -F'\t' 'NR>1{print $5}' SICK_train.txt | sort | uniq -c   (665 CONTRADICTION, 1299 ENTAILMENT, 2536 NEUTRAL)
     * and the same on SICK_trial.txt (74 / 144 / 282); awk found no score outside 1..5 and 5 fields on every line.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "sick2014/SICK_train.txt, 4500, 665, 1299, 2536",
            "sick2014/SICK_trial.txt,  500,  74,  144,  282"})
    void everyRowOfTheRealFileIsAcceptedWithItsLabel(String file, int rows, int contradiction, int entailment,
                                                     int neutral) {
        List<Outcome<Example>> outcomes = Reading.readShared(FORMAT, file);
        assertEquals(rows, outcomes.size());
        assertEquals(Map.of(), Reading.reasons(outcomes));

        Map<NliLabel, Integer> labels = new EnumMap<>(NliLabel.class);
        for (Example e : Reading.acceptedOnly(outcomes)) {
            labels.merge(e.nliLabel(), 1, Integer::sum);
            assertTrue(e.score() >= 1 && e.score() <= 5);
        }
        assertEquals(Map.of(NliLabel.CONTRADICTION, contradiction, NliLabel.ENTAILMENT, entailment,
                NliLabel.NEUTRAL, neutral), labels);
    }

    @Test
    void firstTrainRowIsReadFromItsNamedColumns() {
        // line 2 of SICK_train.txt: 1 <TAB> A group of kids ... <TAB> A group of boys ... <TAB> 4.5 <TAB> NEUTRAL
        Example first = Reading.accepted(Reading.readShared(FORMAT, "sick2014/SICK_train.txt").get(0));
        assertEquals(Example.scored(
                "A group of kids is playing in a yard and an old man is standing in the background",
                "A group of boys in a yard is playing and a man is standing in the background",
                4.5, NliLabel.NEUTRAL), first);
    }

    @Test
    void crlfFileLikeTheSickTestFileReadsLikeItsLfCopy() {
        List<String> crlf = Reading.fixtureLines("sick-test-crlf.txt");
        assertTrue(crlf.stream().allMatch(l -> l.endsWith("\r")), "the fixture must have CRLF endings, header included");

        List<Outcome<Example>> fromCrlf = Reading.readAll(FORMAT, "sick-test-crlf.txt", crlf);
        List<String> lf = crlf.stream().map(l -> l.substring(0, l.length() - 1)).toList();
        List<Outcome<Example>> fromLf = Reading.readAll(FORMAT, "sick-test-lf", lf);

        assertEquals(3, fromCrlf.size());
        assertEquals(Map.of(), Reading.reasons(fromCrlf));
        assertEquals(fromLf, fromCrlf);
        assertEquals(Example.scored(
                "A brown dog is attacking another animal in front of the tall man in pants",
                "A brown dog is helping another animal in front of the man in pants",
                1.9, NliLabel.CONTRADICTION), Reading.accepted(fromCrlf.get(2)));
    }

    @Test
    void columnsAreFoundByNameNotPositionAndALastTextColumnLosesItsCarriageReturn() {
        RecordReader r = FORMAT.bind("reordered.txt",
                "entailment_judgment\trelatedness_score\tpair_ID\tsentence_A\tsentence_B\r");
        assertEquals(Example.scored("a", "b", 2.0, NliLabel.ENTAILMENT),
                Reading.accepted(r.read("entailment\t2\t17\ta\tb\r")));
    }

    @Test
    void headerWithoutAColumnFailsBindNamingTheFileAndColumn() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FORMAT.bind("data/SICK_odd.txt", "pair_ID\tsentence_A\tsentence_B\tentailment_judgment"));
        assertTrue(e.getMessage().contains("data/SICK_odd.txt"), e.getMessage());
        assertTrue(e.getMessage().contains("'relatedness_score'"), e.getMessage());
    }

    @Test
    void badRowsAreRejectedWithTheirReason() {
        RecordReader r = FORMAT.bind("f", HEADER);
        Reading.assertRejected(r.read("1\ta\tb\t0.5\tNEUTRAL"), Reason.SCORE_OUT_OF_RANGE);
        Reading.assertRejected(r.read("1\ta\tb\t\tNEUTRAL"), Reason.UNSCORED);
        Reading.assertRejected(r.read("1\ta\tb\t3.0\tPARAPHRASE"), Reason.UNKNOWN_LABEL);
        Reading.assertRejected(r.read("1\ta\tb\t3.0"), Reason.WRONG_FIELD_COUNT);
        Reading.assertRejected(r.read("\r"), Reason.BLANK_LINE);
        assertEquals("entailment_judgment field (5) 'PARAPHRASE' is not entailment, neutral or contradiction",
                Reading.rejected(r.read("1\ta\tb\t3.0\tPARAPHRASE")).detail());
        assertEquals("expected 5 TAB-separated fields (as the header), found 4",
                Reading.rejected(r.read("1\ta\tb\t3.0")).detail());
    }
}
