package io.anglespark.prep.clean;

import static io.anglespark.prep.JavaSerialization.roundTrip;
import io.anglespark.prep.Outcome;
import io.anglespark.prep.Reason;
import io.anglespark.prep.Rejection;
import io.anglespark.prep.SharedData;
import io.anglespark.prep.clean.CleaningRules.OverMaxPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.text.Normalizer;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TextCleanerTest {

    private static final TextCleaner DEFAULT = TextCleaner.withDefaults();

    static String accepted(Outcome<String> o) {
        return assertInstanceOf(Outcome.Accepted.class, o, () -> "rejected: " + o).value().toString();
    }

    static Rejection rejected(Outcome<?> o) {
        return assertInstanceOf(Outcome.Rejected.class, o, () -> "accepted: " + o).rejection();
    }

    @Test
    void stsbTrainLine2919HasItsControlByteTurnedIntoASpace() {
        String raw = SharedData.lines("stsbenchmark/sts-train.csv").get(2918).split("\t", -1)[5];
        assertTrue(raw.startsWith("Treasury\u0012s long-range plan"), raw);
        String clean = accepted(DEFAULT.clean(raw, "text1"));
        assertTrue(clean.startsWith("Treasury s long-range plan"), "a control character is a word break, not glue: " + clean);
        assertTrue(clean.chars().noneMatch(c -> c < 0x20), clean);
    }

    @Test
    void nulAndOtherControlsBetweenWordsBecomeOneSpace() {
        assertEquals("two dogs", accepted(DEFAULT.clean("two\u0000dogs", "text1")));
        assertEquals("a b c d", accepted(DEFAULT.clean("a\u007Fb\u0085\u0000c\u009Dd", "text1")), "DEL, C1 and runs of controls");
        assertEquals("x y", accepted(DEFAULT.clean("x \u0000 \u0001y", "text1")), "a control next to spaces adds no second space");
    }

    @Test
    void anUnpairedSurrogateIsRejectedNamingFieldAndPositionAndAPairIsKept() {
        Rejection high = rejected(DEFAULT.clean("ab\uD800c", "text2"));
        assertEquals(Reason.UNPAIRED_SURROGATE, high.reason());
        assertEquals("text2 has an unpaired surrogate U+D800 at character 3", high.detail());
        Rejection low = rejected(DEFAULT.clean("\uD83D\uDE00 \uDE00", "query"));
        assertEquals(Reason.UNPAIRED_SURROGATE, low.reason());
        assertEquals("query has an unpaired surrogate U+DE00 at character 3", low.detail(), "the emoji before it is one character");
        assertEquals("\uD83D\uDE00 ok", accepted(DEFAULT.clean("\uD83D\uDE00  ok", "text1")));
    }

    /** SOURCES.md: 311 train and 11 test lines have a leading or trailing space (python3 {@code s != s.strip()} agrees; dev has none). */
    @ParameterizedTest(name = "{0}: {1} lines with outer spaces")
    @CsvSource({"sts-train.csv, 311", "sts-dev.csv, 0", "sts-test.csv, 11"})
    void stsbSentencesWithOuterSpacesEndTrimmedAndEverySentenceIsClean(String file, int expectedPadded) {
        int padded = 0;
        for (String line : SharedData.lines("stsbenchmark/" + file)) {
            String[] f = line.split("\t", -1);
            boolean linePadded = false;
            for (String raw : new String[] {f[5], f[6]}) {
                linePadded |= !raw.equals(raw.strip());
                String clean = accepted(DEFAULT.clean(raw, "text1"));
                assertEquals(clean, clean.strip(), "trimmed");
                assertFalse(clean.contains("  "), "collapsed: " + clean);
                assertTrue(Normalizer.isNormalized(clean, Normalizer.Form.NFC));
                assertTrue(clean.codePoints().noneMatch(c -> Character.getType(c) == Character.CONTROL), clean);
            }
            padded += linePadded ? 1 : 0;
        }
        assertEquals(expectedPadded, padded);
    }

    @Test
    void tenMegabyteTextIsRejectedFastAsTooLong() {
        String words = "word ".repeat(2_000_000);
        String hostile = "e\u0301\u00A0‚Äô\u200B\t".repeat(1_250_000); // NFD, NBSP, mojibake, zero-width, tab
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            Rejection r = rejected(DEFAULT.clean(words, "positive"));
            assertEquals(Reason.TOO_LONG, r.reason());
            assertEquals("positive has 9999999 code points after cleaning, limit 10000", r.detail());
            Rejection h = rejected(DEFAULT.clean(hostile, "text2"));
            assertEquals(Reason.TOO_LONG, h.reason());
            assertTrue(h.detail().startsWith("text2 has 4999999 code points"), h.detail()); // "é ’ " per repetition, less the last space
        });
    }

    @Test
    void keepPolicyAcceptsALongTextWhole() {
        TextCleaner keep = new TextCleaner(new CleaningRules(10, OverMaxPolicy.KEEP, true));
        assertEquals("a".repeat(50), accepted(keep.clean("  " + "a".repeat(50) + " ", "text1")));
    }

    @Test
    void maxCharsCountsCodePointsNotChars() {
        TextCleaner five = new TextCleaner(new CleaningRules(5, OverMaxPolicy.REJECT, true));
        assertEquals("😀".repeat(5), accepted(five.clean("😀".repeat(5), "text1")));
        Rejection r = rejected(five.clean("😀".repeat(6), "text1"));
        assertEquals(Reason.TOO_LONG, r.reason());
        assertEquals("text1 has 6 code points after cleaning, limit 5", r.detail());
    }

    @Test
    void onlyControlAndInvisibleCharactersIsEmptyText() {
        Rejection r = rejected(DEFAULT.clean("\u0001\u0012\u007F\u0085\u200B\uFEFF\u2060 \t\r\n\u3000", "negative"));
        assertEquals(Reason.EMPTY_TEXT, r.reason());
        assertTrue(r.detail().contains("negative"), r.detail());
        assertEquals(Reason.EMPTY_TEXT, rejected(DEFAULT.clean(null, "query")).reason());
        assertEquals(Reason.EMPTY_TEXT, rejected(DEFAULT.clean("", "query")).reason());
    }

    @Test
    void mixedNfdInputBecomesNfc() {
        String nfd = "Cafe\u0301 Zu\u0308rich A\u030Angstro\u0308m";
        assertEquals("Café Zürich Ångström", accepted(DEFAULT.clean(nfd, "text1")));
        // the removed zero-width character sat between base and mark: NFC is applied again
        assertEquals("\u00E9", accepted(DEFAULT.clean("e\u200B\u0301", "text1")));
    }

    @Test
    void everyKindOfWhitespaceBecomesOneSpace() {
        assertEquals("a b c d e f g h i",
                accepted(DEFAULT.clean("\t a\tb\u00A0c\u3000d\u2028e\u0085f\r\n g\u000Bh\u202F\u2009i \u001F", "text1")));
    }

    @Test
    void aWhitespaceSwapThatKeepsTheLengthIsStillApplied() {
        assertEquals("a b", accepted(DEFAULT.clean("a\tb", "text1")));
        assertEquals("x y", accepted(DEFAULT.clean("x\u00A0y", "text1")));
    }

    @Test
    void zeroWidthCharactersAndBomAreRemovedNotSpaced() {
        assertEquals("zerowidthjoin", accepted(DEFAULT.clean("\uFEFFzero\u200Bwidth\u200C\u200D\u2060join", "text1")));
    }

    @Test
    void mojibakeIsRepairedOnlyWhenEnabled() {
        TextCleaner noRepair = new TextCleaner(new CleaningRules(100, OverMaxPolicy.REJECT, false));
        assertEquals("President’s message", accepted(DEFAULT.clean(" President‚Äôs  message ", "text1")));
        assertEquals("President‚Äôs message", accepted(noRepair.clean(" President‚Äôs  message ", "text1")));
    }

    @Test
    void cleaningRulesRejectBadValuesNamingFieldAndValue() {
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> new CleaningRules(0, OverMaxPolicy.KEEP, true));
        assertEquals("maxChars must be > 0, got 0", zero.getMessage());
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class, () -> new CleaningRules(-5, OverMaxPolicy.KEEP, true));
        assertTrue(negative.getMessage().contains("maxChars") && negative.getMessage().contains("-5"));
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> new CleaningRules(5, null, true));
        assertEquals("overMax must be REJECT or KEEP, got null", none.getMessage());
        assertEquals(new CleaningRules(10_000, OverMaxPolicy.REJECT, true), CleaningRules.defaults());
    }

    @Test
    void cleanerSurvivesJavaSerialization() throws Exception {
        TextCleaner copy = roundTrip(new TextCleaner(new CleaningRules(7, OverMaxPolicy.REJECT, true)));
        assertEquals(new CleaningRules(7, OverMaxPolicy.REJECT, true), copy.rules());
        assertEquals("’’", accepted(copy.clean("‚Äô‚Äô", "text1")));
        assertEquals(Reason.TOO_LONG, rejected(copy.clean("12345678", "text1")).reason());
    }

}
