package io.anglespark.prep.clean;

import io.anglespark.prep.Outcome;
import io.anglespark.prep.Reason;

import java.io.Serializable;
import java.text.Normalizer;
import java.util.Objects;

/**
 * Cleans one text field by the project's {@link TextPolicy}. Steps, in order:
 * <ol>
 *   <li>a text with an unpaired surrogate is rejected ({@link Reason#UNPAIRED_SURROGATE}, naming the field and the
 *       position);</li>
 *   <li>{@link MojibakeRepair#repair(String)} when {@link CleaningRules#repairMojibake()};</li>
 *   <li>Unicode NFC;</li>
 *   <li>removal of U+FEFF (BOM) and of the zero-width characters U+200B..U+200D and U+2060
 *       ({@link TextPolicy#isRemoved});</li>
 *   <li>every whitespace and every control character ({@link TextPolicy#isSpace}: {@link Character#isWhitespace},
 *       {@link Character#isSpaceChar}, U+0085 NEL, and {@link Character#CONTROL}, so NUL, 0x12 or DEL between two
 *       words keep them apart) becomes a space; runs collapse to one; the text is trimmed. If a removed character
 *       sat between a base and a combining mark, NFC is applied again, so the result is always NFC.</li>
 * </ol>
 * The result is rejected with {@link Reason#EMPTY_TEXT} when nothing is left (a null text counts as empty),
 * and with {@link Reason#TOO_LONG} when it has more than {@link CleaningRules#maxChars()} code points under
 * {@link CleaningRules.OverMaxPolicy#REJECT}; under {@code KEEP} a long text is accepted whole. Both
 * rejections name the field. Linear in the length of the text; immutable and thread-safe.
 */
public record TextCleaner(CleaningRules rules) implements Serializable {

    public TextCleaner {
        Objects.requireNonNull(rules, "rules");
    }

    /** A cleaner with {@link CleaningRules#defaults()}. */
    public static TextCleaner withDefaults() {
        return new TextCleaner(CleaningRules.defaults());
    }

    /**
     * @param text  the raw text, may be null
     * @param field the field's name for rejection details, e.g. {@code text1}
     */
    public Outcome<String> clean(String text, String field) {
        Objects.requireNonNull(field, "field");
        if (text == null) {
            return Outcome.reject(Reason.EMPTY_TEXT, "%s is missing", field);
        }
        Outcome<String> paired = TextPolicy.checkSurrogates(text, field);
        if (!paired.isAccepted()) {
            return paired;
        }
        String s = rules.repairMojibake() ? MojibakeRepair.repair(text) : text;
        s = collapse(Normalizer.normalize(s, Normalizer.Form.NFC));
        if (!Normalizer.isNormalized(s, Normalizer.Form.NFC)) {
            s = Normalizer.normalize(s, Normalizer.Form.NFC);
        }
        if (s.isEmpty()) {
            return Outcome.reject(Reason.EMPTY_TEXT, "%s is empty after cleaning", field);
        }
        int length = s.codePointCount(0, s.length());
        if (length > rules.maxChars() && rules.overMax() == CleaningRules.OverMaxPolicy.REJECT) {
            return Outcome.reject(Reason.TOO_LONG, "%s has %d code points after cleaning, limit %d",
                    field, length, rules.maxChars());
        }
        return Outcome.accept(s);
    }

    /** Drops removable characters, maps spaces (whitespace, controls) to single spaces between kept characters (so also trims). */
    private static String collapse(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean pendingSpace = false;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (TextPolicy.isSpace(cp)) {
                pendingSpace = out.length() > 0;
            } else if (!TextPolicy.isRemoved(cp)) {
                if (pendingSpace) {
                    out.append(' ');
                    pendingSpace = false;
                }
                out.appendCodePoint(cp);
            }
        }
        return out.toString();
    }
}
