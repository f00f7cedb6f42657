package io.anglespark.prep.read;

import io.anglespark.prep.Example;
import io.anglespark.prep.Outcome;
import io.anglespark.prep.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SemEvalStsFormatTest {
    private static final SemEvalStsFormat FORMAT = new SemEvalStsFormat();

    /* Row counts from SOURCES.md; grep -c '' gives 750 / 734 and awk -F'\t' finds 3 fields and a 0..5 score on each. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "semeval-sts-2012-train/MSRpar.train.tsv,      750",
            "semeval-sts-2012-train/SMTeuroparl.train.tsv, 734"})
    void everyLineOfTheRealFileIsAccepted(String file, int rows) {
        List<Outcome<Example>> outcomes = Reading.readShared(FORMAT, file);
        assertEquals(rows, outcomes.size());
        assertEquals(Map.of(), Reading.reasons(outcomes));
    }

    @Test
    void fixtureWithEmptyNaNNegativeAndTooHighScoresGetsOneReasonEach() {
        List<Outcome<Example>> o = Reading.readFixture(FORMAT, "semeval-quirks.tsv");
        assertEquals(6, o.size());
        assertEquals(Example.scored("The cat sat on the mat.", "A cat was sitting on the mat.", 4.0),
                Reading.accepted(o.get(0)));
        Reading.assertRejected(o.get(1), Reason.UNSCORED);
        assertEquals("score field (1) is empty", Reading.rejected(o.get(1)).detail());
        Reading.assertRejected(o.get(2), Reason.SCORE_NOT_FINITE);
        Reading.assertRejected(o.get(3), Reason.SCORE_OUT_OF_RANGE);
        assertEquals("score field (1) '-0.5' is outside [0, 5]", Reading.rejected(o.get(3)).detail());
        Reading.assertRejected(o.get(4), Reason.SCORE_OUT_OF_RANGE);
        Reading.assertRejected(o.get(5), Reason.WRONG_FIELD_COUNT);
        assertEquals("expected 3 TAB-separated fields, found 2", Reading.rejected(o.get(5)).detail());
    }
}
