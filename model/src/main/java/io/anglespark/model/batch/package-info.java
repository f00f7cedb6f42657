/**
 * Training examples to encoder minibatches: tokenisation, length bucketing, dynamic padding, in-batch duplicate
 * deferral ({@link io.anglespark.model.batch.Batcher}). Pure Java but for building the ND4J arrays.
 */
package io.anglespark.model.batch;
