package io.anglespark.prep.pair;

import java.util.Objects;

/**
 * Duplicate keys of a text pair: the two texts joined by {@link #SEPARATOR}, U+0000, which cleaned text
 * cannot contain (it is a control character), so distinct pairs never share a key.
 */
public final class PairKey {

    public static final char SEPARATOR = '\u0000';

    private PairKey() {
    }

    /** The key of (t1, t2) in this order: (a, b) and (b, a) differ. */
    public static String ordered(String t1, String t2) {
        return check(t1, "t1") + SEPARATOR + check(t2, "t2");
    }

    /** The key of the set {t1, t2}: the texts sorted by {@link String#compareTo}, so (a, b) and (b, a) agree. */
    public static String orderInsensitive(String t1, String t2) {
        return check(t1, "t1").compareTo(check(t2, "t2")) <= 0 ? ordered(t1, t2) : ordered(t2, t1);
    }

    /** @throws IllegalArgumentException when the text contains the separator (it was not cleaned) */
    private static String check(String text, String name) {
        Objects.requireNonNull(text, name);
        if (text.indexOf(SEPARATOR) >= 0) {
            throw new IllegalArgumentException(name + " contains U+0000, which a cleaned text cannot: clean it first");
        }
        return text;
    }
}
