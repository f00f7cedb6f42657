package io.anglespark.prep.read;

import io.anglespark.prep.Outcome;
import io.anglespark.prep.Reason;
import io.anglespark.prep.ScoreRange;

import java.util.regex.Pattern;

import static io.anglespark.prep.read.ReadSupport.quote;

/**
 * Parses and checks similarity scores. Only plain decimal syntax is a number here,
 * {@code [+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?} after stripping surrounding whitespace, so {@code 5.000},
 * {@code 2.20}, {@code 3}, {@code .5} and {@code 1e0} parse, but Java-only spellings that
 * {@link Double#parseDouble} would take ({@code 0x1p3}, {@code 1d}, {@code Infinity}) do not.
 * <ul>
 *   <li>null, empty or blank: {@link Reason#UNSCORED} (an unscored pair, as later SemEval files write it);</li>
 *   <li>{@code NaN}, {@code inf}, {@code Infinity} in any case and with an optional sign, or a decimal too large
 *       for a double: {@link Reason#SCORE_NOT_FINITE};</li>
 *   <li>anything else that is not decimal syntax: {@link Reason#SCORE_UNPARSABLE};</li>
 *   <li>a number outside the closed range: {@link Reason#SCORE_OUT_OF_RANGE}.</li>
 * </ul>
 * A null range accepts any finite number. {@code -0} is returned as {@code 0.0}.
 */
public final class Scores {
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern NOT_FINITE = Pattern.compile("[+-]?(nan|inf|infinity)", Pattern.CASE_INSENSITIVE);

    private Scores() {
    }

    /**
     * @param raw       the field's text as read
     * @param range     the closed range the score must lie in, or null for any finite number
     * @param fieldName how details name the field, e.g. {@code score field (5)}
     */
    public static Outcome<Double> parse(String raw, ScoreRange range, String fieldName) {
        if (raw == null || raw.isBlank()) {
            return Outcome.reject(Reason.UNSCORED, "%s is empty", fieldName);
        }
        String s = raw.strip();
        if (NOT_FINITE.matcher(s).matches()) {
            return Outcome.reject(Reason.SCORE_NOT_FINITE, "%s %s is not a finite number", fieldName, quote(raw));
        }
        if (!DECIMAL.matcher(s).matches()) {
            return Outcome.reject(Reason.SCORE_UNPARSABLE, "%s %s is not a number", fieldName, quote(raw));
        }
        double value = Double.parseDouble(s);
        if (Double.isInfinite(value)) {
            return Outcome.reject(Reason.SCORE_NOT_FINITE, "%s %s is too large for a double", fieldName, quote(raw));
        }
        return inRange(value, s, range, fieldName);
    }

    /** Checks a score that arrived as a number (a JSON number, a Parquet double): finite and in range. */
    public static Outcome<Double> check(double value, ScoreRange range, String fieldName) {
        if (!Double.isFinite(value)) {
            return Outcome.reject(Reason.SCORE_NOT_FINITE, "%s %s is not a finite number", fieldName, value);
        }
        return inRange(value, format(value), range, fieldName);
    }

    private static Outcome<Double> inRange(double value, String shown, ScoreRange range, String fieldName) {
        if (range != null && !range.contains(value)) {
            return Outcome.reject(Reason.SCORE_OUT_OF_RANGE, "%s %s is outside [%s, %s]",
                    fieldName, quote(shown), format(range.min()), format(range.max()));
        }
        return Outcome.accept(value + 0.0); // -0.0 + 0.0 == +0.0
    }

    /** {@code 5} rather than {@code 5.0} for whole numbers, so range bounds read as the corpus writes them. */
    private static String format(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
