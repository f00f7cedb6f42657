package io.anglespark.prep.read;

import io.anglespark.prep.ExampleShape;
import static io.anglespark.prep.JavaSerialization.roundTrip;
import io.anglespark.prep.ScoreRange;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ColumnMappingTest {

    private static void assertRejectedNaming(String expectedInMessage, Runnable construction) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, construction::run);
        assertTrue(e.getMessage().contains(expectedInMessage), e.getMessage());
    }

    @Test
    void aRequiredTargetFieldWithoutAColumnIsRejectedNamingTheField() {
        assertRejectedNaming("'label'", () -> new ColumnMapping(ExampleShape.SCORED_PAIR, Map.of("text1", "a", "text2", "b"), null));
        assertRejectedNaming("'negative'", () -> new ColumnMapping(ExampleShape.TRIPLET, Map.of("query", "q", "positive", "p"), null));
        assertRejectedNaming("'positive'", () -> ColumnMapping.b("q", " "));
        Map<String, String> withNull = new HashMap<>(Map.of("query", "q"));
        withNull.put("positive", null);
        assertRejectedNaming("'positive'", () -> new ColumnMapping(ExampleShape.POSITIVE_PAIR, withNull, null));
    }

    @Test
    void aFieldTheTargetDoesNotHaveIsRejected() {
        assertRejectedNaming("'negative'",
                () -> new ColumnMapping(ExampleShape.POSITIVE_PAIR, Map.of("query", "q", "positive", "p", "negative", "n"), null));
    }

    @Test
    void twoTargetFieldsOnOneColumnAreRejected() {
        assertRejectedNaming("'text'", () -> ColumnMapping.b("text", "text"));
    }

    @Test
    void aLabelRangeIsForScoredPairsOnly() {
        assertRejectedNaming("applies to scored pairs only",
                () -> new ColumnMapping(ExampleShape.POSITIVE_PAIR, Map.of("query", "q", "positive", "p"), ScoreRange.STS));
        assertEquals(ScoreRange.STS, ColumnMapping.a("s1", "s2", "score", ScoreRange.STS).labelRange());
    }

    @Test
    void sourceColumnsFollowTheTargetFieldOrderAndTheMapIsACopy() {
        Map<String, String> columns = new HashMap<>(Map.of("negative", "neg", "query", "q", "positive", "pos"));
        ColumnMapping m = new ColumnMapping(ExampleShape.TRIPLET, columns, null);
        columns.put("query", "changed");
        assertEquals(List.of("q", "pos", "neg"), m.sourceColumns());
        assertEquals("pos", m.column("positive"));
        assertEquals(m, roundTrip(m));
    }
}
