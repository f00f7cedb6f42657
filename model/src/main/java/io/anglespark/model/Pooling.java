package io.anglespark.model;

import java.util.Locale;

/** How token vectors become one sentence vector. Every mode honours the padding mask. */
public enum Pooling {
    /** The first token ({@code [CLS]}). */
    CLS,
    /** Mean over real tokens. */
    MEAN,
    /** Mean of the CLS vector and the mean over real tokens. */
    CLS_AVG,
    /** Element-wise max over real tokens. */
    MAX,
    /** The last real token ({@code [SEP]} for BERT inputs). */
    LAST;

    /** {@code cls}, {@code mean}, {@code cls_avg}, {@code max}, {@code last}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Pooling parse(String s) {
        for (Pooling p : values()) {
            if (p.label().equals(s.trim().toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown pooling '" + s + "' (known: cls, mean, cls_avg, max, last)");
    }
}
