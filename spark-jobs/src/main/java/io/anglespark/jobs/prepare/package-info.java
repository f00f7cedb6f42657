/**
 * The preparation job: reads the configured corpora (any Hadoop path), applies the data-prep readers
 * and cleaning rules on the executors, pairs and de-duplicates them, and writes pairs, triplets and
 * a quarantine as Parquet plus a {@code _run.json} whose counts are checked to add up.
 */
package io.anglespark.jobs.prepare;
