package io.anglespark.prep.read;

import io.anglespark.prep.Example;
import io.anglespark.prep.NliLabel;
import io.anglespark.prep.Outcome;
import io.anglespark.prep.Reason;
import io.anglespark.prep.SharedData;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NliTsvFormatTest {
    private static final NliTsvFormat FORMAT = new NliTsvFormat();
    private static final String TAXI = "nli/taxinli10k.tsv";

    /*
     * Checked independently on the file:
     *   grep -c '' taxinli10k.tsv                                     -> 10072 lines = header + 10071 rows
     *   awk -F'\t' 'NR>1{c[NF" "$3]++} END{for(k in c) print k, c[k]}' -> every row has 24 fields;
     *       entailment 3495, contradiction 3375, neutral 3201 (so nothing is rejected)
     *   awk -F'\t' 'NR>1 && ($1 ~ /"/ || $2 ~ /"/)' | wc -l           -> 207 rows with '"' in prem or hyp
     *   grep -o '"' taxinli10k.tsv | wc -l                            -> 2016 quote characters, all in prem or hyp
     */
    @Test
    void everyTaxiNliRowIsAcceptedWithItsMultiNliLabel() {
        List<Outcome<Example>> outcomes = Reading.readShared(FORMAT, TAXI);
        assertEquals(10071, outcomes.size());
        assertEquals(Map.of(), Reading.reasons(outcomes));

        Map<NliLabel, Integer> labels = new EnumMap<>(NliLabel.class);
        List<Example> accepted = Reading.acceptedOnly(outcomes);
        accepted.forEach(e -> labels.merge(e.nliLabel(), 1, Integer::sum));
        assertEquals(Map.of(NliLabel.ENTAILMENT, 3495, NliLabel.CONTRADICTION, 3375, NliLabel.NEUTRAL, 3201), labels);
    }

    @Test
    void taxiNliQuotesAreKeptAsTextWithQuotingOff() {
        List<Example> accepted = Reading.acceptedOnly(Reading.readShared(FORMAT, TAXI));
        long rowsWithQuote = accepted.stream().filter(e -> (e.text1() + e.text2()).indexOf('"') >= 0).count();
        long quotes = accepted.stream().mapToLong(e -> (e.text1() + e.text2()).chars().filter(c -> c == '"').count()).sum();
        assertEquals(207, rowsWithQuote);
        assertEquals(2016, quotes);
    }

    @Test
    void theGoldLabelIsTheLabelColumnNotTheReannotation() {
        // annotated_label is '-' on 39 rows (awk -F'\t' 'NR>1 && $4=="-"' | wc -l); read as the label it would reject them
        NliTsvFormat reannotated = new NliTsvFormat("prem", "hyp", "annotated_label");
        List<Outcome<Example>> outcomes = Reading.readShared(reannotated, TAXI);
        assertEquals(Map.of(Reason.NO_GOLD_LABEL, 39), Reading.reasons(outcomes));
    }

    @Test
    void rowWithAFieldCountOtherThanTheHeadersIsRejected() {
        List<String> header = SharedData.lines(TAXI).subList(0, 1);
        RecordReader r = FORMAT.bind(TAXI, header.get(0));
        Outcome<Example> o = r.read("a premise\ta hypothesis\tneutral");
        Reading.assertRejected(o, Reason.WRONG_FIELD_COUNT);
        assertEquals("expected 24 TAB-separated fields (as the header), found 3", Reading.rejected(o).detail());
    }

    @Test
    void configuredColumnsAreResolvedFromTheHeaderAndAMissingOneFailsBind() {
        NliTsvFormat mnli = new NliTsvFormat("sentence1", "sentence2", "gold_label");
        RecordReader r = mnli.bind("mnli.txt", "gold_label\tsentence1\tsentence2\r");
        assertEquals(Example.nli("p \"q\"", "h", NliLabel.NEUTRAL), Reading.accepted(r.read("neutral\tp \"q\"\th\r")));
        Reading.assertRejected(r.read("-\tp\th"), Reason.NO_GOLD_LABEL);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> mnli.bind("mnli.txt", "gold_label\tsentence1\thypothesis"));
        assertTrue(e.getMessage().contains("mnli.txt") && e.getMessage().contains("'sentence2'"), e.getMessage());
    }
}
