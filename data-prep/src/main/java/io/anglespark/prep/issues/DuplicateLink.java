package io.anglespark.prep.issues;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * A directed duplicate link: issue {@code from} of {@code project} is a duplicate of issue {@code to} of
 * {@code targetProject} (the same project unless the link names another repository).
 *
 * @param source where the link was found
 */
public record DuplicateLink(String project, String from, String targetProject, String to, LinkSource source)
        implements Serializable {

    /** Where a link was found. */
    public enum LinkSource {
        /** A row of a tracker's links file ({@link LinksFile}). */
        LINKS_FILE,
        /** An issue's title or body text. */
        BODY,
        /** An issue comment's text (GitHub's "Duplicate of #N" comment). */
        COMMENT,
        /** An issue event that names its target (none of GitHub's REST events do: see {@link GitHubIssueReader}). */
        EVENT
    }

    public DuplicateLink {
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(targetProject, "targetProject");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(source, "source");
        if (from.isBlank() || to.isBlank()) {
            throw new IllegalArgumentException("a link needs two non-blank ids, got '" + from + "' -> '" + to + "'");
        }
    }

    /** The key of the duplicate issue. */
    public String fromKey() {
        return DuplicateClusters.key(project, from);
    }

    /** The key of the issue it duplicates. */
    public String toKey() {
        return DuplicateClusters.key(targetProject, to);
    }

    /** True for a link from an issue to itself ({@link io.anglespark.prep.Reason#SELF_LINK}). */
    public boolean isSelf() {
        return fromKey().equals(toKey());
    }

    /** The undirected edge {@code [smaller key, larger key]}, as {@link DuplicateClusters} takes it. */
    public List<String> edge() {
        String a = fromKey();
        String b = toKey();
        return a.compareTo(b) <= 0 ? List.of(a, b) : List.of(b, a);
    }
}
