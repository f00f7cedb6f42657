package io.anglespark.model.train;

import io.anglespark.model.batch.TrainingExample;
import io.anglespark.model.encoder.Encoder;
import io.anglespark.model.metrics.Metric;
import io.anglespark.model.metrics.PairEvaluation;
import io.anglespark.model.metrics.ScoredPairs;
import io.anglespark.model.metrics.Similarity;
import io.anglespark.model.serve.Dl4jEngine;
import io.anglespark.model.serve.LongTextPolicy;
import io.anglespark.model.serve.TextEmbedder;

import java.util.List;

/**
 * A run's dev score: Spearman's rank correlation between the cosine of the two texts' vectors and the gold score, over
 * scored pairs, computed as the evaluate job computes it: texts to vectors through {@code model/serve}
 * ({@link TextEmbedder} on a {@link Dl4jEngine}, texts truncated at the run's maximum length, each distinct text
 * embedded once) and the score through {@code model/metrics} ({@link PairEvaluation}). Works on a training graph (its
 * loss layer outputs the pooled embeddings) or an encoder graph alike.
 */
public final class DevEvaluator {
    private static final int BATCH = 64;
    private final ScoredPairs pairs;
    private final int maxLength;

    public DevEvaluator(List<TrainingExample> dev, int maxLength) {
        if (dev.size() < 3) {
            throw new IllegalArgumentException("a dev set needs at least 3 scored pairs, got " + dev.size());
        }
        ScoredPairs.Builder b = new ScoredPairs.Builder();
        for (int i = 0; i < dev.size(); i++) {
            TrainingExample p = dev.get(i);
            if (p.texts().size() != 2 || !Double.isFinite(p.label())) {
                throw new IllegalArgumentException("dev example " + i + " is not a scored pair: " + p);
            }
            b.add(p.texts().get(0), p.texts().get(1), p.label());
        }
        this.pairs = b.build();
        this.maxLength = maxLength;
    }

    public int pairs() {
        return pairs.size();
    }

    /** Spearman x 1 (not x 100) of cosine against gold; NaN when undefined (e.g. every cosine equal). */
    public double spearman(Encoder encoder) {
        float[][] vectors;
        try (Dl4jEngine engine = new Dl4jEngine(encoder)) {
            vectors = new TextEmbedder(engine, LongTextPolicy.truncate(maxLength), BATCH, true).embed(pairs.texts());
        }
        Metric m = PairEvaluation.evaluate(pairs, vectors).of(Similarity.COSINE).spearman();
        return m.isDefined() ? m.value() : Double.NaN;
    }
}
