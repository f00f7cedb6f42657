package io.anglespark.prep.pair;

import io.anglespark.prep.Outcome;
import io.anglespark.prep.RowRef;
import io.anglespark.prep.SharedData;
import io.anglespark.prep.clean.TextCleaner;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * The STS-B duplicate table of SOURCES.md, recomputed with {@link PairKey} and {@link DuplicateResolver}.
 * Rows are the lines split on TAB (score = field 4, sentences = fields 5 and 6).
 * <ul>
 *   <li>groups: keys held by more than one row of the file; extra rows: the sum of (group size - 1);
 *       groups with different scores: groups the resolver reports as a conflict (scores compared as numbers,
 *       so {@code 3} and {@code 3.000} agree).</li>
 *   <li>"dev (test) pairs also in train": the dev (test) rows whose key occurs in train. Measured with python3,
 *       counting distinct keys instead gives the same figures (6 / 7 ordered, 7 / 12 order-insensitive), so
 *       SOURCES.md is unambiguous; this test asserts both.</li>
 * </ul>
 * Cleaned figures: the sentences cleaned with the default rules (maxChars 10000, REJECT, mojibake repair on).
 * Measured first with an independent python3 script (NFC, removal of Cc except whitespace and of zero-width
 * characters, whitespace collapse and trim, and mojibake repair done both by a re-implementation of the
 * rule and by plain replacement of ‚Äô ‚Äė ‚Äď): cleaning changes 354 / 8 / 16 lines but merges no two keys
 * anywhere in the three files, so every cleaned figure equals the raw one.
 */
class StsbDuplicateCountsTest {

    private record Row(RowRef ref, double score, String s1, String s2) {
    }

    /** groups / extra rows / groups with different scores, then rows and distinct keys also in train (not for train). */
    private record Counts(int groups, int extraRows, int conflicts, int rowsInTrain, int keysInTrain) {
    }

    private static final DuplicateResolver RESOLVER = new DuplicateResolver(DuplicateResolver.ConflictPolicy.MEAN);

    private static List<Row> rows(String file, UnaryOperator<String> clean) {
        List<String> lines = SharedData.lines("stsbenchmark/" + file);
        List<Row> out = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String[] f = lines.get(i).split("\t", -1);
            out.add(new Row(new RowRef("stsb", file, i + 1), Double.parseDouble(f[4]), clean.apply(f[5]), clean.apply(f[6])));
        }
        return out;
    }

    private static Map<String, List<CandidatePair>> groups(List<Row> rows, BinaryOperator<String> key) {
        Map<String, List<CandidatePair>> groups = new LinkedHashMap<>();
        for (Row r : rows) {
            groups.computeIfAbsent(key.apply(r.s1(), r.s2()), k -> new ArrayList<>())
                    .add(new CandidatePair(r.ref(), r.s1(), r.s2(), r.score()));
        }
        return groups;
    }

    private static Counts counts(List<Row> rows, BinaryOperator<String> key, Set<String> trainKeys) {
        int groups = 0;
        int extra = 0;
        int conflicts = 0;
        for (List<CandidatePair> group : groups(rows, key).values()) {
            Resolution r = RESOLVER.resolve(group);
            assertEquals(group.size() - 1, r.dropped().size());
            if (group.size() > 1) {
                groups++;
                extra += group.size() - 1;
                conflicts += r.conflict() ? 1 : 0;
            }
        }
        int rowsInTrain = (int) rows.stream().filter(r -> trainKeys.contains(key.apply(r.s1(), r.s2()))).count();
        int keysInTrain = (int) groups(rows, key).keySet().stream().filter(trainKeys::contains).count();
        return new Counts(groups, extra, conflicts, rowsInTrain, keysInTrain);
    }

    /** Asserts one row of the table: train, dev and test counts, dev and test rows also in train. */
    private static void assertTable(UnaryOperator<String> clean, BinaryOperator<String> key, Counts train, Counts dev, Counts test) {
        List<Row> trainRows = rows("sts-train.csv", clean);
        Set<String> trainKeys = groups(trainRows, key).keySet();
        assertEquals(train, counts(trainRows, key, Set.of()), "train");
        assertEquals(dev, counts(rows("sts-dev.csv", clean), key, trainKeys), "dev");
        assertEquals(test, counts(rows("sts-test.csv", clean), key, trainKeys), "test");
    }

    private static String cleaned(String raw) {
        Outcome<String> o = TextCleaner.withDefaults().clean(raw, "sentence");
        return (String) assertInstanceOf(Outcome.Accepted.class, o, () -> "rejected: " + o).value();
    }

    @Test
    void rawOrderedKeysGiveTheSourcesTable() {
        assertTable(UnaryOperator.identity(), PairKey::ordered,
                new Counts(39, 43, 4, 0, 0), new Counts(2, 2, 0, 6, 6), new Counts(1, 1, 0, 7, 7));
    }

    @Test
    void rawOrderInsensitiveKeysGiveTheSourcesTable() {
        assertTable(UnaryOperator.identity(), PairKey::orderInsensitive,
                new Counts(47, 57, 13, 0, 0), new Counts(3, 3, 0, 7, 7), new Counts(2, 2, 1, 12, 12));
    }

    @Test
    void cleanedOrderedKeysMergeNoFurtherRows() {
        assertTable(StsbDuplicateCountsTest::cleaned, PairKey::ordered,
                new Counts(39, 43, 4, 0, 0), new Counts(2, 2, 0, 6, 6), new Counts(1, 1, 0, 7, 7));
    }

    @Test
    void cleanedOrderInsensitiveKeysMergeNoFurtherRows() {
        assertTable(StsbDuplicateCountsTest::cleaned, PairKey::orderInsensitive,
                new Counts(47, 57, 13, 0, 0), new Counts(3, 3, 0, 7, 7), new Counts(2, 2, 1, 12, 12));
    }

    @Test
    void oneTrainRowHasIdenticalSentencesBeforeAndAfterCleaning() {
        assertEquals(1, rows("sts-train.csv", UnaryOperator.identity()).stream().filter(r -> r.s1().equals(r.s2())).count());
        assertEquals(1, rows("sts-train.csv", StsbDuplicateCountsTest::cleaned).stream().filter(r -> r.s1().equals(r.s2())).count());
    }
}
