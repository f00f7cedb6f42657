package io.anglespark.prep.issues;

import io.anglespark.prep.issues.DuplicateLink.LinkSource;

import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What marks an issue as a duplicate: label names and milestone titles (target-less flags), and "duplicate of"
 * links in text.
 *
 * <p><b>Names.</b> A label or milestone matches a configured name when, compared case-insensitively as words
 * (runs of letters and digits; everything else separates words), its words are the configured name's words or
 * end with them, and the word just before them is not {@code not}, {@code non} or {@code no}. With the default
 * {@code ["duplicate"]}: {@code duplicate}, {@code Duplicate}, {@code type: duplicate}, {@code status/duplicate}
 * and {@code resolution - Duplicate} match; {@code duplicated}, {@code duplicate-candidate} and
 * {@code non-duplicate} do not.
 *
 * <p><b>Links in text</b> ({@link #linksInText}): {@code duplicate of} (any case, any whitespace between the
 * words, an optional {@code :} after {@code of}) followed by one of
 * <ul>
 *   <li>{@code #N}: issue N of the same project;</li>
 *   <li>{@code owner/repo#N}: issue N of GitHub repository owner/repo;</li>
 *   <li>{@code https://github.com/owner/repo/issues/N} or {@code .../pull/N} (http, {@code www.} allowed).</li>
 * </ul>
 * The number must not run on into a letter, digit or underscore. Text that Markdown does not show as prose is
 * ignored: fenced code blocks (a line starting, after at most 3 spaces, with 3 or more backticks or tildes, up to a
 * closing fence of the same character at least as long, or the end of the text), inline code spans (a run of N
 * backticks up to the next run of exactly N) and HTML comments ({@code <!-- ... -->}, or to the end of the text).
 * A match is also skipped when one of the three words before {@code duplicate}, on its line and in its sentence
 * (after the last {@code . ! ? ;}), is a negation or a hedge ({@code not}, {@code no}, {@code never}, {@code isn't}, {@code possible}, {@code possibly},
 * {@code potential}, {@code maybe}, {@code probably}, {@code likely}, {@code might}, {@code may}): "this is not a
 * duplicate of #12" and "possible duplicate of #12" are no links. Issue numbers are written without leading
 * zeros; GitHub owner and repository names are lower-cased (GitHub's names are case-insensitive); a number 0 is
 * no issue. Several links per text are found, in text order; identical links are kept once.
 *
 * @param labelNames      label names that flag a duplicate (non-blank); empty for none
 * @param milestoneTitles milestone titles that flag a duplicate (non-blank); empty for none
 */
public record DuplicateSignals(List<String> labelNames, List<String> milestoneTitles) implements Serializable {

    /** The default label names and milestone titles. */
    public static final List<String> DEFAULT_NAMES = List.of("duplicate");

    private static final String OWNER = "[A-Za-z0-9][A-Za-z0-9-]{0,38}";
    private static final String REPO = "[A-Za-z0-9._-]{1,100}";
    private static final String NUMBER = "(\\d{1,18})";
    private static final String END = "(?![\\p{L}\\p{N}_])";
    private static final Pattern LINK = Pattern.compile(
            "(?<![\\p{L}\\p{N}_])duplicate\\s+of\\s*:?\\s*(?:"
                    + "https?://(?:www\\.)?github\\.com/(" + OWNER + ")/(" + REPO + ")/(?:issues|pull)/" + NUMBER
                    + "|(" + OWNER + ")/(" + REPO + ")#" + NUMBER
                    + "|#" + NUMBER
                    + ")" + END,
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    private static final Set<String> GUARDS = Set.of("not", "no", "never", "isn't", "isnt", "isn’t", "possible",
            "possibly", "potential", "maybe", "probably", "likely", "might", "may");
    private static final Set<String> NAME_NEGATIONS = Set.of("not", "non", "no");
    private static final Pattern NON_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");

    public DuplicateSignals {
        labelNames = checked(labelNames, "labelNames");
        milestoneTitles = checked(milestoneTitles, "milestoneTitles");
    }

    /** {@code ["duplicate"]} for both labels and milestones. */
    public static DuplicateSignals defaults() {
        return new DuplicateSignals(DEFAULT_NAMES, DEFAULT_NAMES);
    }

    /** Whether a label name flags a duplicate (see the class comment); null is no. */
    public boolean isDuplicateLabel(String name) {
        return matchesAny(name, labelNames);
    }

    /** Whether a milestone title flags a duplicate (see the class comment); null is no. */
    public boolean isDuplicateMilestone(String title) {
        return matchesAny(title, milestoneTitles);
    }

    /**
     * The "duplicate of" links in a text (see the class comment), each from {@code fromId} of {@code project}.
     * A link to the issue itself is returned too ({@link DuplicateLink#isSelf()}); the caller counts it.
     *
     * @param text may be null (no links)
     */
    public List<DuplicateLink> linksInText(String project, String fromId, String text, LinkSource source) {
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(fromId, "fromId");
        Objects.requireNonNull(source, "source");
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        String masked = maskCode(text);
        Set<DuplicateLink> found = new LinkedHashSet<>();
        Matcher m = LINK.matcher(masked);
        while (m.find()) {
            if (guarded(masked, m.start())) {
                continue;
            }
            String targetProject;
            String number;
            if (m.group(3) != null) {
                targetProject = repo(m.group(1), m.group(2));
                number = m.group(3);
            } else if (m.group(6) != null) {
                targetProject = repo(m.group(4), m.group(5));
                number = m.group(6);
            } else {
                targetProject = project;
                number = m.group(7);
            }
            long n = Long.parseLong(number);
            if (n > 0) {
                found.add(new DuplicateLink(project, fromId, targetProject, Long.toString(n), source));
            }
        }
        return List.copyOf(found);
    }

    private static String repo(String owner, String repo) {
        return (owner + "/" + repo).toLowerCase(Locale.ROOT);
    }

    /**
     * True when one of the three words before {@code start}, on its line and in its sentence (after the last
     * {@code . ! ? ;} before it), is a guard word.
     */
    private static boolean guarded(String text, int start) {
        int from = text.lastIndexOf('\n', start - 1) + 1;
        for (int i = start - 1; i >= from; i--) {
            char c = text.charAt(i);
            if (c == '.' || c == '!' || c == '?' || c == ';') {
                from = i + 1;
                break;
            }
        }
        String[] words = text.substring(from, start).toLowerCase(Locale.ROOT).trim().split("[^\\p{L}\\p{N}'’]+");
        for (int i = Math.max(0, words.length - 3); i < words.length; i++) {
            if (GUARDS.contains(words[i])) {
                return true;
            }
        }
        return false;
    }

    /**
     * The text with fenced code blocks, inline code spans and HTML comments replaced by spaces (line breaks kept),
     * so that offsets and lines are unchanged. Linear in the length of the text.
     */
    static String maskCode(String text) {
        char[] out = text.toCharArray();
        maskFences(text, out);
        maskSpansAndComments(out);
        return new String(out);
    }

    private static void maskFences(String text, char[] out) {
        int n = text.length();
        String fence = null;
        for (int lineStart = 0; lineStart < n; ) {
            int nl = text.indexOf('\n', lineStart);
            int lineEnd = nl < 0 ? n : nl;
            String line = text.substring(lineStart, lineEnd);
            if (fence == null) {
                fence = Fences.opening(line);
                if (fence != null) {
                    blank(out, lineStart, lineEnd);
                }
            } else {
                if (Fences.closes(line, fence)) {
                    fence = null;
                }
                blank(out, lineStart, lineEnd);
            }
            lineStart = lineEnd + 1;
        }
    }

    /** Inline code spans (backtick runs of equal length) and HTML comments, scanned left to right. */
    private static void maskSpansAndComments(char[] out) {
        int n = out.length;
        // every backtick run: start and length, in text order; per length, the queue of run indices
        List<int[]> runs = new ArrayList<>();
        Map<Integer, ArrayDeque<Integer>> byLength = new HashMap<>();
        for (int i = 0; i < n; ) {
            if (out[i] == '`') {
                int j = i;
                while (j < n && out[j] == '`') {
                    j++;
                }
                byLength.computeIfAbsent(j - i, k -> new ArrayDeque<>()).add(runs.size());
                runs.add(new int[]{i, j - i});
                i = j;
            } else {
                i++;
            }
        }
        String s = new String(out);
        int k = 0;
        int i = 0;
        int comment = s.indexOf("<!--");
        while (i < n) {
            while (k < runs.size() && runs.get(k)[0] < i) {
                k++;
            }
            if (comment >= 0 && comment < i) {
                comment = s.indexOf("<!--", i);
            }
            int run = k < runs.size() ? runs.get(k)[0] : -1;
            if (comment < 0 && run < 0) {
                return;
            }
            if (comment >= 0 && (run < 0 || comment < run)) {
                int close = s.indexOf("-->", comment + 4);
                int end = close < 0 ? n : close + 3;
                blank(out, comment, end);
                i = end;
                continue;
            }
            int length = runs.get(k)[1];
            int runEnd = run + length;
            ArrayDeque<Integer> same = byLength.get(length);
            while (!same.isEmpty() && runs.get(same.peekFirst())[0] < runEnd) {
                same.pollFirst();
            }
            if (same.isEmpty()) {
                i = runEnd; // no closing run: the backticks are literal text
                continue;
            }
            int[] closing = runs.get(same.pollFirst());
            int end = closing[0] + closing[1];
            blank(out, run, end);
            i = end;
        }
    }

    private static void blank(char[] out, int from, int to) {
        for (int i = from; i < to; i++) {
            if (out[i] != '\n' && out[i] != '\r') {
                out[i] = ' ';
            }
        }
    }

    private static boolean matchesAny(String name, List<String> configured) {
        if (name == null) {
            return false;
        }
        List<String> words = words(name);
        for (String c : configured) {
            List<String> want = words(c);
            int offset = words.size() - want.size();
            if (want.isEmpty() || offset < 0 || !words.subList(offset, words.size()).equals(want)) {
                continue;
            }
            if (offset == 0 || !NAME_NEGATIONS.contains(words.get(offset - 1))) {
                return true;
            }
        }
        return false;
    }

    private static List<String> words(String s) {
        return Arrays.stream(NON_WORD.split(s.toLowerCase(Locale.ROOT).strip())).filter(w -> !w.isEmpty()).toList();
    }

    private static List<String> checked(List<String> names, String what) {
        Objects.requireNonNull(names, what);
        for (String n : names) {
            if (n == null || words(n).isEmpty()) {
                throw new IllegalArgumentException(what + " must hold names with a letter or digit, got '" + n + "'");
            }
        }
        return List.copyOf(names);
    }
}
