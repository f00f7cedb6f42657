package io.anglespark.prep.read;

import io.anglespark.prep.Example;
import io.anglespark.prep.Outcome;
import io.anglespark.prep.Reason;
import io.anglespark.prep.ScoreRange;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JsonLinesFormatTest {

    @Test
    void numericAndStringLabelsAreBothAcceptedAndBadRowsGetTheirReason() {
        List<Outcome<Example>> o = Reading.readFixture(
                new JsonLinesFormat(ColumnMapping.a("q", "doc", "sim", ScoreRange.STS)), "users.jsonl");
        assertEquals(8, o.size());
        assertEquals(Example.scored("What is AnglE?", "An angle-optimised text embedding.", 4.5), Reading.accepted(o.get(0)));
        assertEquals(Example.scored("What is Spark?", "A cluster computing engine.", 3.25), Reading.accepted(o.get(1)));
        Reading.assertRejected(o.get(2), Reason.SCORE_OUT_OF_RANGE);   // 7
        Reading.assertRejected(o.get(3), Reason.SCORE_UNPARSABLE);     // "high"
        Reading.assertRejected(o.get(4), Reason.SCORE_UNPARSABLE);     // true
        Reading.assertRejected(o.get(5), Reason.MISSING_FIELD);
        assertEquals("column 'doc' (text2) is an array, not text", Reading.rejected(o.get(5)).detail());
        Reading.assertRejected(o.get(6), Reason.MISSING_FIELD);        // doc absent
        Reading.assertRejected(o.get(7), Reason.MISSING_FIELD);        // sim null
        assertEquals("column 'sim' (label) is absent or null", Reading.rejected(o.get(7)).detail());
    }

    @Test
    void formatsBAndCReadTheirMappedMembers() {
        RecordReader b = new JsonLinesFormat(ColumnMapping.b("q", "doc")).bind("b.jsonl", null);
        assertEquals(Example.positive("q1", "d1"), Reading.accepted(b.read("{\"q\": \"q1\", \"doc\": \"d1\", \"x\": [1]}")));
        RecordReader c = new JsonLinesFormat(ColumnMapping.c("q", "pos", "neg")).bind("c.jsonl", null);
        assertEquals(Example.triplet("q1", "p1", "n1"), Reading.accepted(c.read("{\"q\":\"q1\",\"pos\":\"p1\",\"neg\":\"n1\"}\r")));
        Reading.assertRejected(c.read("{\"q\":\"q1\",\"pos\":\"p1\",\"neg\":"), Reason.INVALID_JSON);
        Reading.assertRejected(c.read("\"just a string\""), Reason.INVALID_JSON);
        Reading.assertRejected(c.read(""), Reason.BLANK_LINE);
    }
}
