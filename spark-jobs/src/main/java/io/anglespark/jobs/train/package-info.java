/**
 * The training job: fine-tunes an AnglE encoder on the prepare job's pairs, positives or triplets with the model
 * module's training loop ({@link io.anglespark.model.train.TrainingLoop}), fitted in the driver's JVM with one worker
 * or with DL4J's Spark parameter averaging ({@link io.anglespark.jobs.train.SparkFitter}: executors tokenise and pad
 * the minibatches, {@link io.anglespark.jobs.train.ToMultiDataSetFn}, and fit; each round's broadcast released,
 * {@link io.anglespark.jobs.train.ReleasingTrainingMaster}).
 */
package io.anglespark.jobs.train;
