package io.anglespark.prep.clean;

import io.anglespark.prep.Example;
import io.anglespark.prep.NliLabel;
import io.anglespark.prep.Outcome;
import io.anglespark.prep.Reason;
import io.anglespark.prep.Rejection;
import org.junit.jupiter.api.Test;

import static io.anglespark.prep.clean.TextCleanerTest.rejected;
import static io.anglespark.prep.JavaSerialization.roundTrip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

class ExampleCleanerTest {

    private static final ExampleCleaner CLEANER = new ExampleCleaner(TextCleaner.withDefaults());

    private static Example accepted(Outcome<Example> o) {
        return (Example) assertInstanceOf(Outcome.Accepted.class, o, () -> "rejected: " + o).value();
    }

    private static String rejectedField(Example e) {
        Rejection r = rejected(CLEANER.clean(e));
        assertEquals(Reason.EMPTY_TEXT, r.reason());
        return r.detail().substring(0, r.detail().indexOf(' '));
    }

    @Test
    void cleansEveryTextAndKeepsKindScoreAndLabel() {
        Example scored = accepted(CLEANER.clean(Example.scored(" A  man ", "President‚Äôs\u200B day", 3.8, NliLabel.NEUTRAL)));
        assertEquals(Example.scored("A man", "President’s day", 3.8, NliLabel.NEUTRAL), scored);
        Example triplet = accepted(CLEANER.clean(Example.triplet("q\t", " p", "n\u0012")));
        assertEquals(Example.triplet("q", "p", "n"), triplet);
        Example nli = accepted(CLEANER.clean(Example.nli("Cafe\u0301", "ok", NliLabel.CONTRADICTION)));
        assertEquals(Example.nli("Café", "ok", NliLabel.CONTRADICTION), nli);
        assertNull(nli.text3());
    }

    @Test
    void rejectionNamesTheFieldByKind() {
        assertEquals("text1", rejectedField(Example.scored(" ", "b", 1)));
        assertEquals("text2", rejectedField(Example.scored("a", "\u200B", 1)));
        assertEquals("text2", rejectedField(Example.nli("a", "", NliLabel.ENTAILMENT)));
        assertEquals("query", rejectedField(Example.positive("\t", "b")));
        assertEquals("positive", rejectedField(Example.positive("a", "\u0001")));
        assertEquals("query", rejectedField(Example.triplet("", "b", "c")));
        assertEquals("positive", rejectedField(Example.triplet("a", " ", "c")));
        assertEquals("negative", rejectedField(Example.triplet("a", "b", "\uFEFF")));
    }

    @Test
    void firstRejectedFieldWins() {
        assertEquals("text1", rejectedField(Example.scored("", "", 1)));
        assertEquals("positive", rejectedField(Example.triplet("a", "", "")));
        ExampleCleaner short3 = new ExampleCleaner(new TextCleaner(new CleaningRules(3, CleaningRules.OverMaxPolicy.REJECT, true)));
        Rejection r = rejected(short3.clean(Example.triplet("abc", "abcd", "")));
        assertEquals(Reason.TOO_LONG, r.reason(), "positive (too long) comes before negative (empty)");
        assertEquals("positive has 4 code points after cleaning, limit 3", r.detail());
    }

    @Test
    void exampleCleanerSurvivesJavaSerialization() throws Exception {
        ExampleCleaner copy = roundTrip(CLEANER);
        assertEquals(CLEANER, copy);
        assertEquals(Example.positive("a b", "c"), accepted(copy.clean(Example.positive(" a\u00A0b", "c "))));
    }
}
