/**
 * The training job: fine-tunes an AnglE encoder on the prepare job's pairs, positives or triplets with DL4J's
 * Spark parameter averaging. The driver plans even-sized minibatches and whole averaging rounds
 * ({@link io.anglespark.jobs.train.RoundPlan}); executors tokenise and pad them
 * ({@link io.anglespark.jobs.train.ToMultiDataSetFn}) and fit; checkpoints
 * ({@link io.anglespark.jobs.train.Checkpoints}) make a stopped run resumable; the driver scores a dev set after each
 * epoch and keeps the best model.
 */
package io.anglespark.jobs.train;
