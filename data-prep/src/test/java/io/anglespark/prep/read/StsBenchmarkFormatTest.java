package io.anglespark.prep.read;

import io.anglespark.prep.Example;
import io.anglespark.prep.Outcome;
import io.anglespark.prep.Reason;
import io.anglespark.prep.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StsBenchmarkFormatTest {
    private static final StsBenchmarkFormat FORMAT = new StsBenchmarkFormat();

    private static long count(String s, char c) {
        return s.chars().filter(ch -> ch == c).count();
    }

    /*
     * Expected counts are from SOURCES.md and were re-checked on the files with
     *   grep -c '' sts-*.csv                                  (5749 / 1500 / 1379 lines)
     *   awk -F'\t' '{c[NF]++} END{for(k in c) print k, c[k]}' (9 fields: 197 / 22 / 284, the rest 7)
     *   grep -c '"' ; grep -o '"' | wc -l                     (252 / 110 / 50 lines, 743 / 305 / 150 quotes)
     *   awk -F'\t' '$8 ~ /"/ || $9 ~ /"/' | wc -l             (0: every quote is inside sentence1 or sentence2)
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "stsbenchmark/sts-train.csv, 5749, 197, 252, 743",
            "stsbenchmark/sts-dev.csv,   1500,  22, 110, 305",
            "stsbenchmark/sts-test.csv,  1379, 284,  50, 150"})
    void everyLineOfTheRealFileIsAcceptedAndQuotesStayInTheText(String file, int rows, int nineFieldLines,
                                                                 int linesWithQuote, int quoteChars) {
        List<String> lines = SharedData.lines(file);
        List<Outcome<Example>> outcomes = Reading.readAll(FORMAT, file, lines);

        assertEquals(rows, outcomes.size());
        assertEquals(Map.of(), Reading.reasons(outcomes), "no line of " + file + " may be rejected");

        int nine = 0;
        int quoted = 0;
        long quotesInText = 0;
        for (int i = 0; i < lines.size(); i++) {
            Example e = Reading.accepted(outcomes.get(i));
            if (lines.get(i).split("\t", -1).length == 9) {
                nine++;
            }
            if (lines.get(i).indexOf('"') >= 0) {
                quoted++;
                assertTrue((e.text1() + e.text2()).indexOf('"') >= 0, "line " + (i + 1) + " lost its quote");
            }
            quotesInText += count(e.text1(), '"') + count(e.text2(), '"');
        }
        assertEquals(nineFieldLines, nine);
        assertEquals(linesWithQuote, quoted);
        assertEquals(quoteChars, quotesInText, "every '\"' of the file is in a sentence, unchanged");
    }

    /*
     * Raw score spellings, counted with  grep -cP "^([^\t]*\t){4}5\.000\t"  (and 2\.20, 3):
     * train 77 / 45 / 147, dev 34 / 21 / 14, test 17 / 4 / 44.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "stsbenchmark/sts-train.csv, 77, 45, 147",
            "stsbenchmark/sts-dev.csv,   34, 21,  14",
            "stsbenchmark/sts-test.csv,  17,  4,  44"})
    void scoresWrittenAs5_000And2_20And3ParseToTheirValues(String file, int n5000, int n220, int n3) {
        List<String> lines = SharedData.lines(file);
        List<Outcome<Example>> outcomes = Reading.readAll(FORMAT, file, lines);
        Map<String, Double> expected = Map.of("5.000", 5.0, "2.20", 2.2, "3", 3.0);
        Map<String, int[]> seen = Map.of("5.000", new int[1], "2.20", new int[1], "3", new int[1]);
        for (int i = 0; i < lines.size(); i++) {
            String raw = lines.get(i).split("\t", -1)[4];
            if (expected.containsKey(raw)) {
                seen.get(raw)[0]++;
                assertEquals(expected.get(raw), Reading.accepted(outcomes.get(i)).score(), "line " + (i + 1));
            }
        }
        assertEquals(n5000, seen.get("5.000")[0]);
        assertEquals(n220, seen.get("2.20")[0]);
        assertEquals(n3, seen.get("3")[0]);
    }

    /* awk -F'\t' '$6 ~ /^[[:space:]]|[[:space:]]$/ || $7 ~ /^[[:space:]]|[[:space:]]$/' sts-train.csv | wc -l  -> 311 */
    @Test
    void readerKeepsLeadingAndTrailingSpacesForTheCleaningStage() {
        List<Example> train = Reading.acceptedOnly(Reading.readShared(FORMAT, "stsbenchmark/sts-train.csv"));
        long padded = train.stream()
                .filter(e -> !e.text1().equals(e.text1().strip()) || !e.text2().equals(e.text2().strip()))
                .count();
        assertEquals(311, padded);
    }

    @Test
    void fixtureWithTruncatedBlankAndTextScoreLinesGetsOneReasonEach() {
        List<Outcome<Example>> o = Reading.readFixture(FORMAT, "sts-truncated.csv");
        assertEquals(6, o.size());

        assertEquals(Example.scored("A plane is taking off.", "An air plane is taking off.", 5.0), Reading.accepted(o.get(0)));
        assertEquals(Example.scored("A \"quoted\" headline, with a comma", "Another headline", 2.2),
                Reading.accepted(o.get(1)), "9 fields, a quote and a comma are all plain TSV");

        assertEquals(Reason.WRONG_FIELD_COUNT, Reading.rejected(o.get(2)).reason());
        assertEquals("expected 7 or 9 TAB-separated fields, found 5", Reading.rejected(o.get(2)).detail());
        Reading.assertRejected(o.get(3), Reason.BLANK_LINE);
        Reading.assertRejected(o.get(4), Reason.BLANK_LINE); // " \t " is whitespace only
        assertEquals("score field (5) 'abc' is not a number", Reading.rejected(o.get(5)).detail());
        Reading.assertRejected(o.get(5), Reason.SCORE_UNPARSABLE);
    }

    @Test
    void eightFieldsAreRejectedAndOneTrailingCarriageReturnIsStripped() {
        RecordReader r = FORMAT.bind("x", null);
        String line = "g\tf\t2012\t0001\t4.0\tleft\tright";
        Reading.assertRejected(r.read(line + "\textra"), Reason.WRONG_FIELD_COUNT);
        assertEquals(Example.scored("left", "right", 4.0), Reading.accepted(r.read(line + "\r")));
        assertEquals(Example.scored("left", "right\r", 4.0), Reading.accepted(r.read(line + "\r\r")),
                "only one CR is a line terminator; the cleaning stage deals with the rest");
        assertFalse(FORMAT.hasHeader());
    }
}
