package io.anglespark.prep.issues;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the Markdown of an issue body (often an issue template) into its visible text. Whitespace is not
 * collapsed here ({@link io.anglespark.prep.clean.TextCleaner} does that later); line breaks come out as LF.
 * Line by line:
 * <ul>
 *   <li><b>Code is kept as text.</b> Fenced code blocks (a line starting, after at most 3 spaces, with 3 or more
 *       backticks or tildes; a backtick fence's info string holds no backtick) keep their lines verbatim, the
 *       fence lines themselves are dropped; an unclosed fence runs to the end. Inline code spans (a run of N
 *       backticks up to the next run of exactly N on the same line) keep their content verbatim, without the
 *       backticks. Nothing below applies inside code.</li>
 *   <li>HTML comments {@code <!-- ... -->} are removed, also across lines; an unterminated one runs to the end of
 *       the text.</li>
 *   <li>Lines that are only markup are emptied: horizontal rules ({@code ---}, {@code ***}, {@code ___}, also
 *       spaced), setext underlines ({@code ===}) and table delimiter rows ({@code |---|:--:|}).</li>
 *   <li>At a line's start: blockquote markers {@code >} (nested too), then heading hashes {@code #} to
 *       {@code ######} (and closing hashes), then a list bullet {@code -}, {@code *} or {@code +} followed by a
 *       space (and a task box {@code [ ]} / {@code [x]}). Numbered list markers are kept (they are text:
 *       "1. Open the page").</li>
 *   <li>Inline: images {@code ![alt](url)} become alt; links {@code [text](url)} become text; HTML tags of the
 *       HTML vocabulary ({@code <details>}, {@code <summary>}, {@code <br>}, {@code <b>}, {@code <img ...>}, ...)
 *       are removed, their text kept (block-level tags leave a space, so words do not join); other angle-bracket
 *       text such as {@code List<String>} is kept. Emphasis markers are removed where they are markup:
 *       {@code **x**}, {@code __x__}, {@code *x*}, {@code _x_}, {@code ~~x~~} (an underscore inside a word, as in
 *       {@code snake_case_name}, and a spaced {@code 2 * 3} stay).</li>
 *   <li>Backslash escapes ({@code \*}, {@code \_}, {@code \#}, ...) become the plain character and are never read
 *       as markup.</li>
 * </ul>
 * Not handled (kept as text): reference-style links, indented code blocks, code spans across lines. Linear in the
 * text for realistic input; stateless and thread-safe.
 */
public final class TemplateStripper {
    private static final Pattern RULE = Pattern.compile("^ {0,3}([-*_])(?:[ \\t]*\\1){2,}[ \\t]*$");
    private static final Pattern SETEXT = Pattern.compile("^ {0,3}=+[ \\t]*$");
    private static final Pattern TABLE_DELIMITER = Pattern.compile("^[ \\t]*\\|?[ \\t]*:?-+:?[ \\t]*(?:\\|[ \\t]*:?-+:?[ \\t]*)+\\|?[ \\t]*$");
    private static final Pattern QUOTE = Pattern.compile("^[ \\t]{0,3}>[ \\t]?");
    private static final Pattern HEADING = Pattern.compile("^[ \\t]{0,3}#{1,6}(?:[ \\t]+|$)");
    private static final Pattern CLOSING_HASHES = Pattern.compile("[ \\t]+#+[ \\t]*$");
    private static final Pattern BULLET = Pattern.compile("^[ \\t]*[-*+][ \\t]+(?:\\[[ xX]\\][ \\t]+)?");
    private static final Pattern IMAGE = Pattern.compile("!\\[([^\\]\\n]*)\\]\\([^)\\n]*\\)");
    private static final Pattern LINK = Pattern.compile("\\[([^\\]\\n]*)\\]\\([^)\\n]*\\)");
    private static final Pattern TAG = Pattern.compile("</?([A-Za-z][A-Za-z0-9]*)(?:\\s[^<>]*)?/?>");
    private static final Set<String> INLINE_TAGS = Set.of("a", "abbr", "b", "code", "del", "em", "font", "i", "ins",
            "kbd", "mark", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "tt", "u", "var");
    private static final Set<String> BLOCK_TAGS = Set.of("blockquote", "br", "center", "dd", "details", "div", "dl",
            "dt", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "img", "input", "li", "ol", "p",
            "picture", "pre", "source", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "video");
    private static final Pattern BOLD_STARS = Pattern.compile("\\*\\*(?=[^\\s*])(.+?)(?<=[^\\s*])\\*\\*");
    private static final Pattern BOLD_UNDERSCORES = Pattern.compile("(?<![\\p{L}\\p{N}_])__(?=[^\\s_])(.+?)(?<=[^\\s_])__(?![\\p{L}\\p{N}_])");
    private static final Pattern STRIKE = Pattern.compile("~~(?=\\S)(.+?)(?<=\\S)~~");
    private static final Pattern ITALIC_STAR = Pattern.compile("\\*(?=[^\\s*])(.+?)(?<=[^\\s*])\\*");
    private static final Pattern ITALIC_UNDERSCORE = Pattern.compile("(?<![\\p{L}\\p{N}_])_(?=[^\\s_])(.+?)(?<=[^\\s_])_(?![\\p{L}\\p{N}_])");
    private static final Pattern ESCAPE = Pattern.compile("\\\\([!-/:-@\\[-`{-~])");
    /** Placeholders for protected text (code spans, escapes): U+E000, the index, U+E001. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\uE000(\\d+)\uE001");

    private TemplateStripper() {
    }

    /** The visible text of a Markdown document (see the class comment); null gives {@code ""}. */
    public static String strip(String markdown) {
        if (markdown == null || markdown.isEmpty()) {
            return "";
        }
        String[] lines = markdown.split("\r\n|\r|\n", -1);
        List<String> out = new ArrayList<>(lines.length);
        String fence = null;
        boolean inComment = false;
        for (String line : lines) {
            if (fence != null) {
                if (Fences.closes(line, fence)) {
                    fence = null;
                } else {
                    out.add(line);
                }
                continue;
            }
            String rest = line;
            if (inComment) {
                int close = rest.indexOf("-->");
                if (close < 0) {
                    continue;
                }
                rest = rest.substring(close + 3);
                inComment = false;
            } else if ((fence = Fences.opening(line)) != null) {
                continue;
            }
            List<String> protectedText = new ArrayList<>();
            StringBuilder prose = new StringBuilder();
            inComment = protect(rest, prose, protectedText);
            out.add(restore(proseLine(prose.toString()), protectedText));
        }
        return String.join("\n", out);
    }

    /**
     * Copies a line's prose to {@code prose}, replacing code spans and escapes by placeholders (their text saved in
     * {@code saved}) and dropping HTML comments.
     *
     * @return true when an HTML comment opens and does not close on this line
     */
    private static boolean protect(String line, StringBuilder prose, List<String> saved) {
        int n = line.length();
        int i = 0;
        while (i < n) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < n && ESCAPE.matcher(line.substring(i, i + 2)).matches()) {
                placeholder(prose, saved, String.valueOf(line.charAt(i + 1)));
                i += 2;
            } else if (c == '<' && line.startsWith("<!--", i)) {
                int close = line.indexOf("-->", i + 4);
                if (close < 0) {
                    return true;
                }
                i = close + 3;
            } else if (c == '`') {
                int j = i;
                while (j < n && line.charAt(j) == '`') {
                    j++;
                }
                int runLength = j - i;
                int close = closingRun(line, j, runLength);
                if (close < 0) {
                    prose.append(line, i, j); // no closing run: literal backticks
                } else {
                    placeholder(prose, saved, line.substring(j, close));
                    j = close + runLength;
                }
                i = j;
            } else {
                prose.append(c);
                i++;
            }
        }
        return false;
    }

    /** The start of the next run of exactly {@code length} backticks at or after {@code from}, else -1. */
    private static int closingRun(String line, int from, int length) {
        int n = line.length();
        int i = from;
        while (i < n) {
            int k = line.indexOf('`', i);
            if (k < 0) {
                return -1;
            }
            int j = k;
            while (j < n && line.charAt(j) == '`') {
                j++;
            }
            if (j - k == length) {
                return k;
            }
            i = j;
        }
        return -1;
    }

    private static void placeholder(StringBuilder prose, List<String> saved, String text) {
        prose.append('\uE000').append(saved.size()).append('\uE001');
        saved.add(text);
    }

    private static String restore(String line, List<String> saved) {
        if (saved.isEmpty()) {
            return line;
        }
        Matcher m = PLACEHOLDER.matcher(line);
        StringBuilder out = new StringBuilder(line.length());
        while (m.find()) {
            int index = Integer.parseInt(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(index < saved.size() ? saved.get(index) : m.group()));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Line-level markup, then inline markup, on one line of prose (code already protected). */
    private static String proseLine(String line) {
        if (RULE.matcher(line).matches() || SETEXT.matcher(line).matches() || TABLE_DELIMITER.matcher(line).matches()) {
            return "";
        }
        String s = line;
        Matcher q;
        while ((q = QUOTE.matcher(s)).find()) {
            s = s.substring(q.end());
        }
        Matcher h = HEADING.matcher(s);
        if (h.find()) {
            s = CLOSING_HASHES.matcher(s.substring(h.end())).replaceFirst("");
        }
        s = BULLET.matcher(s).replaceFirst("");
        s = IMAGE.matcher(s).replaceAll("$1");
        s = LINK.matcher(s).replaceAll("$1");
        s = tags(s);
        s = BOLD_STARS.matcher(s).replaceAll("$1");
        s = BOLD_UNDERSCORES.matcher(s).replaceAll("$1");
        s = STRIKE.matcher(s).replaceAll("$1");
        s = ITALIC_STAR.matcher(s).replaceAll("$1");
        s = ITALIC_UNDERSCORE.matcher(s).replaceAll("$1");
        return s;
    }

    private static String tags(String s) {
        if (s.indexOf('<') < 0) {
            return s;
        }
        Matcher m = TAG.matcher(s);
        StringBuilder out = new StringBuilder(s.length());
        while (m.find()) {
            String name = m.group(1).toLowerCase(Locale.ROOT);
            String replacement = BLOCK_TAGS.contains(name) ? " " : INLINE_TAGS.contains(name) ? "" : m.group();
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
