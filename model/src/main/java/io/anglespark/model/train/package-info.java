/**
 * Training in one JVM: the trainer, its configuration, the learning-rate schedule, dev evaluation and
 * checkpoints.
 */
package io.anglespark.model.train;
