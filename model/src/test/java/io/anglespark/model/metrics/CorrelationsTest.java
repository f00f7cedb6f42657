package io.anglespark.model.metrics;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CorrelationsTest {

    @Test
    void spearmanIsOneForAnyIncreasingMapWhilePearsonIsBelowOne() {
        double[] x = {1, 2, 3, 4, 5};
        double[] cubes = {1, 8, 27, 64, 125};
        assertEquals(1, Correlations.spearman(cubes, x).value(), 1e-12);
        assertTrue(Correlations.pearson(cubes, x).value() < 0.99);
        double[] reversed = {5, 4, 3, 2, 1};
        assertEquals(-1, Correlations.spearman(reversed, x).value(), 1e-12);
        assertEquals(-1, Correlations.pearson(reversed, x).value(), 1e-12);
    }

    @Test
    void tiedPredictionsShareTheirAverageRank() {
        // ranks of predicted: 1, 2.5, 2.5, 4; of gold: 1, 2, 3, 4. Pearson of the ranks, by hand: 4.5 / sqrt(4.5 * 5) = 3 / sqrt(10).
        Metric rho = Correlations.spearman(new double[]{0.1, 0.5, 0.5, 0.9}, new double[]{1, 2, 3, 4});
        assertEquals(3 / Math.sqrt(10), rho.value(), 1e-12);
    }

    @Test
    void pearsonMatchesTheHandComputedValue() {
        // deviations (-1, 0, 1) and (-7/3, -1/3, 8/3): r = 5 / sqrt(2 * 114/9) = 15 / sqrt(228)
        assertEquals(15 / Math.sqrt(228), Correlations.pearson(new double[]{1, 2, 3}, new double[]{2, 4, 7}).value(), 1e-12);
    }

    @Test
    void constantPredictionsGiveAnUndefinedCorrelationWithAReasonNotACrash() {
        double[] gold = {1, 2, 3};
        for (Metric m : new Metric[]{Correlations.spearman(new double[]{0.7, 0.7, 0.7}, gold), Correlations.pearson(new double[]{0.7, 0.7, 0.7}, gold)}) {
            assertFalse(m.isDefined());
            assertNull(m.value());
            assertTrue(m.undefinedReason().contains("predicted scores are constant"), m.undefinedReason());
            assertTrue(Double.isNaN(m.orNaN()));
        }
        Metric g = Correlations.spearman(new double[]{1, 2, 3}, new double[]{4, 4, 4});
        assertTrue(g.undefinedReason().contains("gold scores are constant"), g.undefinedReason());
    }

    @Test
    void tooFewPairsAndNonFiniteScoresAreUndefinedNamingThePair() {
        assertTrue(Correlations.pearson(new double[]{1}, new double[]{2}).undefinedReason().contains("fewer than 2"));
        assertTrue(Correlations.spearman(new double[0], new double[0]).undefinedReason().contains("fewer than 2"));
        Metric nan = Correlations.spearman(new double[]{1, Double.NaN, 3}, new double[]{1, 2, 3});
        assertEquals("predicted score of pair 1 is NaN", nan.undefinedReason());
    }

    @Test
    void arraysOfDifferentLengthsAreACallerError() {
        assertThrows(IllegalArgumentException.class, () -> Correlations.spearman(new double[]{1, 2}, new double[]{1, 2, 3}));
    }
}
