/**
 * Pairing rules: duplicate keys, duplicate resolution, NLI triplet construction and deterministic split
 * assignment. Pure functions of their inputs, independent of input order; objects are immutable and
 * serializable so Spark can ship them.
 */
package io.anglespark.prep.pair;
