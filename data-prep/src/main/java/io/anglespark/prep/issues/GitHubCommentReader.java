package io.anglespark.prep.issues;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anglespark.prep.Outcome;
import io.anglespark.prep.Reason;
import io.anglespark.prep.issues.DuplicateLink.LinkSource;

import java.io.Serializable;
import java.util.Objects;

/**
 * Reads one GitHub REST API issue-comment object (as {@code GET /repos/{owner}/{repo}/issues/comments} returns it)
 * into an {@link IssueComment}. Checks, in order:
 * <ol>
 *   <li>a blank record: {@link Reason#BLANK_LINE}; not a JSON object: {@link Reason#INVALID_JSON};</li>
 *   <li>the issue: from {@code issue_url} ({@code https://api.github.com/repos/OWNER/REPO/issues/N}), else from
 *       {@code html_url} ({@code https://github.com/OWNER/REPO/issues/N#issuecomment-M}); neither:
 *       {@link Reason#MISSING_FIELD} naming {@code issue_url};</li>
 *   <li>{@code body} absent: {@link Reason#MISSING_FIELD}; null is the empty body;</li>
 *   <li>{@code created_at} absent, null, not a string or blank: {@link Reason#MISSING_FIELD}.</li>
 * </ol>
 * Links: {@link DuplicateSignals#linksInText} on the body, source {@link LinkSource#COMMENT}, from the comment's
 * issue. This is where GitHub's own duplicate marking shows: a maintainer's comment "Duplicate of #N" is what
 * makes GitHub record the {@code marked_as_duplicate} event. Whether the issue exists in the corpus is the job's
 * question ({@link Reason#COMMENT_ORPHAN}). Immutable, thread-safe and serializable.
 */
public record GitHubCommentReader(DuplicateSignals signals) implements Serializable {

    public GitHubCommentReader {
        Objects.requireNonNull(signals, "signals");
    }

    /** A reader with {@link DuplicateSignals#defaults()}. */
    public static GitHubCommentReader withDefaults() {
        return new GitHubCommentReader(DuplicateSignals.defaults());
    }

    public Outcome<IssueComment> read(String jsonObject) {
        return GitHub.object(jsonObject).then(this::comment);
    }

    private Outcome<IssueComment> comment(ObjectNode o) {
        String[] issue = GitHub.issueFromApiUrl(GitHub.optionalText(o, "issue_url"));
        if (issue == null) {
            issue = GitHub.issueFromHtmlUrl(GitHub.optionalText(o, "html_url"));
        }
        if (issue == null) {
            return Outcome.reject(Reason.MISSING_FIELD, "field 'issue_url' is absent or not an issue address"
                    + " (https://api.github.com/repos/OWNER/REPO/issues/N), and 'html_url' names no issue either");
        }
        String project = issue[0];
        String issueId = issue[1];
        return GitHub.presentText(o, "body").then(body ->
                GitHub.nonBlankText(o, "created_at").then(createdAt -> Outcome.accept(new IssueComment(
                        project, issueId, createdAt, body,
                        signals.linksInText(project, issueId, body, LinkSource.COMMENT)))));
    }
}
