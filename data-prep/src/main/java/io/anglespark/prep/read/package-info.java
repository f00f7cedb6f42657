/**
 * Readers: one per input format. A {@link io.anglespark.prep.read.InputFormat} is bound to a file's
 * header (if the format has one) and yields a {@link io.anglespark.prep.read.RecordReader}, a pure
 * function from one decoded record (a line, without its terminator) to an Example or a Rejection.
 * Formats whose records span lines (quoted multi-line CSV, JSON arrays) are split into records first
 * ({@link io.anglespark.prep.read.CsvSyntax.Scanner}, {@code io.anglespark.prep.issues.Rfc4180} and
 * {@code io.anglespark.prep.issues.JsonRecords}); {@link io.anglespark.prep.read.CsvSyntax} is the one quote
 * parser both the single-line CSV dialect and the multi-line splitter use.
 */
package io.anglespark.prep.read;
