package io.anglespark.prep.issues;

import io.anglespark.prep.JavaSerialization;
import io.anglespark.prep.Outcome;
import io.anglespark.prep.Reason;
import io.anglespark.prep.issues.DuplicateLink.LinkSource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GitHubCommentReaderTest {
    private static final GitHubCommentReader READER = GitHubCommentReader.withDefaults();

    private static List<Outcome<IssueComment>> fixture() {
        return IssueData.json(IssueData.fixture("github-comments.jsonl")).stream().map(r -> READER.read(r.text())).toList();
    }

    @Test
    void aMaintainersDuplicateOfCommentIsALinkFromTheCommentedIssue() {
        IssueComment c = IssueData.accepted(fixture().get(0));
        assertEquals("acme/widgets", c.project());
        assertEquals("20", c.issueId());
        assertEquals("2024-03-02T10:00:00Z", c.createdAt());
        assertEquals(List.of(new DuplicateLink("acme/widgets", "20", "acme/widgets", "12", LinkSource.COMMENT)), c.links());
        assertEquals(DuplicateClusters.key("acme/widgets", "20"), c.issueKey());
    }

    @Test
    void commentFixtureCoversCodeOrphansMissingAddressesNullBodiesAndOtherRepositories() {
        List<Outcome<IssueComment>> o = fixture();
        assertEquals(6, o.size());
        IssueComment inCode = IssueData.accepted(o.get(1));
        assertEquals(List.of(), inCode.links(), "'Duplicate of #7' inside a fence is no link");
        assertEquals("Thanks, I can reproduce on 2.3.1.\n```\nDuplicate of #7\n```", inCode.body());

        IssueComment orphan = IssueData.accepted(o.get(2));
        assertEquals("99", orphan.issueId(), "the reader keeps it; the job drops it as comment_orphan when #99 is absent");

        assertEquals(Reason.MISSING_FIELD, IssueData.rejected(o.get(3)).reason());
        assertTrue(IssueData.rejected(o.get(3)).detail().contains("issue_url"));

        assertEquals("", IssueData.accepted(o.get(4)).body());

        IssueComment other = IssueData.accepted(o.get(5));
        assertEquals("other/repo", other.project());
        assertEquals(List.of(new DuplicateLink("other/repo", "5", "acme/widgets", "12", LinkSource.COMMENT)), other.links());
    }

    @Test
    void bodyAndCreatedAtAreRequiredAndHtmlUrlIsTheFallbackAddress() {
        String url = "\"issue_url\":\"https://api.github.com/repos/a/b/issues/4\"";
        assertEquals(Reason.MISSING_FIELD, IssueData.rejected(READER.read("{" + url + ",\"created_at\":\"2024-01-01T00:00:00Z\"}")).reason());
        assertEquals(Reason.MISSING_FIELD, IssueData.rejected(READER.read("{" + url + ",\"body\":\"x\"}")).reason());
        assertEquals(Reason.BLANK_LINE, IssueData.rejected(READER.read("  ")).reason());
        IssueComment c = IssueData.accepted(READER.read("{\"html_url\":\"https://github.com/a/b/issues/4#issuecomment-77\","
                + "\"body\":\"Duplicate of #3\",\"created_at\":\"2024-01-01T00:00:00Z\"}"));
        assertEquals(List.of(new DuplicateLink("a/b", "4", "a/b", "3", LinkSource.COMMENT)), c.links());
        assertEquals(READER.read("{" + url + ",\"body\":\"x\",\"created_at\":\"t\"}"),
                JavaSerialization.roundTrip(READER).read("{" + url + ",\"body\":\"x\",\"created_at\":\"t\"}"));
    }
}
