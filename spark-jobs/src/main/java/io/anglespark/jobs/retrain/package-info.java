/**
 * Periodic retraining: the model registry ({@link io.anglespark.jobs.retrain.ModelRegistry}: versions, promotions, the
 * current version) and the retraining job that prepares, trains, gates, promotes and re-embeds in one run.
 */
package io.anglespark.jobs.retrain;
