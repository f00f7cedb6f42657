package io.anglespark.prep.issues;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Markdown code fences, as {@link DuplicateSignals} and {@link TemplateStripper} both read them (CommonMark, less
 * indentation rules): a fence opens on a line starting, after at most 3 spaces, with 3 or more backticks or tildes
 * (a backtick fence's info string holds no backtick, else the line is inline code), and closes on a line of at
 * most 3 spaces, at least as many of the same character, then only whitespace.
 */
final class Fences {
    private static final Pattern OPEN = Pattern.compile("^ {0,3}(`{3,}|~{3,})");

    private Fences() {
    }

    /** The opening fence's run (e.g. {@code "```"}) when the line opens a fence, else null. */
    static String opening(String line) {
        Matcher f = OPEN.matcher(line);
        if (!f.find()) {
            return null;
        }
        String run = f.group(1);
        return run.charAt(0) == '`' && line.indexOf('`', f.end()) >= 0 ? null : run;
    }

    /** Whether the line closes a fence opened by {@code run}. */
    static boolean closes(String line, String run) {
        int i = 0;
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        if (i > 3) {
            return false;
        }
        char c = run.charAt(0);
        int j = i;
        while (j < line.length() && line.charAt(j) == c) {
            j++;
        }
        return j - i >= run.length() && line.substring(j).isBlank();
    }
}
