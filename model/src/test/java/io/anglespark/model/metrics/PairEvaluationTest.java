package io.anglespark.model.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PairEvaluationTest {

    @Test
    void aTextInSeveralPairsIsIndexedOnce() {
        ScoredPairs p = new ScoredPairs.Builder().add("a", "b", 1).add("b", "c", 2).add("a", "c", 3).add("a", "b", 4).build();
        assertEquals(List.of("a", "b", "c"), p.texts());
        assertArrayEquals(new int[]{0, 1, 0, 0}, p.left());
        assertArrayEquals(new int[]{1, 2, 2, 1}, p.right());
        assertArrayEquals(new double[]{1, 2, 3, 4}, p.gold(), 0);
        assertEquals(4, p.size());
    }

    @Test
    void scoresEveryPairWithEverySimilarityAndCorrelatesWithGold() {
        // text 0 is the query; texts 1..3 move away from it, and gold falls with them.
        float[][] v = {{1, 0}, {1, 0.1f}, {1, 1}, {0, 1}};
        ScoredPairs p = new ScoredPairs.Builder().add("q", "near", 5).add("q", "mid", 3).add("q", "far", 0).build();
        PairEvaluation e = PairEvaluation.evaluate(p, v);
        assertEquals(3, e.pairs());
        assertFalse(e.binary());
        assertEquals(Similarity.COSINE.of(v[0], v[2]), e.predicted().get(Similarity.COSINE)[1], 0);
        for (Similarity s : List.of(Similarity.COSINE, Similarity.NEG_EUCLIDEAN, Similarity.NEG_MANHATTAN)) {
            assertEquals(1, e.of(s).spearman().value(), 1e-12, s.label());
            assertTrue(e.of(s).pearson().value() > 0.9, s.label());
            assertNull(e.of(s).auc(), s.label());
        }
    }

    @Test
    void binaryLabelsAddAucAndIdenticalVectorsGiveUndefinedCorrelations() {
        float[][] v = {{1, 2}, {1, 2}, {1, 2}};
        ScoredPairs p = new ScoredPairs.Builder().add("x", "y", 1).add("x", "z", 0).add("y", "z", 1).build();
        PairEvaluation e = PairEvaluation.evaluate(p, v);
        assertTrue(e.binary());
        for (Similarity s : Similarity.values()) {
            assertTrue(e.of(s).spearman().undefinedReason().contains("constant"), s.label());
            assertEquals(0.5, e.of(s).auc().value(), 1e-15, s.label());
        }
    }

    @Test
    void vectorsMustMatchTheTexts() {
        ScoredPairs p = new ScoredPairs.Builder().add("x", "y", 1).build();
        assertThrows(IllegalArgumentException.class, () -> PairEvaluation.evaluate(p, new float[1][2]));
    }
}
