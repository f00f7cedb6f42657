package io.anglespark.prep.read;

import io.anglespark.prep.Outcome;
import io.anglespark.prep.Reason;
import io.anglespark.prep.Rejection;
import io.anglespark.prep.ScoreRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScoresTest {

    static Stream<Arguments> acceptedOnZeroToFive() {
        return Stream.of(
                Arguments.of("5.000", 5.0),      // STS-B's three-decimal style
                Arguments.of("2.20", 2.2),
                Arguments.of("3", 3.0),
                Arguments.of("0", 0.0),
                Arguments.of("2.33333333333333", 2.33333333333333), // STS-B dev writes some scores like this
                Arguments.of("+4.5", 4.5),
                Arguments.of(".5", 0.5),
                Arguments.of("5.", 5.0),
                Arguments.of("4E-1", 0.4),
                Arguments.of("5e0", 5.0),
                Arguments.of("  3.8\t", 3.8),    // surrounding whitespace is stripped
                Arguments.of("-0", 0.0),         // Double.equals tells -0.0 from 0.0: this proves +0.0
                Arguments.of("-0.0", 0.0));
    }

    @ParameterizedTest(name = "[{index}] \"{0}\" -> {1}")
    @MethodSource("acceptedOnZeroToFive")
    void decimalScoresInsideTheRangeParseToTheirValue(String raw, double expected) {
        Outcome<Double> o = Scores.parse(raw, ScoreRange.STS, "score");
        assertEquals(Outcome.accept(expected), o);
    }

    static Stream<Arguments> rejectedOnZeroToFive() {
        return Stream.of(
                Arguments.of(null, Reason.UNSCORED),
                Arguments.of("", Reason.UNSCORED),
                Arguments.of("   ", Reason.UNSCORED),
                Arguments.of("\t", Reason.UNSCORED),
                Arguments.of("NaN", Reason.SCORE_NOT_FINITE),
                Arguments.of("nan", Reason.SCORE_NOT_FINITE),
                Arguments.of("-NaN", Reason.SCORE_NOT_FINITE),
                Arguments.of("inf", Reason.SCORE_NOT_FINITE),
                Arguments.of("-INF", Reason.SCORE_NOT_FINITE),
                Arguments.of("Infinity", Reason.SCORE_NOT_FINITE),
                Arguments.of("+infinity", Reason.SCORE_NOT_FINITE),
                Arguments.of("1e999", Reason.SCORE_NOT_FINITE),  // decimal syntax, but overflows a double
                Arguments.of("abc", Reason.SCORE_UNPARSABLE),
                Arguments.of("0x1p3", Reason.SCORE_UNPARSABLE),  // Java hex float: parseDouble would take it
                Arguments.of("1d", Reason.SCORE_UNPARSABLE),     // Java type suffixes
                Arguments.of("2f", Reason.SCORE_UNPARSABLE),
                Arguments.of("1,5", Reason.SCORE_UNPARSABLE),
                Arguments.of("1.2.3", Reason.SCORE_UNPARSABLE),
                Arguments.of(".", Reason.SCORE_UNPARSABLE),
                Arguments.of("+", Reason.SCORE_UNPARSABLE),
                Arguments.of("e5", Reason.SCORE_UNPARSABLE),
                Arguments.of("5e", Reason.SCORE_UNPARSABLE),
                Arguments.of("--1", Reason.SCORE_UNPARSABLE),
                Arguments.of("3 4", Reason.SCORE_UNPARSABLE),
                Arguments.of("\u0663", Reason.SCORE_UNPARSABLE), // ARABIC-INDIC DIGIT THREE is not an ASCII digit
                Arguments.of("Infinite", Reason.SCORE_UNPARSABLE),
                Arguments.of("5.0001", Reason.SCORE_OUT_OF_RANGE),
                Arguments.of("-0.1", Reason.SCORE_OUT_OF_RANGE),
                Arguments.of("6", Reason.SCORE_OUT_OF_RANGE),
                Arguments.of("1e1", Reason.SCORE_OUT_OF_RANGE));
    }

    @ParameterizedTest(name = "[{index}] \"{0}\" -> {1}")
    @MethodSource("rejectedOnZeroToFive")
    void nonDecimalEmptyNonFiniteAndOutOfRangeScoresAreRejectedWithTheirReason(String raw, Reason expected) {
        Outcome<Double> o = Scores.parse(raw, ScoreRange.STS, "score");
        assertEquals(expected, Reading.rejected(o).reason());
    }

    @Test
    void sickRangeRejectsScoresBelowOneThatStsAccepts() {
        assertTrue(Scores.parse("0.5", ScoreRange.STS, "s").isAccepted());
        assertEquals(Reason.SCORE_OUT_OF_RANGE, Reading.rejected(Scores.parse("0.5", ScoreRange.SICK, "s")).reason());
    }

    @Test
    void nullRangeAcceptsAnyFiniteNumberButNotNaN() {
        assertEquals(Outcome.accept(-1234.5), Scores.parse("-1234.5", null, "label"));
        assertEquals(Reason.SCORE_NOT_FINITE, Reading.rejected(Scores.parse("NaN", null, "label")).reason());
        assertEquals(Reason.SCORE_NOT_FINITE, Reading.rejected(Scores.parse("1e400", null, "label")).reason());
    }

    @Test
    void detailsNameTheFieldTheValueAndTheRange() {
        Rejection unparsable = Reading.rejected(Scores.parse("abc", ScoreRange.STS, "score field (5)"));
        assertEquals("score field (5) 'abc' is not a number", unparsable.detail());

        Rejection outside = Reading.rejected(Scores.parse("7.5", ScoreRange.SICK, "relatedness_score field (4)"));
        assertEquals("relatedness_score field (4) '7.5' is outside [1, 5]", outside.detail());

        Rejection empty = Reading.rejected(Scores.parse("", ScoreRange.STS, "score field (1)"));
        assertEquals("score field (1) is empty", empty.detail());
    }

    @Test
    void aLongValueIsCutInTheDetail() {
        String raw = "x".repeat(500);
        Rejection r = Reading.rejected(Scores.parse(raw, ScoreRange.STS, "score"));
        assertFalse(r.detail().contains(raw));
        assertTrue(r.detail().length() < 120, r.detail());
        assertTrue(r.detail().contains("'" + "x".repeat(50)), r.detail());
    }

    @Test
    void checkAcceptsFiniteNumbersInRangeAndRejectsTheRest() {
        assertEquals(Outcome.accept(4.0), Scores.check(4.0, ScoreRange.STS, "label"));
        assertEquals(Reason.SCORE_NOT_FINITE, Reading.rejected(Scores.check(Double.NaN, null, "label")).reason());
        assertEquals(Reason.SCORE_NOT_FINITE,
                Reading.rejected(Scores.check(Double.NEGATIVE_INFINITY, ScoreRange.STS, "label")).reason());
        assertEquals(Reason.SCORE_OUT_OF_RANGE, Reading.rejected(Scores.check(5.5, ScoreRange.STS, "label")).reason());
    }
}
