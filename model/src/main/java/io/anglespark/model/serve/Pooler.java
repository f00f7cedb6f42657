package io.anglespark.model.serve;

import io.anglespark.model.Pooling;

/**
 * The poolings of the DL4J graph's pooling vertex, on a last hidden state held in Java arrays (ONNX Runtime's
 * output): {@code cls} the first row, {@code mean} the mean of the real rows, {@code cls_avg} their average,
 * {@code max} the element-wise maximum over real rows, {@code last} the last real row. Sums in double.
 */
public final class Pooler {
    private Pooler() {
    }

    /**
     * @param hidden [rows][seq][hidden]
     * @param mask   [rows][seq], 1 for real tokens
     * @return [rows][hidden]
     */
    public static float[][] pool(float[][][] hidden, int[][] mask, Pooling pooling) {
        float[][] out = new float[hidden.length][];
        for (int r = 0; r < hidden.length; r++) {
            out[r] = poolRow(hidden[r], mask[r], pooling);
        }
        return out;
    }

    static float[] poolRow(float[][] h, int[] mask, Pooling pooling) {
        int dim = h[0].length;
        int n = 0;
        int last = 0;
        for (int i = 0; i < mask.length; i++) {
            if (mask[i] != 0) {
                n++;
                last = i;
            }
        }
        float[] out = new float[dim];
        for (int j = 0; j < dim; j++) {
            double sum = 0;
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < mask.length; i++) {
                if (mask[i] != 0) {
                    sum += h[i][j];
                    max = Math.max(max, h[i][j]);
                }
            }
            double mean = n == 0 ? 0 : sum / n;
            out[j] = (float) switch (pooling) {
                case CLS -> h[0][j];
                case MEAN -> mean;
                case CLS_AVG -> 0.5 * (h[0][j] + mean);
                case MAX -> n == 0 ? 0 : max;
                case LAST -> h[last][j];
            };
        }
        return out;
    }
}
