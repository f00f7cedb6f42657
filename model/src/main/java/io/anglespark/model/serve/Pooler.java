package io.anglespark.model.serve;

import io.anglespark.model.Pooling;

import java.nio.FloatBuffer;

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
        int rows = hidden.length;
        int width = rows == 0 ? 0 : hidden[0].length;
        int dim = width == 0 ? 0 : hidden[0][0].length;
        FloatBuffer flat = FloatBuffer.allocate(rows * width * dim);
        for (float[][] row : hidden) {
            for (float[] token : row) {
                flat.put(token);
            }
        }
        return pool(flat.flip(), rows, width, dim, mask, pooling);
    }

    /**
     * The same on a flat row-major buffer (ONNX Runtime's output as it is, no nested arrays).
     *
     * @param hidden rows x width x dim values, from its position 0
     * @param mask   [rows][width], 1 for real tokens
     * @return [rows][dim]
     */
    public static float[][] pool(FloatBuffer hidden, int rows, int width, int dim, int[][] mask, Pooling pooling) {
        float[][] out = new float[rows][];
        double[] sum = new double[dim];
        double[] max = new double[dim];
        for (int r = 0; r < rows; r++) {
            java.util.Arrays.fill(sum, 0);
            java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
            int n = 0;
            int last = 0;
            for (int i = 0; i < width; i++) {
                if (mask[r][i] == 0) {
                    continue;
                }
                n++;
                last = i;
                int base = (r * width + i) * dim;
                for (int j = 0; j < dim; j++) {
                    float v = hidden.get(base + j);
                    sum[j] += v;
                    max[j] = Math.max(max[j], v);
                }
            }
            int cls = r * width * dim;
            int lastAt = (r * width + last) * dim;
            float[] o = new float[dim];
            for (int j = 0; j < dim; j++) {
                double mean = n == 0 ? 0 : sum[j] / n;
                o[j] = (float) switch (pooling) {
                    case CLS -> hidden.get(cls + j);
                    case MEAN -> mean;
                    case CLS_AVG -> 0.5 * (hidden.get(cls + j) + mean);
                    case MAX -> n == 0 ? 0 : max[j];
                    case LAST -> hidden.get(lastAt + j);
                };
            }
            out[r] = o;
        }
        return out;
    }
}
