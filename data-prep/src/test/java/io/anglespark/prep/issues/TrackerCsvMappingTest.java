package io.anglespark.prep.issues;

import io.anglespark.prep.JavaSerialization;
import io.anglespark.prep.Outcome;
import io.anglespark.prep.Reason;
import io.anglespark.prep.issues.Rfc4180.CsvRecord;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrackerCsvMappingTest {

    /*
     * python3 csv.reader: 2503 reports, 2503 distinct ids, none with a blank id or Summary; Resolution == 'Duplicate'
     * on 151 (no other casing occurs); 143 have an empty Description.
     */
    @Test
    void everyHadoopReportMapsAnd151AreResolvedAsDuplicate() {
        List<Issue> issues = IssueData.hadoopIssues();
        assertEquals(2503, issues.size());
        assertEquals(2503, issues.stream().map(Issue::id).distinct().count());
        assertEquals(151, issues.stream().filter(i -> i.duplicateFlags().equals(List.of("resolution:Duplicate"))).count());
        assertEquals(151, issues.stream().filter(i -> !i.duplicateFlags().isEmpty()).count());
        assertEquals(143, issues.stream().filter(i -> i.body().isEmpty()).count());
        assertTrue(issues.stream().allMatch(i -> i.project().equals("hadoop") && i.links().isEmpty() && !i.pullRequest()));

        Issue first = issues.get(0);
        assertEquals("13404344", first.id());
        assertEquals("JAR in conflict with timestamp check causes AM errors", first.title());
        assertTrue(first.body().contains("\n# at end of script.\ntouch -t \"${old_file_time}\" <any jar they changed>\n"),
                "the issue's body has the field's CRLF as LF: " + first.body());
        assertEquals(List.of("resolution:Duplicate"), first.duplicateFlags());
    }

    @Test
    void crlfFixtureMapsGoodRowsAndRejectsBlankTitlesAndShortRows() {
        List<CsvRecord> r = IssueData.csv(IssueData.fixture("tracker-crlf.csv"));
        TrackerCsvMapping.Bound b = TrackerCsvMapping.defaults("hadoop").bind("tracker-crlf.csv", r.get(0).fields());
        List<Outcome<Issue>> o = r.subList(1, r.size()).stream().map(x -> b.map(x.fields())).toList();
        Issue npe = IssueData.accepted(o.get(0));
        assertEquals("101", npe.id());
        assertEquals("Stack trace:\n  at org.apache.hadoop.hdfs.Foo(Foo.java:42)\nthe \"quoted\" word", npe.body());
        assertEquals(List.of("resolution:Duplicate"), npe.duplicateFlags());
        Issue empty = IssueData.accepted(o.get(1));
        assertEquals("", empty.body());
        assertEquals(List.of(), empty.duplicateFlags());
        assertEquals(Reason.MISSING_FIELD, IssueData.rejected(o.get(2)).reason());
        assertEquals("Summary field (1) is blank", IssueData.rejected(o.get(2)).detail());
        assertEquals(Reason.WRONG_FIELD_COUNT, IssueData.rejected(o.get(3)).reason());
        assertEquals(List.of("resolution:duplicate"), IssueData.accepted(o.get(4)).duplicateFlags(), "compared case-insensitively");
    }

    @Test
    void bindNamesTheFileAndTheMissingColumn() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrackerCsvMapping.defaults("hadoop").bind("bugs.csv", List.of("Summary", "Issue id", "Resolution")));
        assertTrue(e.getMessage().contains("bugs.csv") && e.getMessage().contains("'Description'"), e.getMessage());
        TrackerCsvMapping noResolution = new TrackerCsvMapping("p", "key", "title", "text", null, List.of(), null);
        TrackerCsvMapping.Bound b = noResolution.bind("f.csv", List.of("\uFEFFkey", "title", "text"));
        assertEquals(new Issue("p", "7", "t", "", "", false, List.of(), List.of()), IssueData.accepted(b.map(List.of(" 7 ", "t", ""))));
        assertEquals(Reason.MISSING_FIELD, IssueData.rejected(b.map(List.of(" ", "t", "x"))).reason());
    }

    @Test
    void signalsWhenGivenFindLinksInTrackerTexts() {
        TrackerCsvMapping m = TrackerCsvMapping.defaults("proj").withSignals(DuplicateSignals.defaults());
        TrackerCsvMapping.Bound b = m.bind("f.csv", List.of("Issue id", "Summary", "Description", "Resolution"));
        Issue i = IssueData.accepted(b.map(List.of("9", "Crash", "Duplicate of #4", "Fixed")));
        assertEquals(List.of(new DuplicateLink("proj", "9", "proj", "4", DuplicateLink.LinkSource.BODY)), i.links());
        TrackerCsvMapping.Bound shipped = JavaSerialization.roundTrip(b);
        assertEquals(b.map(List.of("9", "Crash", "Duplicate of #4", "Fixed")), shipped.map(List.of("9", "Crash", "Duplicate of #4", "Fixed")));
    }
}
