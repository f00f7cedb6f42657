package io.anglespark.model.metrics;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RocAucTest {

    @Test
    void perfectSeparationIsOneAndReversedIsZero() {
        double[] labels = {0, 0, 1, 1};
        assertEquals(1, RocAuc.of(new double[]{0.1, 0.2, 0.8, 0.9}, labels).value(), 0);
        assertEquals(0, RocAuc.of(new double[]{0.9, 0.8, 0.2, 0.1}, labels).value(), 0);
    }

    @Test
    void threeOfFourPositiveNegativePairsOrderedGiveThreeQuarters() {
        // positives 0.35 and 0.8 against negatives 0.1 and 0.4: 0.35 loses to 0.4 only.
        assertEquals(0.75, RocAuc.of(new double[]{0.1, 0.4, 0.35, 0.8}, new double[]{0, 0, 1, 1}).value(), 1e-15);
    }

    @Test
    void aTieBetweenAPositiveAndANegativeCountsOneHalf() {
        // pairs (positive, negative): (0.5, 0.5) = 1/2, (0.9, 0.5) = 1
        assertEquals(0.75, RocAuc.of(new double[]{0.5, 0.5, 0.9}, new double[]{0, 1, 1}).value(), 1e-15);
        assertEquals(0.5, RocAuc.of(new double[]{3, 3, 3, 3}, new double[]{0, 1, 0, 1}).value(), 1e-15);
    }

    @Test
    void equalsTheFractionOfPositiveNegativePairsOrderedRightOnRandomScoresWithManyTies() {
        Random r = new Random(11);
        for (int trial = 0; trial < 20; trial++) {
            int n = 2 + r.nextInt(60);
            double[] s = new double[n];
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                s[i] = r.nextInt(5) / 4.0; // few distinct values: many ties
                y[i] = r.nextBoolean() ? 1 : 0;
            }
            y[0] = 1;
            y[1] = 0;
            double wins = 0;
            long count = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (y[i] == 1 && y[j] == 0) {
                        count++;
                        wins += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
                    }
                }
            }
            assertEquals(wins / count, RocAuc.of(s, y).value(), 1e-12, "trial " + trial);
        }
    }

    @Test
    void oneClassOnlyIsUndefinedWithAReason() {
        Metric m = RocAuc.of(new double[]{0.1, 0.2}, new double[]{1, 1});
        assertFalse(m.isDefined());
        assertEquals("one class only (2 positive, 0 negative)", m.undefinedReason());
        assertFalse(RocAuc.of(new double[0], new double[0]).isDefined());
    }

    @Test
    void aNonFiniteScoreIsUndefinedAndANonBinaryLabelIsRefused() {
        assertTrue(RocAuc.of(new double[]{0.1, Double.NaN}, new double[]{0, 1}).undefinedReason().contains("pair 1"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RocAuc.of(new double[]{1, 2}, new double[]{0, 0.5}));
        assertTrue(e.getMessage().contains("pair 1"), e.getMessage());
    }

    @Test
    void averageRanksShareTiedPositions() {
        assertArrayEquals(new double[]{4, 2, 2, 2, 5}, RocAuc.averageRanks(new double[]{7, 1, 1, 1, 9}), 0);
    }

    @Test
    void binaryMeansEveryLabelZeroOrOne() {
        assertTrue(RocAuc.isBinary(new double[]{0, 1, 1}));
        assertFalse(RocAuc.isBinary(new double[]{0, 1, 0.5}));
        assertFalse(RocAuc.isBinary(new double[0]));
    }
}
