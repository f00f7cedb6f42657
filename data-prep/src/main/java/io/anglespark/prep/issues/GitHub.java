package io.anglespark.prep.issues;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anglespark.prep.Outcome;
import io.anglespark.prep.Reason;
import io.anglespark.prep.read.Json;
import io.anglespark.prep.read.ReadSupport;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Field rules shared by the GitHub readers: repository and issue addresses, issue numbers, string members. */
final class GitHub {
    /** {@code https://api.github.com/repos/OWNER/REPO[/...]}; GitHub Enterprise's {@code https://HOST/api/v3/repos/...} too. */
    private static final Pattern API_REPO = Pattern.compile("^https?://[^/\\s]+(?:/api/v3)?/repos/([^/\\s?#]+)/([^/\\s?#]+)(/.*)?$");
    /** The rest of an API address after the repository: {@code /issues/N}. */
    private static final Pattern API_ISSUE_REST = Pattern.compile("^/issues/(\\d{1,18})/?$");
    /** {@code https://github.com/OWNER/REPO[/issues/N | /pull/N][#...]}. */
    private static final Pattern HTML = Pattern.compile(
            "^https?://[^/\\s]+/([^/\\s?#]+)/([^/\\s?#]+)(?:/(?:issues|pull)/(\\d{1,18}))?/?(?:[?#].*)?$");

    private GitHub() {
    }

    /** {@code owner/repo} in lower case from an API repository (or issue) address, else null. */
    static String repoFromApiUrl(String url) {
        Matcher m = url == null ? null : API_REPO.matcher(url.strip());
        return m != null && m.matches() ? repo(m.group(1), m.group(2)) : null;
    }

    /** {@code [owner/repo, N]} from {@code https://api.github.com/repos/OWNER/REPO/issues/N}, else null. */
    static String[] issueFromApiUrl(String url) {
        Matcher m = url == null ? null : API_REPO.matcher(url.strip());
        if (m == null || !m.matches() || m.group(3) == null) {
            return null;
        }
        Matcher rest = API_ISSUE_REST.matcher(m.group(3));
        return rest.matches() ? issueRef(repo(m.group(1), m.group(2)), rest.group(1)) : null;
    }

    /** {@code owner/repo} in lower case from a web address of the repository, an issue or a pull request, else null. */
    static String repoFromHtmlUrl(String url) {
        Matcher m = url == null ? null : HTML.matcher(url.strip());
        return m != null && m.matches() ? repo(m.group(1), m.group(2)) : null;
    }

    /** {@code [owner/repo, N]} from {@code https://github.com/OWNER/REPO/issues/N[#issuecomment-...]}, else null. */
    static String[] issueFromHtmlUrl(String url) {
        Matcher m = url == null ? null : HTML.matcher(url.strip());
        return m != null && m.matches() && m.group(3) != null ? issueRef(repo(m.group(1), m.group(2)), m.group(3)) : null;
    }

    private static String[] issueRef(String repo, String number) {
        long n = Long.parseLong(number);
        return n > 0 ? new String[]{repo, Long.toString(n)} : null;
    }

    private static String repo(String owner, String name) {
        return (owner + "/" + name).toLowerCase(Locale.ROOT);
    }

    /**
     * The issue number as a decimal string without leading zeros: a positive JSON integer (as the API writes it) or
     * a string of digits (as some dumps write it), else {@link Reason#MISSING_FIELD} naming the field.
     */
    static Outcome<String> number(ObjectNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            return Outcome.reject(Reason.MISSING_FIELD, "field '%s' is %s", field, v == null ? "absent" : "null");
        }
        if (v.isIntegralNumber() && v.canConvertToLong() && v.longValue() > 0) {
            return Outcome.accept(Long.toString(v.longValue()));
        }
        if (v.isTextual() && v.textValue().strip().matches("\\d{1,18}") && Long.parseLong(v.textValue().strip()) > 0) {
            return Outcome.accept(Long.toString(Long.parseLong(v.textValue().strip())));
        }
        return Outcome.reject(Reason.MISSING_FIELD, "field '%s' is %s, not a positive issue number", field,
                v.isTextual() ? ReadSupport.quote(v.textValue()) : Json.kind(v));
    }

    /**
     * A text member that must be present: absent is {@link Reason#MISSING_FIELD}, null is {@code ""}, a non-string
     * is {@link Reason#MISSING_FIELD}.
     */
    static Outcome<String> presentText(ObjectNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null) {
            return Outcome.reject(Reason.MISSING_FIELD, "field '%s' is absent (null is accepted as empty)", field);
        }
        if (v.isNull()) {
            return Outcome.accept("");
        }
        if (!v.isTextual()) {
            return Outcome.reject(Reason.MISSING_FIELD, "field '%s' is %s, not a string", field, Json.kind(v));
        }
        return Outcome.accept(v.textValue());
    }

    /** A non-blank text member, else {@link Reason#MISSING_FIELD} saying absent, null, not a string or blank. */
    static Outcome<String> nonBlankText(ObjectNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            return Outcome.reject(Reason.MISSING_FIELD, "field '%s' is %s", field, v == null ? "absent" : "null");
        }
        if (!v.isTextual()) {
            return Outcome.reject(Reason.MISSING_FIELD, "field '%s' is %s, not a string", field, Json.kind(v));
        }
        if (v.textValue().isBlank()) {
            return Outcome.reject(Reason.MISSING_FIELD, "field '%s' is blank", field);
        }
        return Outcome.accept(v.textValue());
    }

    /** A string member's value, or null when absent, null or not a string. */
    static String optionalText(JsonNode o, String field) {
        JsonNode v = o == null ? null : o.get(field);
        return v != null && v.isTextual() ? v.textValue() : null;
    }

    /** The record as a JSON object; a blank record is {@link Reason#BLANK_LINE}. */
    static Outcome<ObjectNode> object(String record) {
        if (record == null || record.isBlank()) {
            return Outcome.reject(Reason.BLANK_LINE, "record is empty or only whitespace");
        }
        return Json.object(record);
    }
}
