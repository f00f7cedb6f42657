package io.anglespark.prep.issues;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * One issue (bug report) of a GitHub repository or an issue tracker, as read, before cleaning.
 *
 * @param project        {@code owner/repo} in lower case for GitHub; the configured project for a tracker export
 * @param id             the issue's number or key, as a string (e.g. {@code "71058"}, {@code "13404344"})
 * @param title          non-blank
 * @param body           the description; {@code ""} when there is none (null is taken as {@code ""})
 * @param url            the issue's web address, {@code ""} when unknown
 * @param pullRequest    true for a GitHub pull request (the job drops it as
 *                       {@link io.anglespark.prep.Reason#PULL_REQUEST})
 * @param duplicateFlags the target-less duplicate signals found, e.g. {@code label:duplicate},
 *                       {@code milestone:duplicate}, {@code event:marked_as_duplicate},
 *                       {@code state_reason:duplicate}, {@code resolution:Duplicate}; distinct, in the order found
 * @param links          the directed "this issue is a duplicate of X" links found in the title and body, each
 *                       {@code from} this issue; distinct, in the order found (may include a link to itself:
 *                       see {@link DuplicateLink#isSelf()})
 *
 * <p>Line breaks in title and body are normalised to LF (CRLF and lone CR become {@code \n}): tracker exports
 * write CRLF inside fields and the GitHub API returns bodies with CRLF, and the line-break style is no part of the
 * text. Lists are copied unmodifiable. Immutable and serializable.
 */
public record Issue(String project, String id, String title, String body, String url, boolean pullRequest,
                    List<String> duplicateFlags, List<DuplicateLink> links) implements Serializable {

    public Issue {
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
        if (project.isBlank() || id.isBlank()) {
            throw new IllegalArgumentException("project and id must be non-blank, got '" + project + "' and '" + id + "'");
        }
        if (title.isBlank()) {
            throw new IllegalArgumentException("the title of " + project + "#" + id + " is blank");
        }
        title = lf(title);
        body = body == null ? "" : lf(body);
        url = url == null ? "" : url;
        duplicateFlags = List.copyOf(duplicateFlags);
        links = List.copyOf(links);
    }

    /** The corpus-wide key, {@link DuplicateClusters#key(String, String)} of project and id. */
    public String key() {
        return DuplicateClusters.key(project, id);
    }

    /** True when any duplicate signal was found: a flag or a link to another issue. */
    public boolean markedDuplicate() {
        return !duplicateFlags.isEmpty() || links.stream().anyMatch(l -> !l.isSelf());
    }

    /** CRLF and lone CR become LF; a text without CR is returned as is. */
    static String lf(String s) {
        if (s.indexOf('\r') < 0) {
            return s;
        }
        return s.replace("\r\n", "\n").replace('\r', '\n');
    }
}
