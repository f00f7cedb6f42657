package io.anglespark.prep.clean;

import java.io.Serializable;

/**
 * How {@link TextCleaner} treats a text.
 *
 * @param maxChars       the longest cleaned text accepted, in Unicode code points; &gt; 0
 * @param overMax        what happens to a longer text: {@link OverMaxPolicy#REJECT} it as too long, or
 *                       {@link OverMaxPolicy#KEEP} it whole (truncation is the tokenizer's business)
 * @param repairMojibake whether to run {@link MojibakeRepair} first
 */
public record CleaningRules(int maxChars, OverMaxPolicy overMax, boolean repairMojibake) implements Serializable {

    public enum OverMaxPolicy { REJECT, KEEP }

    public static final int DEFAULT_MAX_CHARS = 10_000;

    /** @throws IllegalArgumentException naming the field and its value when maxChars &lt;= 0 or overMax is null */
    public CleaningRules {
        if (maxChars <= 0) {
            throw new IllegalArgumentException("maxChars must be > 0, got " + maxChars);
        }
        if (overMax == null) {
            throw new IllegalArgumentException("overMax must be REJECT or KEEP, got null");
        }
    }

    /** maxChars 10000, REJECT, repairMojibake true. */
    public static CleaningRules defaults() {
        return new CleaningRules(DEFAULT_MAX_CHARS, OverMaxPolicy.REJECT, true);
    }
}
