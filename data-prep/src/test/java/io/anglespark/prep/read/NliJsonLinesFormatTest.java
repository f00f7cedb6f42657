package io.anglespark.prep.read;

import io.anglespark.prep.Example;
import io.anglespark.prep.NliLabel;
import io.anglespark.prep.Outcome;
import io.anglespark.prep.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NliJsonLinesFormatTest {
    private static final NliJsonLinesFormat FORMAT = new NliJsonLinesFormat();

    private static Map<NliLabel, Integer> labels(List<Example> examples) {
        Map<NliLabel, Integer> m = new EnumMap<>(NliLabel.class);
        examples.forEach(e -> m.merge(e.nliLabel(), 1, Integer::sum));
        return m;
    }

    /*
     * Counted independently with Python's json module (each line parsed, gold_label tallied):
     *   esnli-snli-dev.jsonl  9842 lines: entailment 3329, neutral 3235, contradiction 3278
     *   esnli-snli-test.jsonl 9824 lines: entailment 3368, neutral 3219, contradiction 3237
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "nli/esnli-snli-dev.jsonl,  9842, 3329, 3235, 3278",
            "nli/esnli-snli-test.jsonl, 9824, 3368, 3219, 3237"})
    void everyESnliLineIsAcceptedWithItsLabel(String file, int rows, int entailment, int neutral, int contradiction) {
        List<Outcome<Example>> outcomes = Reading.readShared(FORMAT, file);
        assertEquals(rows, outcomes.size());
        assertEquals(Map.of(), Reading.reasons(outcomes));
        assertEquals(Map.of(NliLabel.ENTAILMENT, entailment, NliLabel.NEUTRAL, neutral,
                NliLabel.CONTRADICTION, contradiction), labels(Reading.acceptedOnly(outcomes)));
    }

    /*
     * snli-sample has 1289 records (the last line has no newline, so wc -l says 1288).
     *   grep -c '"gold_label": "-"' snli_1.0_dev.jsonl  -> 16
     * and Python's json module agrees: 16 '-', entailment 433, neutral 421, contradiction 419.
     */
    @Test
    void originalSnliSchemaIsReadAndItsDashLabelsAreNoGoldLabel() {
        List<Outcome<Example>> outcomes = Reading.readShared(FORMAT, "snli-sample/snli_1.0_dev.jsonl");
        assertEquals(1289, outcomes.size());
        assertEquals(Map.of(Reason.NO_GOLD_LABEL, 16), Reading.reasons(outcomes));
        List<Example> accepted = Reading.acceptedOnly(outcomes);
        assertEquals(Map.of(NliLabel.ENTAILMENT, 433, NliLabel.NEUTRAL, 421, NliLabel.CONTRADICTION, 419),
                labels(accepted));
        // first record of the file; the extra members (parses, annotator_labels, ids) are ignored
        assertEquals(Example.nli("Two women are embracing while holding to go packages.",
                "The sisters are hugging goodbye while holding to go packages after just eating lunch.",
                NliLabel.NEUTRAL), accepted.get(0));
    }

    @Test
    void malformedAndIncompleteLinesGetOneReasonEach() {
        List<Outcome<Example>> o = Reading.readFixture(FORMAT, "nli-malformed.jsonl");
        assertEquals(10, o.size());
        assertEquals(Example.nli("A man is playing a guitar.", "A person plays music.", NliLabel.ENTAILMENT),
                Reading.accepted(o.get(0)));
        Reading.assertRejected(o.get(1), Reason.INVALID_JSON);      // truncated mid-string
        Reading.assertRejected(o.get(2), Reason.INVALID_JSON);      // trailing text after the object
        Reading.assertRejected(o.get(3), Reason.INVALID_JSON);      // an array, not an object
        assertEquals("expected a JSON object, found an array", Reading.rejected(o.get(3)).detail());
        Reading.assertRejected(o.get(4), Reason.MISSING_FIELD);
        assertEquals("field 'sentence2' is absent", Reading.rejected(o.get(4)).detail());
        Reading.assertRejected(o.get(5), Reason.MISSING_FIELD);
        assertEquals("field 'sentence2' is null, not a string", Reading.rejected(o.get(5)).detail());
        Reading.assertRejected(o.get(6), Reason.MISSING_FIELD);
        assertEquals("field 'sentence1' is a number, not a string", Reading.rejected(o.get(6)).detail());
        Reading.assertRejected(o.get(7), Reason.NO_GOLD_LABEL);
        Reading.assertRejected(o.get(8), Reason.UNKNOWN_LABEL);
        assertTrue(Reading.rejected(o.get(8)).detail().contains("'maybe'"));
        Reading.assertRejected(o.get(9), Reason.INVALID_JSON);      // gold_label twice: ambiguous
    }

    @Test
    void truncatedJsonDetailSaysWhereParsingFailedWithoutEchoingTheLine() {
        String line = "{\"sentence1\": \"" + "word ".repeat(100);
        String detail = Reading.rejected(FORMAT.bind("f", null).read(line)).detail();
        assertTrue(detail.startsWith("not valid JSON at column "), detail);
        assertTrue(detail.length() < 160, detail);
    }

    @Test
    void memberNamesAreConfigurable() {
        RecordReader r = new NliJsonLinesFormat("premise", "hypothesis", "label").bind("f", null);
        assertEquals(Example.nli("p", "h", NliLabel.CONTRADICTION),
                Reading.accepted(r.read("{\"premise\":\"p\",\"hypothesis\":\"h\",\"label\":\"CONTRADICTION\"}\r")));
        Reading.assertRejected(r.read("{\"sentence1\":\"p\",\"sentence2\":\"h\",\"gold_label\":\"neutral\"}"),
                Reason.MISSING_FIELD);
        Reading.assertRejected(r.read("   "), Reason.BLANK_LINE);
        assertThrows(IllegalArgumentException.class, () -> new NliJsonLinesFormat("premise", " ", "label"));
    }
}
