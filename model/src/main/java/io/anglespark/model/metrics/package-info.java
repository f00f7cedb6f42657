/**
 * Evaluation metrics as pure functions over arrays: the similarity of two embeddings ({@link
 * io.anglespark.model.metrics.Similarity}), Spearman and Pearson correlation with the gold scores
 * ({@link io.anglespark.model.metrics.Correlations}), ROC AUC for binary labels ({@link
 * io.anglespark.model.metrics.RocAuc}), and all of them for one set of scored pairs ({@link
 * io.anglespark.model.metrics.PairEvaluation}). An undefined value (a constant column, one class only)
 * is a {@link io.anglespark.model.metrics.Metric} with a reason, never an exception or a bare NaN.
 */
package io.anglespark.model.metrics;
