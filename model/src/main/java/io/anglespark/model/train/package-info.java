/**
 * Training in one JVM: the trainer, its configuration, the learning-rate schedule, dev evaluation and
 * checkpoints, and the DL4J work-arounds training needs ({@link io.anglespark.model.train.GradientFunctions}).
 */
package io.anglespark.model.train;
