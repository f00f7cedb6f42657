package io.anglespark.prep.issues;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anglespark.prep.Outcome;
import io.anglespark.prep.Reason;
import io.anglespark.prep.issues.DuplicateLink.LinkSource;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Reads one GitHub REST API issue object (as {@code GET /repos/{owner}/{repo}/issues} returns it, optionally with an
 * {@code events} list as some dumps add) into an {@link Issue}. Checks, in order:
 * <ol>
 *   <li>a blank record: {@link Reason#BLANK_LINE}; not JSON, or JSON but not an object: {@link Reason#INVALID_JSON};</li>
 *   <li>{@code title} absent, null, not a string or blank: {@link Reason#MISSING_FIELD} naming {@code title};</li>
 *   <li>{@code body} absent: {@link Reason#MISSING_FIELD} naming {@code body}; {@code "body": null} (GitHub's empty
 *       description) is the empty body; a non-string is {@link Reason#MISSING_FIELD};</li>
 *   <li>{@code number} absent, null or not a positive integer: {@link Reason#MISSING_FIELD}; a JSON integer (the
 *       API) and a string of digits (some dumps) are both accepted;</li>
 *   <li>the project: {@code owner/repo} from {@code repository_url} ({@code https://api.github.com/repos/OWNER/REPO}),
 *       else from {@code html_url} ({@code https://github.com/OWNER/REPO/issues/N}), lower-cased; when neither
 *       gives one: {@link Reason#MISSING_FIELD} naming both.</li>
 * </ol>
 * Then, never rejecting (these are optional signals; malformed ones are ignored):
 * <ul>
 *   <li>{@code pull_request} present and not null: {@link Issue#pullRequest()} (the job drops it as
 *       {@link Reason#PULL_REQUEST});</li>
 *   <li>{@code labels}: objects with a {@code name} or plain strings; each duplicate label (per
 *       {@link DuplicateSignals#isDuplicateLabel}) adds flag {@code label:<name as written>};</li>
 *   <li>{@code milestone}: null or an object with a {@code title}; a duplicate one adds {@code milestone:<title>};</li>
 *   <li>{@code state_reason} {@code "duplicate"} (GitHub's "closed as duplicate") adds {@code state_reason:duplicate};</li>
 *   <li>{@code events}: objects with an {@code event} name; when the latest {@code marked_as_duplicate} /
 *       {@code unmarked_as_duplicate} event (by {@code created_at}, ties and missing times by list order) is a
 *       {@code marked_as_duplicate}, flag {@code event:marked_as_duplicate}. GitHub's REST documentation gives
 *       these events only the common event properties (id, node_id, url, actor, event, commit_id, commit_url,
 *       created_at, performed_via_github_app): no target issue, so the event is a target-less flag and no
 *       {@link LinkSource#EVENT} link is made from it.</li>
 *   <li>links: {@link DuplicateSignals#linksInText} on the title, then the body ({@link LinkSource#BODY}).</li>
 * </ul>
 * {@link Issue#url()} is {@code html_url} ({@code ""} when absent). Immutable, thread-safe and serializable.
 */
public record GitHubIssueReader(DuplicateSignals signals) implements Serializable {

    public GitHubIssueReader {
        Objects.requireNonNull(signals, "signals");
    }

    /** A reader with {@link DuplicateSignals#defaults()}. */
    public static GitHubIssueReader withDefaults() {
        return new GitHubIssueReader(DuplicateSignals.defaults());
    }

    public Outcome<Issue> read(String jsonObject) {
        return GitHub.object(jsonObject).then(this::issue);
    }

    private Outcome<Issue> issue(ObjectNode o) {
        return GitHub.nonBlankText(o, "title").then(title ->
                GitHub.presentText(o, "body").then(body ->
                        GitHub.number(o, "number").then(number ->
                                project(o).then(project -> Outcome.accept(build(o, project, number, title, body))))));
    }

    private static Outcome<String> project(ObjectNode o) {
        String fromApi = GitHub.repoFromApiUrl(GitHub.optionalText(o, "repository_url"));
        if (fromApi != null) {
            return Outcome.accept(fromApi);
        }
        String fromHtml = GitHub.repoFromHtmlUrl(GitHub.optionalText(o, "html_url"));
        if (fromHtml != null) {
            return Outcome.accept(fromHtml);
        }
        return Outcome.reject(Reason.MISSING_FIELD, "fields 'repository_url' and 'html_url' give no repository"
                + " (absent, or not a GitHub repository or issue address)");
    }

    private Issue build(ObjectNode o, String project, String number, String title, String body) {
        List<DuplicateLink> links = new ArrayList<>(signals.linksInText(project, number, title, LinkSource.BODY));
        for (DuplicateLink l : signals.linksInText(project, number, body, LinkSource.BODY)) {
            if (!links.contains(l)) {
                links.add(l);
            }
        }
        String url = GitHub.optionalText(o, "html_url");
        return new Issue(project, number, title, body, url == null ? "" : url, o.hasNonNull("pull_request"),
                List.copyOf(flags(o)), links);
    }

    private Set<String> flags(ObjectNode o) {
        Set<String> flags = new LinkedHashSet<>();
        JsonNode labels = o.get("labels");
        if (labels != null && labels.isArray()) {
            for (JsonNode label : labels) {
                String name = label.isTextual() ? label.textValue() : GitHub.optionalText(label, "name");
                if (signals.isDuplicateLabel(name)) {
                    flags.add("label:" + name.strip());
                }
            }
        }
        String milestone = GitHub.optionalText(o.get("milestone"), "title");
        if (signals.isDuplicateMilestone(milestone)) {
            flags.add("milestone:" + milestone.strip());
        }
        if ("duplicate".equals(GitHub.optionalText(o, "state_reason"))) {
            flags.add("state_reason:duplicate");
        }
        if (markedByEvents(o.get("events"))) {
            flags.add("event:marked_as_duplicate");
        }
        return flags;
    }

    /** Whether the latest marked/unmarked-as-duplicate event marks the issue. */
    private static boolean markedByEvents(JsonNode events) {
        if (events == null || !events.isArray()) {
            return false;
        }
        String latestTime = null;
        boolean marked = false;
        for (JsonNode e : events) {
            String name = GitHub.optionalText(e, "event");
            if (!"marked_as_duplicate".equals(name) && !"unmarked_as_duplicate".equals(name)) {
                continue;
            }
            String time = GitHub.optionalText(e, "created_at");
            if (latestTime == null || time == null || time.compareTo(latestTime) >= 0) {
                latestTime = time == null ? latestTime : time;
                marked = "marked_as_duplicate".equals(name);
            }
        }
        return marked;
    }
}
