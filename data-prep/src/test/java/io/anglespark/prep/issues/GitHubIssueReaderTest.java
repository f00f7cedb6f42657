package io.anglespark.prep.issues;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anglespark.prep.JavaSerialization;
import io.anglespark.prep.Outcome;
import io.anglespark.prep.Reason;
import io.anglespark.prep.issues.DuplicateLink.LinkSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GitHubIssueReaderTest {
    private static final GitHubIssueReader READER = GitHubIssueReader.withDefaults();

    private static List<Outcome<Issue>> readAll(List<JsonRecords.RawRecord> records) {
        return records.stream().map(r -> r.ok() ? READER.read(r.text()) : Outcome.<Issue>reject(r.error())).toList();
    }

    private static DuplicateLink body(String from, String targetProject, String to) {
        return new DuplicateLink("acme/widgets", from, targetProject, to, LinkSource.BODY);
    }

    /*
     * Figures checked independently with python3 (json.loads per line):
     *   100 objects; 'pull_request' in 0; number and comments are ints in all 100 (the file uses the API's integers);
     *   milestone title 'duplicate' on 71034, 70986, 70973, 70969; an event 'marked_as_duplicate' on 71034, 70973,
     *   70969 (no 'unmarked_as_duplicate' events); no label name contains 'duplicate'; re.search('duplicate', title +
     *   body, re.I) matches no issue; repository_url is https://api.github.com/repos/webcompat/web-bugs in all 100.
     */
    @Test
    void realWebcompatDumpReadsAllHundredIssuesWithTheirDuplicateFlagsAndNoLinks() {
        List<JsonRecords.RawRecord> records = IssueData.json(IssueData.shared(IssueData.GITHUB));
        assertEquals(100, records.size());
        List<Issue> issues = readAll(records).stream().map(IssueData::accepted).toList();
        assertEquals(100, issues.size());
        assertEquals(0, issues.stream().filter(Issue::pullRequest).count());
        assertEquals(List.of("webcompat/web-bugs"), issues.stream().map(Issue::project).distinct().toList());
        assertEquals(100, issues.stream().map(Issue::id).distinct().count());
        assertEquals("71058", issues.get(0).id());
        assertEquals("https://github.com/webcompat/web-bugs/issues/71058", issues.get(0).url());
        assertEquals(List.of(), issues.stream().flatMap(i -> i.links().stream()).toList());

        Map<String, List<String>> flagged = new TreeMap<>(issues.stream().filter(i -> !i.duplicateFlags().isEmpty())
                .collect(Collectors.toMap(Issue::id, Issue::duplicateFlags)));
        assertEquals(Map.of(
                "71034", List.of("milestone:duplicate", "event:marked_as_duplicate"),
                "70986", List.of("milestone:duplicate"),
                "70973", List.of("milestone:duplicate", "event:marked_as_duplicate"),
                "70969", List.of("milestone:duplicate", "event:marked_as_duplicate")), flagged);
    }

    @Test
    void fixtureIssuesInTheApiSchemaGiveTheirLinksFlagsAndRejections() {
        List<Outcome<Issue>> o = readAll(IssueData.json(IssueData.fixture("github-issues.jsonl")));
        assertEquals(14, o.size());

        Issue i12 = IssueData.accepted(o.get(0));
        assertEquals("acme/widgets", i12.project());
        assertEquals("12", i12.id());
        assertEquals(List.of(), i12.links());
        assertEquals(List.of(), i12.duplicateFlags());
        assertTrue(i12.body().startsWith("### Steps to reproduce\n1. Open **Settings**\n"), "CRLF becomes LF: " + i12.body());
        assertFalse(i12.body().contains("\r"));

        Issue i15 = IssueData.accepted(o.get(1));
        assertEquals(List.of(body("15", "acme/widgets", "12")), i15.links());
        assertEquals(List.of("label:duplicate"), i15.duplicateFlags());

        Issue i16 = IssueData.accepted(o.get(2));
        assertEquals(List.of(body("16", "other/repo", "5")), i16.links(), "owner/repo#N, lower-cased");

        Issue i17 = IssueData.accepted(o.get(3));
        assertEquals(List.of(body("17", "acme/widgets", "12"), body("17", "acme/widgets", "14")), i17.links(),
                "a full issue URL, a pull URL, and a repeated #12 kept once");
        assertEquals(List.of("label:type: duplicate", "state_reason:duplicate"), i17.duplicateFlags());

        Issue i18 = IssueData.accepted(o.get(4));
        assertEquals(List.of(), i18.links(), "fenced code, inline code and a negation are no links");

        Issue pr = IssueData.accepted(o.get(5));
        assertTrue(pr.pullRequest());
        assertEquals("19", pr.id());

        Issue nullBody = IssueData.accepted(o.get(6));
        assertEquals("", nullBody.body());
        assertEquals("20", nullBody.id());

        assertEquals(Reason.MISSING_FIELD, IssueData.rejected(o.get(7)).reason());
        assertEquals("field 'title' is absent", IssueData.rejected(o.get(7)).detail());
        assertEquals(Reason.INVALID_JSON, IssueData.rejected(o.get(8)).reason());
        assertEquals(Reason.BLANK_LINE, IssueData.rejected(o.get(9)).reason());

        Issue i23 = IssueData.accepted(o.get(10));
        assertEquals(List.of("milestone:Duplicate"), i23.duplicateFlags(), "marked then unmarked: no event flag");
        Issue i24 = IssueData.accepted(o.get(11));
        assertEquals(List.of("event:marked_as_duplicate"), i24.duplicateFlags());
        assertEquals("", i24.body());

        assertEquals("25", IssueData.accepted(o.get(12)).id(), "a number written as a string");
        assertEquals(Reason.MISSING_FIELD, IssueData.rejected(o.get(13)).reason());
        assertTrue(IssueData.rejected(o.get(13)).detail().contains("'body' is absent"), IssueData.rejected(o.get(13)).detail());
    }

    @Test
    void theJsonArrayFixtureReadsTheSameIssuesAsTheJsonLinesOne() {
        List<Outcome<Issue>> lines = readAll(IssueData.json(IssueData.fixture("github-issues.jsonl")));
        List<Outcome<Issue>> array = readAll(IssueData.json(IssueData.fixture("github-issues-array.json")));
        // the array holds every object of the lines file but the malformed and the blank line (indices 8 and 9)
        List<Outcome<Issue>> expected = new java.util.ArrayList<>(lines);
        expected.remove(9);
        expected.remove(8);
        assertEquals(12, array.size());
        assertEquals(expected, array);
    }

    @Test
    void aOneMegabyteBodyIsReadWhole() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode o = (ObjectNode) mapper.readTree(IssueData.fixtureText("github-issues.jsonl").lines().findFirst().orElseThrow());
        String paragraph = "Steps: open settings, click save, see the crash. ";
        String big = paragraph.repeat(1_000_000 / paragraph.length() + 1) + "\nDuplicate of #7";
        o.put("body", big);
        String json = mapper.writeValueAsString(o);
        assertTrue(json.length() > 1_000_000);
        Issue issue = IssueData.accepted(READER.read(json));
        assertEquals(big, issue.body());
        assertEquals(List.of(body("12", "acme/widgets", "7")), issue.links());
    }

    @Test
    void rejectionsNameTheFieldAndTheRule() {
        String base = "\"repository_url\":\"https://api.github.com/repos/a/b\",\"number\":3";
        assertEquals(Reason.INVALID_JSON, IssueData.rejected(READER.read("[1,2]")).reason());
        assertEquals("field 'title' is blank", IssueData.rejected(READER.read("{" + base + ",\"title\":\"  \",\"body\":\"x\"}")).detail());
        assertEquals("field 'title' is null", IssueData.rejected(READER.read("{" + base + ",\"title\":null,\"body\":\"x\"}")).detail());
        assertEquals(Reason.MISSING_FIELD, IssueData.rejected(READER.read("{" + base + ",\"title\":\"t\",\"body\":7}")).reason());
        Outcome<Issue> noNumber = READER.read("{\"repository_url\":\"https://api.github.com/repos/a/b\",\"title\":\"t\",\"body\":\"\"}");
        assertEquals("field 'number' is absent", IssueData.rejected(noNumber).detail());
        Outcome<Issue> badNumber = READER.read("{\"repository_url\":\"https://api.github.com/repos/a/b\",\"number\":\"12a\",\"title\":\"t\",\"body\":\"\"}");
        assertEquals(Reason.MISSING_FIELD, IssueData.rejected(badNumber).reason());
        Outcome<Issue> noRepo = READER.read("{\"number\":3,\"title\":\"t\",\"body\":\"\"}");
        assertEquals(Reason.MISSING_FIELD, IssueData.rejected(noRepo).reason());
        assertTrue(IssueData.rejected(noRepo).detail().contains("'repository_url' and 'html_url'"));
    }

    @Test
    void theProjectFallsBackToHtmlUrlAndLabelsMayBePlainStrings() {
        Issue i = IssueData.accepted(READER.read("{\"html_url\":\"https://github.com/Mozilla/Gecko-Dev/issues/9\",\"number\":9,"
                + "\"title\":\"t\",\"body\":null,\"labels\":[\"status/duplicate\",\"bug\"],\"milestone\":null}"));
        assertEquals("mozilla/gecko-dev", i.project());
        assertEquals(List.of("label:status/duplicate"), i.duplicateFlags());
        assertEquals("https://github.com/Mozilla/Gecko-Dev/issues/9", i.url());
    }

    @Test
    void theReaderSurvivesJavaSerialization() {
        String line = IssueData.fixtureText("github-issues.jsonl").lines().skip(1).findFirst().orElseThrow();
        GitHubIssueReader shipped = JavaSerialization.roundTrip(READER);
        assertEquals(READER.read(line), shipped.read(line));
        Issue issue = IssueData.accepted(READER.read(line));
        assertEquals(issue, JavaSerialization.roundTrip(issue));
    }
}
