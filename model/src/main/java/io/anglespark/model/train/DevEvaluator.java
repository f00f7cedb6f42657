package io.anglespark.model.train;

import io.anglespark.model.batch.TrainingExample;
import io.anglespark.model.tokenize.WordPieceTokenizer;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * STS-style evaluation: Spearman's rank correlation (commons-math3, average ranks for ties) between the cosine
 * of the two texts' pooled embeddings and the gold score, over scored pairs. Each distinct text is embedded once,
 * in batches of texts of similar length padded to their longest. Works on a training graph (the loss layer outputs
 * the pooled embeddings) or an encoder graph alike.
 */
public final class DevEvaluator {
    private static final int BATCH = 64;
    private final WordPieceTokenizer tokenizer;
    private final int maxLength;
    private final List<String> texts;
    private final int[] left;
    private final int[] right;
    private final double[] gold;

    public DevEvaluator(List<TrainingExample> pairs, WordPieceTokenizer tokenizer, int maxLength) {
        if (pairs.size() < 3) {
            throw new IllegalArgumentException("a dev set needs at least 3 scored pairs, got " + pairs.size());
        }
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
        Map<String, Integer> index = new LinkedHashMap<>();
        left = new int[pairs.size()];
        right = new int[pairs.size()];
        gold = new double[pairs.size()];
        for (int i = 0; i < pairs.size(); i++) {
            TrainingExample p = pairs.get(i);
            if (p.texts().size() != 2 || !Double.isFinite(p.label())) {
                throw new IllegalArgumentException("dev example " + i + " is not a scored pair: " + p);
            }
            left[i] = index.computeIfAbsent(p.texts().get(0), k -> index.size());
            right[i] = index.computeIfAbsent(p.texts().get(1), k -> index.size());
            gold[i] = p.label();
        }
        texts = new ArrayList<>(index.keySet());
    }

    public int pairs() {
        return gold.length;
    }

    /** Spearman x 1 (not x 100) of cosine against gold. */
    public double spearman(ComputationGraph graph) {
        double[][] emb = embed(graph);
        double[] cos = new double[gold.length];
        for (int i = 0; i < gold.length; i++) {
            cos[i] = cosine(emb[left[i]], emb[right[i]]);
        }
        return new SpearmansCorrelation().correlation(cos, gold);
    }

    private double[][] embed(ComputationGraph graph) {
        List<Integer> order = new ArrayList<>();
        Map<Integer, Integer> lengths = new HashMap<>();
        for (int i = 0; i < texts.size(); i++) {
            order.add(i);
            lengths.put(i, tokenizer.encode(texts.get(i), maxLength).length);
        }
        order.sort(Comparator.comparingInt(lengths::get));
        DataType dt = graph.getConfiguration().getDataType();
        double[][] out = new double[texts.size()][];
        for (int from = 0; from < order.size(); from += BATCH) {
            List<Integer> chunk = order.subList(from, Math.min(order.size(), from + BATCH));
            WordPieceTokenizer.Batch b = tokenizer.encodeBatch(chunk.stream().map(texts::get).toList(), maxLength);
            INDArray ids = Nd4j.createFromArray(b.inputIds()).castTo(dt);
            INDArray mask = Nd4j.createFromArray(b.attentionMask()).castTo(dt);
            INDArray pooled = graph.output(false, ids, Nd4j.zeros(dt, ids.shape()), mask)[0];
            double[][] rows = pooled.castTo(DataType.DOUBLE).toDoubleMatrix();
            for (int k = 0; k < chunk.size(); k++) {
                out[chunk.get(k)] = rows[k];
            }
        }
        return out;
    }

    static double cosine(double[] a, double[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
