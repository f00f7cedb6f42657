package io.anglespark.jobs.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import io.anglespark.model.metrics.Metric;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gate's rule on hand-made scores: a gain on the primary set, a bounded loss elsewhere, undefined scores fail. */
class GateTest {
    private static final List<String> SETS = List.of("held-out", "stsb-test", "sick-trial");

    /** Spearman (fractions) per model, in the order of {@link #SETS}. */
    private static Gate.Decision decide(Gate gate, double[] current, double[] challenger) {
        Map<String, double[]> by = Map.of("current", current, "challenger", challenger);
        return gate.decide(SETS, (model, set) -> {
            double v = by.get(model)[SETS.indexOf(set)];
            return Double.isNaN(v) ? Metric.undefined("every predicted score is equal") : Metric.of(v);
        });
    }

    private static Gate gate(double minGain, double maxLoss) {
        return new Gate("current", "challenger", "held-out", minGain, maxLoss);
    }

    @Test
    void aChallengerThatGainsOnThePrimarySetAndLosesLittleElsewherePasses() {
        Gate.Decision d = decide(gate(0.5, 1.0), new double[]{0.80, 0.85, 0.70}, new double[]{0.81, 0.845, 0.691});
        assertTrue(d.passed(), d.reasons().toString());
        assertEquals(List.of("held-out", "stsb-test", "sick-trial"), d.checks().stream().map(Gate.Check::set).toList());
        assertEquals(1.0, d.checks().get(0).delta(), 1e-9);
        assertEquals(-0.9, d.checks().get(2).delta(), 1e-9);
        assertEquals(List.of(), d.reasons());
    }

    @Test
    void aGainBelowTheMinimumOnThePrimarySetFailsWithItsReason() {
        Gate.Decision d = decide(gate(0.5, 1.0), new double[]{0.80, 0.85, 0.70}, new double[]{0.804, 0.90, 0.75});
        assertFalse(d.passed());
        assertEquals(List.of("held-out (primary): challenger 80.40 vs baseline 80.00, a gain of 0.40 points, needs a gain of at least 0.50 "
                + "(gate min-gain)"), d.reasons());
    }

    @Test
    void aLossBeyondTheMaximumOnAnotherSetFailsEvenWithAGainOnThePrimarySet() {
        Gate.Decision d = decide(gate(0.0, 1.0), new double[]{0.80, 0.85, 0.70}, new double[]{0.90, 0.8389, 0.70});
        assertFalse(d.passed());
        assertEquals(List.of("stsb-test: challenger 83.89 vs baseline 85.00, a loss of 1.11 points, may lose at most 1.00 (gate max-loss)"),
                d.reasons());
        assertTrue(d.checks().get(0).passed() && d.checks().get(2).passed());
    }

    @Test
    void aLossExactlyAtTheBoundPassesAndPointsCountAtTwoDecimals() {
        // 85.00 - 1.00 in floating point is 83.99999999999999; the gate compares the points the report prints
        assertTrue(decide(gate(0.0, 1.0), new double[]{0.80, 0.85, 0.70}, new double[]{0.80, 0.84, 0.69}).passed());
        assertTrue(decide(gate(0.0, 0.0), new double[]{0.80, 0.85, 0.70}, new double[]{0.8000000001, 0.85, 0.70}).passed());
    }

    @Test
    void aNegativeMinimumGainAllowsThatLossOnThePrimarySet() {
        assertTrue(decide(gate(-0.5, 1.0), new double[]{0.80, 0.85, 0.70}, new double[]{0.796, 0.85, 0.70}).passed());
        assertFalse(decide(gate(-0.5, 1.0), new double[]{0.80, 0.85, 0.70}, new double[]{0.794, 0.85, 0.70}).passed());
    }

    @Test
    void anUndefinedScoreFailsItsCheckNamingWhoseAndWhy() {
        Gate.Decision d = decide(gate(-100, 100), new double[]{0.80, 0.85, 0.70}, new double[]{0.90, Double.NaN, 0.70});
        assertFalse(d.passed());
        assertEquals(List.of("stsb-test: the challenger's (every predicted score is equal) Spearman is undefined"), d.reasons());
        assertNull(d.checks().get(1).delta());
    }

    @Test
    void gateJsonCarriesTheRuleEveryCheckAndTheReasons() {
        JsonNode j = decide(gate(0.5, 1.0), new double[]{0.80, 0.85, 0.70}, new double[]{0.804, 0.90, 0.75}).toJson();
        assertFalse(j.get("passed").asBoolean());
        assertEquals("held-out", j.get("rule").get("primary").asText());
        assertEquals(0.5, j.get("rule").get("min_gain").asDouble());
        assertEquals(3, j.get("checks").size());
        assertEquals(0.5, j.get("checks").get(0).get("least_delta").asDouble());
        assertEquals(-1.0, j.get("checks").get(1).get("least_delta").asDouble());
        assertEquals(80.4, j.get("checks").get(0).get("challenger").asDouble(), 1e-9);
        assertEquals(1, j.get("reasons").size());
    }

    @Test
    void aPrimarySetThatIsNotScoredIsABug() {
        assertThrows(IllegalArgumentException.class, () -> new Gate("current", "challenger", "nope", 0, 1).decide(SETS, (m, s) -> Metric.of(0.5)));
    }
}
