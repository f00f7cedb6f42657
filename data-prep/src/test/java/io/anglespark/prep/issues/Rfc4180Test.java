package io.anglespark.prep.issues;

import io.anglespark.prep.Reason;
import io.anglespark.prep.Rejection;
import io.anglespark.prep.issues.Rfc4180.CsvRecord;
import org.junit.jupiter.api.Test;

import java.io.Reader;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Rfc4180Test {

    /*
     * Checked with python3: csv.reader(open(path, newline='', encoding='utf-8')) gives 2504 rows (header + 2503), all
     * with 9 fields; record start lines (previous reader.line_num + 1) are 1, 2, 19, 62, 63 ... 33627 of 33628 lines;
     * the first report (13404344) has a Description with 16 CRLF line breaks.
     */
    @Test
    void realHadoopExportGives2503ReportsWithMultiLineFieldsIntact() {
        List<CsvRecord> r = IssueData.hadoopBugs();
        assertEquals(2504, r.size());
        assertTrue(r.stream().allMatch(CsvRecord::ok));
        assertTrue(r.stream().allMatch(x -> x.fields().size() == 9));
        assertEquals(List.of("Summary", "Issue id", "Status", "Priority", "Resolution", "Created", "Resolved",
                "Affects Version/s", "Description"), r.get(0).fields());
        assertEquals(List.of(1L, 2L, 19L, 62L, 63L), r.subList(0, 5).stream().map(CsvRecord::line).toList());
        assertEquals(33627, r.get(r.size() - 1).line());
        assertEquals("13528132", r.get(r.size() - 1).fields().get(1));

        CsvRecord first = r.get(1);
        assertEquals("13404344", first.fields().get(1));
        String description = first.fields().get(8);
        assertTrue(description.contains("\r\n# at end of script.\r\ntouch -t \"${old_file_time}\" <any jar they changed>\r\n"
                + "touch -h -t \"${old_file_time}\" <symlinks they changed>\r\n"), description);
        assertTrue(description.contains("gcs-connector.jar \"+%m%d%H%M.00\")"), "\"\" is one quote");
        assertEquals(16, description.split("\r\n", -1).length - 1, "its 16 CRLF line breaks are kept as written");
        assertTrue(description.endsWith("FSDownload.java#L255-L258"));
        assertTrue(first.raw().startsWith("JAR in conflict with timestamp check causes AM errors,13404344,"));
        // python3: the record's source text (from 'JAR in conflict' to the closing quote before line 19) is 939 chars
        assertEquals(939, first.raw().length(), "under the limit, raw is the whole record without its terminator");
        assertTrue(first.raw().endsWith("#L255-L258\""));
    }

    /* python3 csv.reader on the fixture: records start on lines 1, 2, 5, 6, 7, 8 (see the fixture's CRLF layout). */
    @Test
    void crlfFileWithAQuotedCrlfInsideAField() {
        List<CsvRecord> r = IssueData.csv(IssueData.fixture("tracker-crlf.csv"));
        assertEquals(List.of(1L, 2L, 5L, 6L, 7L, 8L), r.stream().map(CsvRecord::line).toList());
        assertTrue(r.stream().allMatch(CsvRecord::ok));
        assertEquals("NPE in NameNode, on restart", r.get(1).fields().get(0));
        assertEquals("Stack trace:\r\n  at org.apache.hadoop.hdfs.Foo(Foo.java:42)\r\nthe \"quoted\" word", r.get(1).fields().get(8));
        assertEquals("", r.get(2).fields().get(8), "an empty last field before CRLF");
        assertEquals(List.of("Short row", "104", "Open"), r.get(4).fields());
        assertEquals("Two lines:\r\nline two", r.get(5).fields().get(8));
        assertEquals("Balancer hangs,102,Open,Minor,,03/Jan/24 10:00,,3.4.0,", r.get(2).raw(), "raw has no terminator");
    }

    @Test
    void textAfterAClosingQuoteRejectsThatRecordAndParsingResumesOnTheNextLine() {
        List<CsvRecord> r = IssueData.csv(IssueData.fixture("tracker-bad-quotes.csv"));
        assertEquals(List.of(1L, 2L, 3L, 4L, 6L, 7L), r.stream().map(CsvRecord::line).toList());
        Rejection after = r.get(2).error();
        assertEquals(Reason.MALFORMED_RECORD, after.reason());
        assertEquals("field 1 has text after its closing quote, on line 3, column 15; the rest of that line is skipped", after.detail());
        assertEquals(List.of(), r.get(2).fields());
        assertEquals("\"Quoted title\"x,202,Open,Major,,,,,text after the closing quote", r.get(2).raw());
        assertEquals("first\nsecond", r.get(3).fields().get(8), "the next record is read normally");
        assertEquals(Reason.BLANK_LINE, r.get(4).error().reason());
    }

    @Test
    void anUnterminatedQuoteAtTheEndOfTheFileIsOneMalformedRecordWithItsRawText() {
        List<CsvRecord> r = IssueData.csv(IssueData.fixture("tracker-bad-quotes.csv"));
        CsvRecord last = r.get(r.size() - 1);
        assertEquals(7, last.line());
        assertEquals(Reason.MALFORMED_RECORD, last.error().reason());
        assertTrue(last.error().detail().startsWith("unbalanced quote: the quote that opens field 9 on line 7, column 27"),
                last.error().detail());
        assertEquals("Broken,204,Open,Major,,,,,\"starts here\nand never ends\n", last.raw());

        String longTail = "a,\"" + "x".repeat(5000);
        CsvRecord cut = IssueData.csv(longTail).get(0);
        assertEquals(Reason.MALFORMED_RECORD, cut.error().reason());
        assertEquals(longTail.substring(0, Rfc4180.RAW_LIMIT), cut.raw());
    }

    @Test
    void finalNewlineMakesNoEmptyRecordAndEmptyFieldsAreKept() {
        assertEquals(List.of(List.of("a", "b")), IssueData.csv("a,b\n").stream().map(CsvRecord::fields).toList());
        assertEquals(List.of(List.of("a", "b")), IssueData.csv("a,b\r\n").stream().map(CsvRecord::fields).toList());
        assertEquals(List.of(List.of("a", "b")), IssueData.csv("a,b").stream().map(CsvRecord::fields).toList());
        assertEquals(List.of(List.of("", "", "")), IssueData.csv(",,\n").stream().map(CsvRecord::fields).toList());
        assertEquals(List.of(List.of("x\"y", "", "z,\n")), IssueData.csv("\"x\"\"y\",\"\",\"z,\n\"").stream().map(CsvRecord::fields).toList());
        assertEquals(List.of(), IssueData.csv(""));
        assertEquals(List.of("h"), IssueData.csv("\uFEFFh\n").get(0).fields(), "a byte-order mark is dropped");
        assertEquals(List.of(List.of("a", "b")), IssueData.csv("a,b\r").stream().map(CsvRecord::fields).toList(), "a CR before the end ends the line");
        assertEquals(List.of("q\"uote"), IssueData.csv("q\"uote").get(0).fields(), "a quote inside an unquoted field is text");
    }

    @Test
    void aLoneCrIsTextSplittingNoRecordAndShiftingNoLineNumber() {
        List<CsvRecord> r = IssueData.csv("id,text\n1,a lone\rCR\r\n2,\"quoted\rCR\"\n3,\"after\"\rx\n4,last\n");
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), r.stream().map(CsvRecord::line).toList());
        assertEquals(List.of("1", "a lone\rCR"), r.get(1).fields(), "the CR of CRLF is dropped, a lone CR kept");
        assertEquals(List.of("2", "quoted\rCR"), r.get(2).fields());
        assertEquals(Reason.MALFORMED_RECORD, r.get(3).error().reason(), "a lone CR after a closing quote is text after it");
        assertEquals("3,\"after\"\rx", r.get(3).raw());
        assertEquals(List.of("4", "last"), r.get(4).fields());
        assertEquals(Reason.BLANK_LINE, IssueData.csv("a\n\r\nb\n").get(1).error().reason(), "CRLF alone is a blank line");
    }

    @Test
    void aCrLfSplitAcrossTheReadBufferIsStillOneLineBreak() {
        // 8191 characters before the CR: the CR is the buffer's last character, its LF the next read's first
        String first = "x".repeat(8190) + ",";
        Reader oneCharAtATheEnd = new java.io.StringReader(first + "\r\nnext,row\n");
        List<CsvRecord> r = IssueData.csv(oneCharAtATheEnd);
        assertEquals(2, r.size());
        assertEquals(List.of("x".repeat(8190), ""), r.get(0).fields());
        assertEquals(List.of("next", "row"), r.get(1).fields());
        assertEquals(2, r.get(1).line());
    }

    @Test
    void anotherDelimiterSplitsFieldsAndCommasAreThenText() {
        java.util.List<java.util.List<String>> rows = new java.util.ArrayList<>();
        io.anglespark.prep.read.CsvSyntax.Scanner s = new io.anglespark.prep.read.CsvSyntax.Scanner(
                new java.io.StringReader("a;b,c;\"d;e\"\n"), ';', 100, 100);
        while (s.advance()) {
            rows.add(s.fields());
        }
        assertEquals(List.of(List.of("a", "b,c", "d;e")), rows);
        assertThrows(IllegalArgumentException.class, () -> new io.anglespark.prep.read.CsvSyntax.Scanner(new java.io.StringReader(""), '"', 1, 0));
    }

    @Test
    void aRecordOverTheLimitIsTooLongAndTheNextRecordIsStillFound() {
        Iterator<CsvRecord> it = Rfc4180.records(new java.io.StringReader("\"" + "y".repeat(100) + "\n" + "z\",1\nok,2\n"), 50);
        CsvRecord big = it.next();
        assertEquals(Reason.TOO_LONG, big.error().reason());
        CsvRecord next = it.next();
        assertEquals(3, next.line());
        assertEquals(List.of("ok", "2"), next.fields());
        assertFalse(it.hasNext());
    }

    @Test
    void theIteratorIsLazy() {
        Reader endless = new Reader() {
            @Override
            public int read(char[] cbuf, int off, int len) {
                String row = "a,b\n";
                int n = Math.min(len, row.length());
                row.getChars(0, n, cbuf, off);
                return n;
            }

            @Override
            public void close() {
            }
        };
        Iterator<CsvRecord> it = Rfc4180.records(endless);
        for (int i = 1; i <= 1000; i++) {
            CsvRecord r = it.next();
            assertEquals(i, r.line());
            assertNull(r.error());
        }
    }
}
