package io.anglespark.prep.read;

import io.anglespark.prep.Example;
import io.anglespark.prep.Outcome;
import io.anglespark.prep.Reason;
import io.anglespark.prep.ScoreRange;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DelimitedFormatTest {
    private static final ColumnMapping QA = ColumnMapping.a("question", "answer", "score", ScoreRange.STS);

    @Test
    void csvQuotedFieldsKeepCommasAndUndoubleQuotes() {
        List<Outcome<Example>> o = Reading.readFixture(DelimitedFormat.csv(QA), "users.csv");
        assertEquals(6, o.size());
        assertEquals(Example.scored("Is it red, green or blue?", "It is \"teal\", a blue-green.", 4.5), Reading.accepted(o.get(0)));
        assertEquals(Example.scored("plain question", "plain answer", 0.0), Reading.accepted(o.get(1)));
        assertEquals(Example.scored("", "empty first text is passed on", 1.0), Reading.accepted(o.get(2)));
        assertEquals(Example.scored("a 5\" screen", "unquoted \"quote\" is text", 2.0), Reading.accepted(o.get(3)),
                "a quote inside an unquoted field is text");
        Reading.assertRejected(o.get(4), Reason.WRONG_FIELD_COUNT);
        assertEquals("expected 4 comma-separated fields (as the header), found 5", Reading.rejected(o.get(4)).detail());
        assertEquals(Example.scored("ends with an empty field", "", 3.0), Reading.accepted(o.get(5)));
    }

    @Test
    void csvUnbalancedQuoteIsAMalformedRecord() {
        List<Outcome<Example>> o = Reading.readFixture(DelimitedFormat.csv(QA), "users-unbalanced.csv");
        assertEquals(2, o.size());
        Reading.assertRejected(o.get(0), Reason.MALFORMED_RECORD);
        assertTrue(Reading.rejected(o.get(0)).detail().startsWith("unbalanced quote"), Reading.rejected(o.get(0)).detail());
        Reading.assertRejected(o.get(1), Reason.MALFORMED_RECORD); // text after a closing quote
        assertEquals(Reason.Bucket.QUARANTINED, Reason.MALFORMED_RECORD.bucket());
    }

    @Test
    void csvHeaderMayBeQuotedAndCrlfIsStripped() {
        RecordReader r = DelimitedFormat.csv(ColumnMapping.b("the query", "doc")).bind("f.csv", "\"the query\",doc\r");
        assertEquals(Example.positive("q, with comma", "d"), Reading.accepted(r.read("\"q, with comma\",d\r")));
        Reading.assertRejected(r.read("\r"), Reason.BLANK_LINE);
    }

    @Test
    void tsvMissingAMappedColumnFailsBindNamingTheFileAndColumn() {
        List<String> lines = Reading.fixtureLines("users-missing-column.tsv");
        DelimitedFormat triplets = DelimitedFormat.tsv(ColumnMapping.c("query", "positive", "negative"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> triplets.bind("users-missing-column.tsv", lines.get(0)));
        assertTrue(e.getMessage().contains("users-missing-column.tsv"), e.getMessage());
        assertTrue(e.getMessage().contains("'negative'"), e.getMessage());
    }

    @Test
    void tsvSplitsOnTabOnlyAndKeepsQuotesAsText() {
        List<Outcome<Example>> o = Reading.readFixture(DelimitedFormat.tsv(ColumnMapping.b("query", "positive")),
                "users-missing-column.tsv");
        assertEquals(List.of(Outcome.accept(Example.positive("\"where\" is it", "it is here"))), o);
    }

    @Test
    void aHeaderThatCannotBeSplitFailsBind() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DelimitedFormat.csv(QA).bind("bad.csv", "\"question,answer,score"));
        assertTrue(e.getMessage().contains("bad.csv"), e.getMessage());
    }

    @Test
    void csvSplitterCases() {
        assertEquals(Outcome.accept(List.of("a", "", "")), CsvSyntax.splitLine("a,,"));
        assertEquals(Outcome.accept(List.of("", "x")), CsvSyntax.splitLine("\"\",x"));
        assertEquals(Outcome.accept(List.of("\"")), CsvSyntax.splitLine("\"\"\"\""));
        assertEquals(Outcome.accept(List.of(" \"a\" ")), CsvSyntax.splitLine(" \"a\" "), "a field is quoted only when it starts with a quote");
        Reading.assertRejected(CsvSyntax.splitLine("\"a\"\""), Reason.MALFORMED_RECORD);
    }
}
