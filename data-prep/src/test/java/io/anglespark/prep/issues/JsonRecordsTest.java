package io.anglespark.prep.issues;

import io.anglespark.prep.Reason;
import org.junit.jupiter.api.Test;

import java.io.Reader;
import java.io.StringReader;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonRecordsTest {

    private static List<JsonRecords.RawRecord> split(String text) {
        return IssueData.json(new StringReader(text));
    }

    @Test
    void jsonLinesGiveOneRecordPerLineWithBlankLinesRejectedHere() {
        List<JsonRecords.RawRecord> r = split("{\"a\":1}\r\n\n  \r\n{\"b\":2}\r{\"c\":3}\n{\"d\":4}\r");
        assertEquals(5, r.size());
        assertEquals(new JsonRecords.RawRecord(1, "{\"a\":1}", null), r.get(0));
        assertEquals(Reason.BLANK_LINE, r.get(1).error().reason());
        assertEquals(2, r.get(1).line());
        assertEquals(Reason.BLANK_LINE, r.get(2).error().reason());
        assertEquals(new JsonRecords.RawRecord(4, "{\"b\":2}\r{\"c\":3}", null), r.get(3),
                "a lone CR is text: it ends no line (the reader then finds the line invalid), and the next line is 5");
        assertEquals(new JsonRecords.RawRecord(5, "{\"d\":4}", null), r.get(4), "a CR before the end of the input is dropped");
    }

    @Test
    void jsonLinesKeepLeadingBlankLinesAndAMalformedLineForTheReader() {
        List<JsonRecords.RawRecord> r = split("\n\n{\"a\":1\n");
        assertEquals(3, r.size());
        assertEquals(Reason.BLANK_LINE, r.get(0).error().reason());
        assertEquals(new JsonRecords.RawRecord(3, "{\"a\":1", null), r.get(2), "syntax is the reader's business in JSON lines");
    }

    @Test
    void theFixtureLinesFileHasFourteenRecordsOneBlank() {
        List<JsonRecords.RawRecord> r = IssueData.json(IssueData.fixture("github-issues.jsonl"));
        assertEquals(14, r.size());
        assertEquals(1, r.stream().filter(x -> !x.ok()).count());
        assertEquals(10, r.stream().filter(x -> !x.ok()).findFirst().orElseThrow().line());
    }

    /* Element start lines: grep -n '^  {' github-issues-array.json (json.dumps indent=2 puts each element's '{' there). */
    @Test
    void anArrayGivesEachElementsExactTextAndStartingLine() {
        String text = IssueData.fixtureText("github-issues-array.json");
        List<JsonRecords.RawRecord> r = IssueData.json(IssueData.fixture("github-issues-array.json"));
        assertEquals(List.of(2L, 51L, 100L, 139L, 188L, 237L, 284L, 323L, 361L, 492L, 575L, 614L),
                r.stream().map(JsonRecords.RawRecord::line).toList());
        for (JsonRecords.RawRecord x : r) {
            assertTrue(x.ok());
            assertTrue(x.text().startsWith("{") && x.text().endsWith("}"), x.text());
            assertTrue(text.contains(x.text()), "the element's text is a verbatim slice of the file");
        }
        assertTrue(r.get(0).text().contains("\n    \"number\": 12,\n"), "pretty-printing is kept as written");
    }

    @Test
    void anArrayAfterLeadingBlankLinesAndAByteOrderMarkCountsLinesFromTheFilesStart() {
        List<JsonRecords.RawRecord> r = split("\uFEFF\n\n  [ {\"a\" : 1},\n\"s\\\"x\" , 7, [1,\n2], {}\n]\n");
        assertEquals(List.of("{\"a\" : 1}", "\"s\\\"x\"", "7", "[1,\n2]", "{}"), r.stream().map(JsonRecords.RawRecord::text).toList());
        assertEquals(List.of(3L, 4L, 4L, 4L, 5L), r.stream().map(JsonRecords.RawRecord::line).toList());
        assertTrue(r.stream().allMatch(JsonRecords.RawRecord::ok), "non-object elements are passed on for the reader to reject");
        assertEquals(List.of(), split("  [ ]  "));
        assertEquals(List.of(), split(""));
    }

    @Test
    void aSyntaxErrorInsideAnArrayEndsTheSplitWithOneInvalidJsonRecord() {
        List<JsonRecords.RawRecord> r = IssueData.json(IssueData.fixture("github-issues-broken-array.json"));
        assertEquals(3, r.size());
        assertTrue(r.get(0).ok() && r.get(1).ok());
        JsonRecords.RawRecord broken = r.get(2);
        assertEquals(Reason.INVALID_JSON, broken.error().reason());
        // the file's last line (110) holds the unterminated title string; its line break is a raw control character
        // inside a string, where the parser stops (line 110, column 30: after '"title": "Widget renders')
        assertEquals(110, broken.line());
        assertTrue(broken.error().detail().startsWith("JSON array broken at line 110, column 30: "), broken.error().detail());
        assertTrue(broken.error().detail().contains("the rest of the file is unreadable"), broken.error().detail());
        assertTrue(broken.text().startsWith("{\n    \"url\": \"https://api.github.com/repos/acme/widgets/issues/16\""), broken.text());
        assertTrue(broken.text().endsWith("\"title\": \"Widget renders\n"), "from the element's start to where reading stopped");
        assertTrue(broken.text().length() <= JsonRecords.RAW_LIMIT);
    }

    @Test
    void garbageAfterTheClosingBracketOrAMissingCommaIsInvalidJson() {
        List<JsonRecords.RawRecord> r = split("[{}]\n[{}]");
        assertEquals(2, r.size());
        assertTrue(r.get(0).ok());
        assertEquals(Reason.INVALID_JSON, r.get(1).error().reason());
        assertEquals(2, r.get(1).line());

        List<JsonRecords.RawRecord> missingComma = split("[\n{\"a\":1}\n{\"b\":2}]");
        assertEquals(2, missingComma.size());
        assertEquals(Reason.INVALID_JSON, missingComma.get(1).error().reason());
        assertEquals(3, missingComma.get(1).line());
    }

    /** A reader that writes a huge array on demand, so the test holds no copy of it. */
    private static final class GeneratedArray extends Reader {
        private final int elements;
        private int next;
        private String pending = "[";
        private int pos;

        GeneratedArray(int elements) {
            this.elements = elements;
        }

        @Override
        public int read(char[] cbuf, int off, int len) {
            if (pos == pending.length()) {
                if (next > elements) {
                    return -1;
                }
                pending = next == elements ? "\n]" : (next == 0 ? "\n" : ",\n") + "{\"number\":" + next + ",\"body\":\"" + "x".repeat(200) + "\"}";
                next++;
                pos = 0;
            }
            int n = Math.min(len, pending.length() - pos);
            pending.getChars(pos, pos + n, cbuf, off);
            pos += n;
            return n;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aLargeArrayIsSplitLazilyElementByElement() {
        Iterator<JsonRecords.RawRecord> it = JsonRecords.split(new GeneratedArray(200_000));
        long count = 0;
        long lastLine = 0;
        while (it.hasNext()) {
            JsonRecords.RawRecord x = it.next();
            assertNull(x.error());
            assertEquals(count + 2, x.line());
            lastLine = x.line();
            count++;
        }
        assertEquals(200_000, count);
        assertEquals(200_001, lastLine);
        assertFalse(it.hasNext());
    }
}
