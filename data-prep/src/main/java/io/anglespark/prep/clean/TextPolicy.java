package io.anglespark.prep.clean;

import io.anglespark.prep.Outcome;
import io.anglespark.prep.Reason;
import io.anglespark.prep.read.Utf8;

/**
 * The project's one text policy: what makes a text unusable, and what cleaning does to its characters. The prepare
 * and issue-pairs jobs apply it through their readers and {@link TextCleaner}; the embed job through its row check
 * (which embeds texts as given, so it applies the first three rules only).
 * <ol>
 *   <li><b>Invalid UTF-8</b> is {@link Reason#INVALID_UTF8}, naming the byte and its offset; it is never replaced by
 *       U+FFFD (a replaced character would survive into training text and into vectors). Bytes are checked by
 *       {@link #decode}.</li>
 *   <li><b>Streams decoded whole</b> (records that span lines, read before they can be cut into records) carry each
 *       invalid byte {@code b} as the escape {@link #escape(int) U+DC00 + b}: a lone low surrogate, which valid UTF-8
 *       never decodes to, so the escape is exact. {@link #checkEscapedBytes} turns the first into
 *       {@link Reason#INVALID_UTF8}. Call it on a record's text before parsing that can make surrogates of its own
 *       (JSON's {@code \}{@code u} escapes).</li>
 *   <li><b>Unpaired surrogates</b> (a UTF-16 surrogate without its partner, e.g. JSON's {@code "\}{@code ud800"}) are
 *       {@link Reason#UNPAIRED_SURROGATE}, naming the code unit and its position ({@link #checkSurrogates}): such a
 *       text is no sequence of characters and cannot be written as UTF-8 (Parquet would get a {@code ?}).</li>
 *   <li><b>Cleaning</b> ({@link TextCleaner}): control characters ({@link Character#CONTROL}: C0, DEL and C1, NUL
 *       included) are word breaks and become spaces, as whitespace does ({@link #isSpace}); runs of spaces collapse to
 *       one and the text is trimmed. Zero-width characters (U+200B..U+200D, U+2060) and U+FEFF (byte-order mark)
 *       are removed without a space ({@link #isRemoved}): they sit inside words.</li>
 * </ol>
 * Positions in details: a 0-based byte offset for bytes (as {@link Utf8} reports it), a 1-based character (code
 * point) for text. Pure, stateless and thread-safe.
 */
public final class TextPolicy {
    private TextPolicy() {
    }

    /**
     * Strict UTF-8 decoding of a field's bytes.
     *
     * @param field named in a rejection's detail, e.g. {@code text}
     */
    public static Outcome<String> decode(byte[] bytes, String field) {
        Outcome<String> out = Utf8.decode(bytes, false);
        if (out instanceof Outcome.Rejected<String> r) {
            return Outcome.reject(Reason.INVALID_UTF8, "%s: %s", field, r.rejection().detail());
        }
        return out;
    }

    /** The escape of invalid byte {@code b} in a stream decoded whole (rule 2). */
    public static char escape(int b) {
        return (char) (0xDC00 | (b & 0xFF));
    }

    /**
     * A text decoded from a stream that escapes invalid bytes (rule 2): accepted unchanged when it holds no escape,
     * else {@link Reason#INVALID_UTF8} naming the first invalid byte and its character position.
     */
    public static Outcome<String> checkEscapedBytes(String text, String field) {
        int at = firstUnpairedSurrogate(text);
        if (at < 0) {
            return Outcome.accept(text);
        }
        return Outcome.reject(Reason.INVALID_UTF8, "%s: invalid UTF-8 byte 0x%02X at character %d", field,
                text.charAt(at) & 0xFF, text.codePointCount(0, at) + 1);
    }

    /** Accepted unchanged when every surrogate of {@code text} is paired, else {@link Reason#UNPAIRED_SURROGATE} naming the first. */
    public static Outcome<String> checkSurrogates(String text, String field) {
        int at = firstUnpairedSurrogate(text);
        if (at < 0) {
            return Outcome.accept(text);
        }
        return Outcome.reject(Reason.UNPAIRED_SURROGATE, "%s has an unpaired surrogate U+%04X at character %d", field,
                (int) text.charAt(at), text.codePointCount(0, at) + 1);
    }

    /** {@code text} with each unpaired surrogate (also an escaped byte) shown as U+FFFD: for quarantine previews, never for data. */
    public static String displayable(String text) {
        if (text == null || firstUnpairedSurrogate(text) < 0) {
            return text;
        }
        StringBuilder b = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                b.append(c).append(text.charAt(++i));
            } else {
                b.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return b.toString();
    }

    /** The index of the first surrogate without its partner, or -1. */
    static int firstUnpairedSurrogate(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            } else if (Character.isLowSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * A character cleaning turns into a space: whitespace ({@link Character#isWhitespace}, {@link Character#isSpaceChar},
     * U+0085 NEL) and every control character ({@link Character#CONTROL}).
     */
    public static boolean isSpace(int cp) {
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || Character.getType(cp) == Character.CONTROL;
    }

    /** A character cleaning removes without a space: U+FEFF (byte-order mark) and the zero-width U+200B..U+200D and U+2060. */
    public static boolean isRemoved(int cp) {
        return cp == 0xFEFF || (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060;
    }
}
