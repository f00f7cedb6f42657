package io.anglespark.model.loss;

import io.anglespark.model.DoublePrecision;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The three positive rules of the in-batch-negative term against an oracle written here from angle_emb's
 * {@code in_batch_negative_loss} (v0.6.1) in plain loops and doubles: the target matrix built with its index * int(label)
 * products, {@code -sum_j T[i, j] log_softmax(S_i)_j} per row, the mean over rows. Values to 1e-9 relative, gradients
 * to 1e-5 against central differences of the oracle.
 */
@ExtendWith(DoublePrecision.class)
class IbnPositivesTest {

    /** angle_emb's target matrix for per-row labels (each pair's label on both rows). */
    static double[][] angleEmbTargets(double[] rowLabels) {
        int n = rowLabels.length;
        double[][] t = new double[n][n];
        for (int i = 0; i < n; i++) {
            int yi = (int) rowLabels[i];                       // Python's int(): toward zero
            long idx2 = yi == 0 ? -1 : (long) (i ^ 1) * yi;
            for (int j = 0; j < n; j++) {
                int yj = (int) rowLabels[j];
                long idx1 = yj == 0 ? -2 : (long) j * yj;
                t[i][j] = idx1 == idx2 ? 1 : 0;
            }
        }
        return t;
    }

    static double[][] thresholdTargets(double[] rowLabels, double threshold, boolean everyPartner) {
        int n = rowLabels.length;
        double[][] t = new double[n][n];
        for (int i = 0; i < n; i++) {
            if (everyPartner || rowLabels[i] >= threshold) {
                t[i][i ^ 1] = 1;
            }
        }
        return t;
    }

    static double oracle(double[][] x, double[][] targets, double tau) {
        int n = x.length;
        double[][] xn = new double[n][];
        for (int i = 0; i < n; i++) {
            double norm = 0;
            for (double v : x[i]) {
                norm += v * v;
            }
            norm = Math.sqrt(norm);
            xn[i] = new double[x[i].length];
            for (int k = 0; k < x[i].length; k++) {
                xn[i][k] = x[i][k] / norm;
            }
        }
        double total = 0;
        for (int i = 0; i < n; i++) {
            double[] s = new double[n];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                double dot = 0;
                for (int k = 0; k < xn[i].length; k++) {
                    dot += xn[i][k] * xn[j][k];
                }
                s[j] = (dot - (i == j ? 1e12 : 0)) * tau;
                max = Math.max(max, s[j]);
            }
            double sum = 0;
            for (double v : s) {
                sum += Math.exp(v - max);
            }
            double lse = max + Math.log(sum);
            for (int j = 0; j < n; j++) {
                if (targets[i][j] != 0) {
                    total += targets[i][j] * (lse - s[j]);
                }
            }
        }
        return total / n;
    }

    static double[] rowLabels(double... pairLabels) {
        double[] r = new double[2 * pairLabels.length];
        for (int k = 0; k < pairLabels.length; k++) {
            r[2 * k] = pairLabels[k];
            r[2 * k + 1] = pairLabels[k];
        }
        return r;
    }

    static double[][] randomRows(int rows, int dim, long seed) {
        Random r = new Random(seed);
        double[][] x = new double[rows][dim];
        for (double[] row : x) {
            for (int k = 0; k < dim; k++) {
                row[k] = r.nextGaussian();
            }
        }
        return x;
    }

    @Test
    void angleEmbRuleMarksTheIssuesSpuriousPositivesOnRawStsScores() {
        // pair labels [4.2, 2, 0.6, 3]: row 0 (partner 1, int label 4) matches 1 * 4 at column 1 and 2 * 2 at column 2
        double[][] t = angleEmbTargets(rowLabels(4.2, 2, 0.6, 3));
        assertEquals(1, t[0][1]);
        assertEquals(1, t[0][2]);
        assertEquals(2, java.util.Arrays.stream(t[0]).sum());
        // pair 2 (label 0.6, int 0) adds nothing; no row ever targets itself
        assertEquals(0, java.util.Arrays.stream(t[4]).sum());
        for (int i = 0; i < t.length; i++) {
            assertEquals(0, t[i][i]);
        }
    }

    @Test
    void eachRuleEqualsTheOracleInValueAndGradient() {
        double[] labels = rowLabels(4.2, 2, 0.6, 3, 1.0, 5.0);
        double[][] x = randomRows(labels.length, 6, 7);
        double tau = 20;
        check(x, labels, AngleLossConfig.IbnPositives.ANGLE_EMB, 1.0, angleEmbTargets(labels), tau);
        check(x, labels, AngleLossConfig.IbnPositives.THRESHOLD, 2.5, thresholdTargets(labels, 2.5, false), tau);
        check(x, labels, AngleLossConfig.IbnPositives.PARTNER, 1.0, thresholdTargets(labels, 0, true), tau);
        // on 0/1 labels angle_emb's rule is the threshold rule at 1
        double[] binary = rowLabels(1, 0, 1, 1, 0);
        double[][] xb = randomRows(binary.length, 4, 11);
        assertEquals(oracle(xb, thresholdTargets(binary, 1, false), tau), oracle(xb, angleEmbTargets(binary), tau), 1e-12);
        check(xb, binary, AngleLossConfig.IbnPositives.ANGLE_EMB, 1.0, thresholdTargets(binary, 1, false), tau);
    }

    @Test
    void spuriousPositivesChangeTheLossOnGradedScores() {
        double[] labels = rowLabels(4.2, 2, 0.6, 3);
        double[][] x = randomRows(labels.length, 6, 3);
        double angleEmb = oracle(x, angleEmbTargets(labels), 20);
        double threshold = oracle(x, thresholdTargets(labels, 1, false), 20);
        assertTrue(Math.abs(angleEmb - threshold) > 1e-3, angleEmb + " vs " + threshold);
    }

    private static void check(double[][] x, double[] labels, AngleLossConfig.IbnPositives rule, double threshold, double[][] targets, double tau) {
        AngleLossTest.Eval e = AngleLossTest.eval(x, labels, (sd, xv, yv, d) -> AngleLoss.ibn(sd, xv, yv, tau, rule, threshold, d));
        double want = oracle(x, targets, tau);
        assertEquals(want, e.value(), 1e-9 * Math.max(1, Math.abs(want)), rule + " value");
        double h = 1e-6;
        for (int i = 0; i < x.length; i++) {
            for (int k = 0; k < x[i].length; k++) {
                double keep = x[i][k];
                x[i][k] = keep + h;
                double up = oracle(x, targets, tau);
                x[i][k] = keep - h;
                double down = oracle(x, targets, tau);
                x[i][k] = keep;
                double numeric = (up - down) / (2 * h);
                assertEquals(numeric, e.grad()[i][k], 1e-5 * Math.max(1, Math.abs(numeric)), rule + " gradient [" + i + "][" + k + "]");
            }
        }
    }
}
