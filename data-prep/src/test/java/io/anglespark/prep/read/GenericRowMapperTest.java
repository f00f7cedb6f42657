package io.anglespark.prep.read;

import io.anglespark.prep.Example;
import io.anglespark.prep.Reason;
import io.anglespark.prep.ScoreRange;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GenericRowMapperTest {
    private static final GenericRowMapper A = new GenericRowMapper(ColumnMapping.a("s1", "s2", "score", ScoreRange.STS));
    private static final GenericRowMapper B = new GenericRowMapper(ColumnMapping.b("q", "doc"));
    private static final GenericRowMapper C = new GenericRowMapper(ColumnMapping.c("q", "pos", "neg"));

    private static Map<String, Object> row(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void eachTargetFormatYieldsItsExampleKind() {
        assertEquals(Example.scored("a", "b", 3.5), Reading.accepted(A.map(row("s1", "a", "s2", "b", "score", "3.5")::get)));
        assertEquals(Example.positive("what", "that"), Reading.accepted(B.map(row("q", "what", "doc", "that", "other", 1)::get)));
        assertEquals(Example.triplet("q1", "p1", "n1"),
                Reading.accepted(C.map(row("q", "q1", "pos", "p1", "neg", "n1")::get)));
    }

    @Test
    void labelMayBeAnyNumberTypeOrNumericText() {
        for (Object label : List.of(2, 2L, 2.0f, 2.0, new BigDecimal("2.000"), "2", " 2.0 ")) {
            assertEquals(Example.scored("a", "b", 2.0), Reading.accepted(A.map(row("s1", "a", "s2", "b", "score", label)::get)),
                    "label " + label + " (" + label.getClass().getSimpleName() + ")");
        }
    }

    @Test
    void badLabelsGetTheScoreReasons() {
        Reading.assertRejected(A.map(row("s1", "a", "s2", "b", "score", "")::get), Reason.UNSCORED);
        Reading.assertRejected(A.map(row("s1", "a", "s2", "b", "score", "high")::get), Reason.SCORE_UNPARSABLE);
        Reading.assertRejected(A.map(row("s1", "a", "s2", "b", "score", true)::get), Reason.SCORE_UNPARSABLE);
        Reading.assertRejected(A.map(row("s1", "a", "s2", "b", "score", Double.NaN)::get), Reason.SCORE_NOT_FINITE);
        Reading.assertRejected(A.map(row("s1", "a", "s2", "b", "score", 9)::get), Reason.SCORE_OUT_OF_RANGE);
        Reading.assertRejected(A.map(row("s1", "a", "s2", "b")::get), Reason.MISSING_FIELD);
        assertEquals("column 'score' (label) 'high' is not a number",
                Reading.rejected(A.map(row("s1", "a", "s2", "b", "score", "high")::get)).detail());
    }

    @Test
    void withoutARangeAnyFiniteLabelIsAccepted() {
        GenericRowMapper any = new GenericRowMapper(ColumnMapping.a("s1", "s2", "score", null));
        assertEquals(Example.scored("a", "b", -40.0), Reading.accepted(any.map(row("s1", "a", "s2", "b", "score", -40)::get)));
    }

    @Test
    void missingNullOrNonTextFieldsAreMissingFieldNamingTheColumn() {
        assertEquals("column 'neg' (negative) is absent or null",
                Reading.rejected(C.map(row("q", "q1", "pos", "p1")::get)).detail());
        assertEquals("column 'doc' (positive) is a number, not text",
                Reading.rejected(B.map(row("q", "what", "doc", 7)::get)).detail());
        Reading.assertRejected(B.map(row("q", null, "doc", "d")::get), Reason.MISSING_FIELD);
    }

    @Test
    void emptyTextIsPassedOnForTheCleaningStage() {
        assertEquals(Example.positive("", "d"), Reading.accepted(B.map(row("q", "", "doc", "d")::get)));
    }
}
