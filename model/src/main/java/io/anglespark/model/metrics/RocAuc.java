package io.anglespark.model.metrics;

import java.util.Arrays;

/**
 * The area under the ROC curve of scores against binary labels, by the Mann-Whitney U statistic with average
 * ranks for tied scores: {@code AUC = (R+ - n+ (n+ + 1) / 2) / (n+ n-)}, where {@code R+} is the rank sum of the
 * positives. It is the probability that a random positive scores above a random negative, a tie counting one
 * half, which is also the trapezoidal area of the ROC curve drawn through tied scores as one step.
 */
public final class RocAuc {
    private RocAuc() {
    }

    /**
     * @param scores larger means more likely positive
     * @param labels 1 for positive, 0 for negative; any other value is an error
     */
    public static Metric of(double[] scores, double[] labels) {
        if (scores.length != labels.length) {
            throw new IllegalArgumentException("scores and labels differ in length: " + scores.length + " and " + labels.length);
        }
        long positives = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] == 1) {
                positives++;
            } else if (labels[i] != 0) {
                throw new IllegalArgumentException("label of pair " + i + " is " + labels[i] + ", not 0 or 1");
            }
            if (!Double.isFinite(scores[i])) {
                return Metric.undefined("score of pair " + i + " is " + scores[i]);
            }
        }
        long negatives = labels.length - positives;
        if (positives == 0 || negatives == 0) {
            return Metric.undefined("one class only (" + positives + " positive, " + negatives + " negative)");
        }
        double[] ranks = averageRanks(scores);
        double positiveRankSum = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] == 1) {
                positiveRankSum += ranks[i];
            }
        }
        double u = positiveRankSum - positives * (positives + 1) / 2.0;
        return Metric.of(u / ((double) positives * negatives));
    }

    /** 1-based ranks of {@code x} in ascending order, ties sharing the mean of the ranks they span. */
    static double[] averageRanks(double[] x) {
        Integer[] order = new Integer[x.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(x[a], x[b]));
        double[] ranks = new double[x.length];
        for (int start = 0; start < order.length; ) {
            int end = start + 1;
            while (end < order.length && x[order[end]] == x[order[start]]) {
                end++;
            }
            double mean = (start + 1 + end) / 2.0; // ranks start+1 .. end
            for (int k = start; k < end; k++) {
                ranks[order[k]] = mean;
            }
            start = end;
        }
        return ranks;
    }

    /** Whether every label is 0 or 1 (a duplicate / not-duplicate set, or an NLI set as prepared): AUC applies. */
    public static boolean isBinary(double[] labels) {
        for (double l : labels) {
            if (l != 0 && l != 1) {
                return false;
            }
        }
        return labels.length > 0;
    }
}
