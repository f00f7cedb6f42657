package io.anglespark.prep.issues;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * One comment on an issue.
 *
 * @param project   the issue's project ({@code owner/repo} in lower case for GitHub)
 * @param issueId   the issue's number, as a string
 * @param createdAt the comment's creation time as the source writes it (ISO 8601 for GitHub); orders comments
 * @param body      the text, {@code ""} when none; line breaks normalised to LF as in {@link Issue}
 * @param links     the "Duplicate of ..." links found in the body, {@code from} the issue, source
 *                  {@link DuplicateLink.LinkSource#COMMENT}
 */
public record IssueComment(String project, String issueId, String createdAt, String body, List<DuplicateLink> links)
        implements Serializable {

    public IssueComment {
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(issueId, "issueId");
        Objects.requireNonNull(createdAt, "createdAt");
        body = body == null ? "" : Issue.lf(body);
        links = List.copyOf(links);
    }

    /** The key of the issue this comment belongs to. */
    public String issueKey() {
        return DuplicateClusters.key(project, issueId);
    }
}
