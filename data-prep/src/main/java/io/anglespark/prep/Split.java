package io.anglespark.prep;

import java.util.Locale;

/** The split a row is written to. Written in lower case ({@code train}, {@code dev}, {@code test}). */
public enum Split {
    TRAIN, DEV, TEST;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Split parse(String s) {
        for (Split v : values()) {
            if (v.label().equals(s)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown split '" + s + "' (known: train, dev, test)");
    }
}
