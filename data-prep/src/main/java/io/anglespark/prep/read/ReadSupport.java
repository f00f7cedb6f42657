package io.anglespark.prep.read;

import io.anglespark.prep.NliLabel;
import io.anglespark.prep.Outcome;
import io.anglespark.prep.Reason;

import java.util.List;
import java.util.Optional;

/**
 * Rules every line reader shares: CR stripping, blank lines, TAB splitting, header columns, NLI labels, details.
 * Public for the record readers of other packages ({@code io.anglespark.prep.issues}); not a stable API.
 */
public final class ReadSupport {
    /** The most characters of a value that a rejection detail quotes. */
    public static final int MAX_QUOTED = 80;

    private ReadSupport() {
    }

    /**
     * Fills {@code buf} from {@code in} for the streaming record scanners: the number of chars read (never 0; a
     * reader that returns 0 is asked again), or -1 at the end. An I/O error is rethrown unchecked, as the
     * scanners are iterators.
     */
    public static int fill(java.io.Reader in, char[] buf) {
        return fill(in, buf, 0);
    }

    /** As {@link #fill(java.io.Reader, char[])}, into {@code buf} from index {@code off} (less than its length) on. */
    public static int fill(java.io.Reader in, char[] buf, int off) {
        try {
            int n;
            do {
                n = in.read(buf, off, buf.length - off);
            } while (n == 0);
            return n;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Removes one trailing CR, which a CRLF file keeps when it is split on LF. Records are split on LF only (a lone CR
     * inside a field is text, which cleaning turns into a space), so this is the only CR a line reader drops.
     */
    static String stripCr(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    static <T> Outcome<T> blankLine() {
        return Outcome.reject(Reason.BLANK_LINE, "line is empty or only whitespace");
    }

    /**
     * One row of a TAB-separated file with a header: CR stripped, a blank line rejected, split on TAB, and
     * the field count checked against the header's.
     */
    static Outcome<String[]> headerWidthFields(String record, int width) {
        String line = stripCr(record);
        if (line.isBlank()) {
            return blankLine();
        }
        String[] f = splitTab(line);
        if (f.length != width) {
            return Outcome.reject(Reason.WRONG_FIELD_COUNT, "expected %d TAB-separated fields (as the header), found %d", width, f.length);
        }
        return Outcome.accept(f);
    }

    /** Splits on TAB only, keeping empty fields (also trailing ones); quotes are ordinary text. */
    static String[] splitTab(String line) {
        return line.split("\t", -1);
    }

    /** The value in single quotes, cut to {@link #MAX_QUOTED} characters (never inside a surrogate pair). */
    public static String quote(String value) {
        if (value == null) {
            return "null";
        }
        if (value.length() <= MAX_QUOTED) {
            return "'" + value + "'";
        }
        int end = MAX_QUOTED - 3;
        if (Character.isHighSurrogate(value.charAt(end - 1))) {
            end--;
        }
        return "'" + value.substring(0, end) + "...'";
    }

    /**
     * A three-way NLI label: {@code -} (SNLI's "annotators disagreed") is {@link Reason#NO_GOLD_LABEL}, anything
     * else that {@link NliLabel#parse} does not know is {@link Reason#UNKNOWN_LABEL}.
     */
    static Outcome<NliLabel> nliLabel(String raw, String fieldName) {
        Optional<NliLabel> label = NliLabel.parse(raw);
        if (label.isPresent()) {
            return Outcome.accept(label.get());
        }
        if ("-".equals(raw.strip())) {
            return Outcome.reject(Reason.NO_GOLD_LABEL, "%s is '-': the annotators agreed on no gold label", fieldName);
        }
        return Outcome.reject(Reason.UNKNOWN_LABEL, "%s %s is not entailment, neutral or contradiction",
                fieldName, quote(raw));
    }

    /** The header line as given to {@code bind}: required, without its CR and without a leading byte-order mark. */
    static String headerLine(String file, String header) {
        if (header == null) {
            throw new IllegalArgumentException(file + ": this format needs the file's header line, got none");
        }
        String h = stripCr(header);
        return h.startsWith("\uFEFF") ? h.substring(1) : h;
    }

    /**
     * The 0-based index of {@code column} among the header's names, compared after stripping spaces.
     *
     * @throws IllegalArgumentException naming the file and column when it is absent or appears twice
     */
    public static int columnIndex(String file, List<String> names, String column) {
        int found = -1;
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).strip().equals(column)) {
                if (found >= 0) {
                    throw new IllegalArgumentException(String.format(
                            "%s: the header names column '%s' twice (fields %d and %d)", file, column, found + 1, i + 1));
                }
                found = i;
            }
        }
        if (found < 0) {
            throw new IllegalArgumentException(String.format(
                    "%s: the header lacks column '%s' (it has %s)", file, column, quote(String.join(", ", names))));
        }
        return found;
    }

    /** Describes a field by header name and 1-based position, e.g. {@code relatedness_score field (4)}. */
    static String fieldName(String name, int index) {
        return name + " field (" + (index + 1) + ")";
    }

    public static String requireName(String name, String what) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException(what + " must be a non-blank name, got " + quote(name));
        }
        return name;
    }
}
