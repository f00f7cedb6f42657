package io.anglespark.model.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anglespark.model.batch.TrainingExample;
import io.anglespark.model.encoder.Encoder;
import io.anglespark.model.loss.AngleLoss;
import io.anglespark.model.loss.AngleLossConfig;
import io.anglespark.model.serve.Dl4jEngine;
import io.anglespark.model.serve.LongTextPolicy;
import io.anglespark.model.serve.TextEmbedder;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The AnglE paper's mechanism, measured on a model during training: for a fixed sample of training pairs (every k-th of
 * the training set, {@value #PAIRS} pairs in batches of {@value #BATCH}), the share whose cosine sits in the saturation
 * zone ({@code |cos| >= }{@value #ZONE}: the angle within 25.8 degrees of 0 or pi, where {@code d cos / d theta =
 * sin theta} is below 0.44), and the mean gradient norm each term of the objective (at unit weight, the recipe's
 * temperatures and positive rule) and the recipe's weighted total give a pair there and outside it: the norm of the
 * gradient of the per-batch loss with respect to the pair's two L2-normalised embeddings. Each term is its own SameDiff
 * graph ({@link AngleLoss}), in double precision.
 */
final class SaturationProbe {
    static final int PAIRS = 320;
    static final int BATCH = 32;
    static final double ZONE = 0.9;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<TrainingExample> sample = new ArrayList<>();
    private final AngleLossConfig recipe;
    private final long dim;
    private final int maxLength;

    SaturationProbe(List<TrainingExample> train, AngleLossConfig recipe, long dim, int maxLength) {
        int stride = Math.max(1, train.size() / PAIRS);
        for (int i = 0; i < train.size() && sample.size() < PAIRS; i += stride) {
            sample.add(train.get(i));
        }
        this.recipe = recipe;
        this.dim = dim;
        this.maxLength = maxLength;
    }

    interface Term {
        SDVariable define(SameDiff sd, SDVariable x, SDVariable y);
    }

    /** The terms measured, at unit weight, whatever the recipe's weights. */
    private Map<String, Term> terms() {
        Map<String, Term> t = new LinkedHashMap<>();
        t.put("cosine", (sd, x, y) -> AngleLoss.cosine(sd, x, y, recipe.cosineTau(), dim));
        t.put("angle", (sd, x, y) -> AngleLoss.angle(sd, x, y, recipe.angleTau(), dim));
        t.put("ibn", (sd, x, y) -> AngleLoss.ibn(sd, x, y, recipe.ibnTau(), recipe.ibnPositives(), recipe.positiveThreshold(), dim));
        return t;
    }

    ObjectNode measure(int step, Encoder encoder) {
        List<String> texts = new ArrayList<>();
        for (TrainingExample e : sample) {
            texts.addAll(e.texts());
        }
        float[][] v;
        try (Dl4jEngine engine = new Dl4jEngine(encoder)) {
            v = new TextEmbedder(engine, LongTextPolicy.truncate(maxLength), 64, true).embed(texts);
        }
        Map<String, Term> terms = terms();
        Map<String, double[]> sums = new LinkedHashMap<>();   // per term: sum in zone, sum outside
        for (String name : terms.keySet()) {
            sums.put(name, new double[2]);
        }
        sums.put("recipe", new double[2]);
        int inZone = 0;
        double cosSum = 0;
        for (int from = 0; from + BATCH <= sample.size(); from += BATCH) {
            double[][] x = new double[2 * BATCH][];
            double[] y = new double[2 * BATCH];
            boolean[] zone = new boolean[BATCH];
            for (int k = 0; k < BATCH; k++) {
                x[2 * k] = toDouble(v[2 * (from + k)]);
                x[2 * k + 1] = toDouble(v[2 * (from + k) + 1]);
                y[2 * k] = y[2 * k + 1] = sample.get(from + k).label();
                double cos = dot(x[2 * k], x[2 * k + 1]);
                cosSum += cos;
                zone[k] = Math.abs(cos) >= ZONE;
                inZone += zone[k] ? 1 : 0;
            }
            double[][] recipeGrad = new double[2 * BATCH][(int) dim];
            for (Map.Entry<String, Term> t : terms.entrySet()) {
                double[][] g = gradient(x, y, t.getValue());
                double w = weight(t.getKey());
                for (int r = 0; r < g.length; r++) {
                    for (int c = 0; c < g[r].length; c++) {
                        recipeGrad[r][c] += w * g[r][c];
                    }
                }
                accumulate(sums.get(t.getKey()), g, zone);
            }
            accumulate(sums.get("recipe"), recipeGrad, zone);
        }
        int measured = sample.size() / BATCH * BATCH;
        ObjectNode o = JSON.createObjectNode();
        o.put("step", step);
        o.put("pairs", measured);
        o.put("zone_share", (double) inZone / measured);
        o.put("mean_cos", cosSum / measured);
        ObjectNode g = o.putObject("grad");
        for (Map.Entry<String, double[]> e : sums.entrySet()) {
            ObjectNode t = g.putObject(e.getKey());
            t.put("in", inZone == 0 ? Double.NaN : e.getValue()[0] / inZone);
            t.put("out", inZone == measured ? Double.NaN : e.getValue()[1] / (measured - inZone));
        }
        return o;
    }

    private double weight(String term) {
        return switch (term) {
            case "cosine" -> recipe.cosineWeight();
            case "angle" -> recipe.angleWeight();
            case "ibn" -> recipe.ibnWeight();
            default -> throw new IllegalArgumentException(term);
        };
    }

    /** Adds each pair's gradient norm (both rows) to sums[0] (in the zone) or sums[1]. */
    private static void accumulate(double[] sums, double[][] g, boolean[] zone) {
        for (int k = 0; k < zone.length; k++) {
            double n = Math.sqrt(dot(g[2 * k], g[2 * k]) + dot(g[2 * k + 1], g[2 * k + 1]));
            sums[zone[k] ? 0 : 1] += n;
        }
    }

    private static double[][] gradient(double[][] x, double[] labels, Term term) {
        SameDiff sd = SameDiff.create();
        SDVariable xv = sd.var("x", Nd4j.createFromArray(x));
        SDVariable yv = sd.constant("y", Nd4j.createFromArray(labels).reshape(labels.length, 1));
        SDVariable out = term.define(sd, xv, yv);
        sd.setLossVariables(out);
        INDArray g = sd.calculateGradients(null, "x").get("x");
        return g.castTo(DataType.DOUBLE).toDoubleMatrix();
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
