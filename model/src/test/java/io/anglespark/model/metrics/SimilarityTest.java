package io.anglespark.model.metrics;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimilarityTest {
    private static final float[] X = {1, 0};
    private static final float[] Y = {0, 1};
    private static final float[] A = {3, 4};
    private static final float[] TWICE_A = {6, 8};

    @Test
    void orthogonalUnitVectorsHaveCosineAndDotZeroAndDistancesRootTwoAndTwo() {
        assertEquals(0, Similarity.COSINE.of(X, Y), 0);
        assertEquals(0, Similarity.DOT.of(X, Y), 0);
        assertEquals(-Math.sqrt(2), Similarity.NEG_EUCLIDEAN.of(X, Y), 1e-15);
        assertEquals(-2, Similarity.NEG_MANHATTAN.of(X, Y), 0);
    }

    @Test
    void parallelVectorsOfDifferentLengthHaveCosineOneButDistinctDotAndDistances() {
        assertEquals(1, Similarity.COSINE.of(A, TWICE_A), 1e-15);
        assertEquals(3 * 6 + 4 * 8, Similarity.DOT.of(A, TWICE_A), 0);
        assertEquals(-5, Similarity.NEG_EUCLIDEAN.of(A, TWICE_A), 1e-15);
        assertEquals(-7, Similarity.NEG_MANHATTAN.of(A, TWICE_A), 0);
    }

    @Test
    void largerMeansMoreSimilarForEverySimilarity() {
        float[] near = {3.1f, 4.1f};
        float[] far = {-4, 3};
        for (Similarity s : Similarity.values()) {
            assertTrue(s.of(A, near) > s.of(A, far), s.label());
        }
    }

    @Test
    void cosineOfAZeroVectorIsNaNNotAnException() {
        assertTrue(Double.isNaN(Similarity.COSINE.of(new float[]{0, 0}, A)));
    }

    @Test
    void vectorsOfDifferentLengthsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Similarity.DOT.of(new float[]{1}, A));
    }

    @Test
    void labelsParseBackAndAnUnknownNameListsTheKnownOnes() {
        for (Similarity s : Similarity.values()) {
            assertEquals(s, Similarity.parse(s.label().toUpperCase(java.util.Locale.ROOT)));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Similarity.parse("jaccard"));
        assertTrue(e.getMessage().contains("manhattan"), e.getMessage());
    }
}
