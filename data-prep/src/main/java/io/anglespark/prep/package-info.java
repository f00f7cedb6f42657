/**
 * Pure-Java preparation rules: readers that turn one line or record of a real corpus into an
 * {@link io.anglespark.prep.Example} or a {@link io.anglespark.prep.Rejection}, text cleaning, pairing,
 * de-duplication and split assignment. Nothing here knows Spark or ND4J; spark-jobs wires these
 * functions into jobs, so every rule is testable on a string.
 */
package io.anglespark.prep;
