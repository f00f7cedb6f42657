/**
 * Readers: one per input format. A {@link io.anglespark.prep.read.InputFormat} is bound to a file's
 * header (if the format has one) and yields a {@link io.anglespark.prep.read.RecordReader}, a pure
 * function from one decoded record (a line, without its terminator) to an Example or a Rejection.
 * Formats whose records span lines (quoted multi-line CSV, JSON arrays) supply their own record
 * splitting at the Spark edge and reuse the same interface for the per-record rule.
 */
package io.anglespark.prep.read;
