package io.anglespark.prep;

import java.util.Locale;
import java.util.Optional;

/** Three-way NLI gold label, as SNLI, MultiNLI and SICK spell it (case-insensitive). */
public enum NliLabel {
    ENTAILMENT, NEUTRAL, CONTRADICTION;

    /** Parses {@code entailment}, {@code NEUTRAL}, ...; empty for anything else (including SNLI's {@code -}). */
    public static Optional<NliLabel> parse(String s) {
        if (s == null) {
            return Optional.empty();
        }
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "entailment" -> Optional.of(ENTAILMENT);
            case "neutral" -> Optional.of(NEUTRAL);
            case "contradiction" -> Optional.of(CONTRADICTION);
            default -> Optional.empty();
        };
    }
}
