package io.anglespark.model.metrics;

import org.apache.commons.math3.stat.correlation.PearsonsCorrelation;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;

/**
 * Spearman's rank correlation (average ranks for ties, as SciPy and the STS literature use) and Pearson's
 * correlation, both from Apache Commons Math, with the cases Commons Math answers with NaN or an exception
 * turned into {@link Metric#undefined} with a reason: fewer than two pairs, a non-finite value, a constant column.
 */
public final class Correlations {
    private Correlations() {
    }

    /** Spearman's rho of {@code predicted} against {@code gold}. */
    public static Metric spearman(double[] predicted, double[] gold) {
        String why = undefinedReason(predicted, gold);
        return why != null ? Metric.undefined(why) : finite(new SpearmansCorrelation().correlation(predicted, gold));
    }

    /** Pearson's r of {@code predicted} against {@code gold}. */
    public static Metric pearson(double[] predicted, double[] gold) {
        String why = undefinedReason(predicted, gold);
        return why != null ? Metric.undefined(why) : finite(new PearsonsCorrelation().correlation(predicted, gold));
    }

    private static Metric finite(double r) {
        // Both inputs were checked to vary; a NaN here would be a numerical failure worth naming.
        return Double.isFinite(r) ? Metric.of(r) : Metric.undefined("correlation is not finite (" + r + ")");
    }

    static String undefinedReason(double[] predicted, double[] gold) {
        if (predicted.length != gold.length) {
            throw new IllegalArgumentException("predicted and gold differ in length: " + predicted.length + " and " + gold.length);
        }
        if (predicted.length < 2) {
            return "fewer than 2 pairs (" + predicted.length + ")";
        }
        String bad = firstNonFinite(predicted, "predicted score");
        if (bad == null) {
            bad = firstNonFinite(gold, "gold score");
        }
        if (bad != null) {
            return bad;
        }
        if (constant(predicted)) {
            return "predicted scores are constant (" + predicted[0] + " for all " + predicted.length + " pairs)";
        }
        if (constant(gold)) {
            return "gold scores are constant (" + gold[0] + " for all " + gold.length + " pairs)";
        }
        return null;
    }

    private static String firstNonFinite(double[] x, String what) {
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(x[i])) {
                return what + " of pair " + i + " is " + x[i];
            }
        }
        return null;
    }

    private static boolean constant(double[] x) {
        for (double v : x) {
            if (v != x[0]) {
                return false;
            }
        }
        return true;
    }
}
