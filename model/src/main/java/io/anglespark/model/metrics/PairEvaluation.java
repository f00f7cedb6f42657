package io.anglespark.model.metrics;

import java.util.EnumMap;
import java.util.Map;

/**
 * Every metric of one model on one set of scored pairs: for each {@link Similarity}, Spearman and Pearson
 * against the gold scores and, when every gold label is 0 or 1, ROC AUC.
 *
 * @param pairs       how many pairs were scored
 * @param binary      whether the gold labels are all 0 or 1 (then {@link SimilarityMetrics#auc()} is set)
 * @param bySimilarity the metrics of each similarity, in {@link Similarity} order
 * @param predicted   the predicted similarity of each pair, per similarity (for plots)
 */
public record PairEvaluation(int pairs, boolean binary, Map<Similarity, SimilarityMetrics> bySimilarity,
                             Map<Similarity, double[]> predicted) {

    /** @param auc null when the set is not binary */
    public record SimilarityMetrics(Metric spearman, Metric pearson, Metric auc) {
    }

    public SimilarityMetrics of(Similarity s) {
        return bySimilarity.get(s);
    }

    /**
     * @param vectors the embeddings of {@code set.texts()}, in that order ({@code [texts][hidden]})
     */
    public static PairEvaluation evaluate(ScoredPairs set, float[][] vectors) {
        if (vectors.length != set.texts().size()) {
            throw new IllegalArgumentException(vectors.length + " vectors for " + set.texts().size() + " texts");
        }
        boolean binary = RocAuc.isBinary(set.gold());
        Map<Similarity, SimilarityMetrics> metrics = new EnumMap<>(Similarity.class);
        Map<Similarity, double[]> predicted = new EnumMap<>(Similarity.class);
        for (Similarity s : Similarity.values()) {
            double[] p = new double[set.size()];
            for (int i = 0; i < p.length; i++) {
                p[i] = s.of(vectors[set.left()[i]], vectors[set.right()[i]]);
            }
            predicted.put(s, p);
            metrics.put(s, new SimilarityMetrics(Correlations.spearman(p, set.gold()), Correlations.pearson(p, set.gold()),
                    binary ? RocAuc.of(p, set.gold()) : null));
        }
        return new PairEvaluation(set.size(), binary, metrics, predicted);
    }
}
