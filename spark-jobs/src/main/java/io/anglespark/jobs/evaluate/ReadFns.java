package io.anglespark.jobs.evaluate;

import io.anglespark.prep.Example;
import io.anglespark.prep.Outcome;
import io.anglespark.prep.Reason;
import io.anglespark.prep.read.RecordReader;
import io.anglespark.prep.read.Utf8;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.Row;
import scala.Tuple2;

/** Executor-side parsing of evaluation sets into {@link EvalRow}s. Stateless; nothing logged per row. */
final class ReadFns {
    private ReadFns() {
    }

    /**
     * One line's bytes and 0-based line index: strict UTF-8, then the corpus format's data-prep reader. Texts are
     * kept exactly as the reader yields them (no cleaning), as published STS figures are computed on raw files.
     */
    static final class ParseLineFn implements Function<Tuple2<byte[], Long>, EvalRow> {
        private final String file;
        private final RecordReader reader;

        ParseLineFn(String file, RecordReader reader) {
            this.file = file;
            this.reader = reader;
        }

        @Override
        public EvalRow call(Tuple2<byte[], Long> line) {
            String location = file + ":" + (line._2() + 1);
            Outcome<Example> out = Utf8.decode(line._1(), line._2() == 0).then(reader::read);
            if (out instanceof Outcome.Rejected<Example> r) {
                return EvalRow.rejected(location, r.rejection().reason(), r.rejection().detail());
            }
            Example e = ((Outcome.Accepted<Example>) out).value();
            if (e.kind() != Example.Kind.SCORED_PAIR) {
                return EvalRow.rejected(location, Reason.UNSCORED, "the reader yields a " + e.kind() + ", not a scored pair");
            }
            return EvalRow.accepted(location, e.text1(), e.text2(), e.score());
        }
    }

    /**
     * One row of a prepared pairs Parquet file ({@code text1, text2, label}, and {@code pair_id} when present for
     * the location). Null or blank texts, a null or non-finite label, and for duplicate-pair sets a label other
     * than 0 or 1 are rejections.
     */
    static final class ParquetPairFn implements Function<Row, EvalRow> {
        private final String path;
        private final boolean binary;

        ParquetPairFn(String path, boolean binary) {
            this.path = path;
            this.binary = binary;
        }

        @Override
        public EvalRow call(Row row) {
            int idField = fieldIndex(row, "pair_id");
            String location = path + " pair_id " + (idField < 0 || row.isNullAt(idField) ? "?" : row.getString(idField));
            String t1 = text(row, "text1");
            String t2 = text(row, "text2");
            if (t1 == null || t2 == null) {
                return EvalRow.rejected(location, Reason.MISSING_FIELD, (t1 == null ? "text1" : "text2") + " is null");
            }
            if (t1.isBlank() || t2.isBlank()) {
                return EvalRow.rejected(location, Reason.EMPTY_TEXT, (t1.isBlank() ? "text1" : "text2") + " is empty or only whitespace");
            }
            int li = row.fieldIndex("label");
            if (row.isNullAt(li)) {
                return EvalRow.rejected(location, Reason.MISSING_FIELD, "label is null");
            }
            double label = ((Number) row.get(li)).doubleValue();
            if (!Double.isFinite(label)) {
                return EvalRow.rejected(location, Reason.SCORE_NOT_FINITE, "label is " + label);
            }
            if (binary && label != 0 && label != 1) {
                return EvalRow.rejected(location, Reason.UNKNOWN_LABEL, "label " + label + " of a duplicate-pair set is not 0 or 1");
            }
            return EvalRow.accepted(location, t1, t2, label);
        }

        private static String text(Row row, String field) {
            int i = row.fieldIndex(field);
            return row.isNullAt(i) ? null : row.getString(i);
        }

        private static int fieldIndex(Row row, String field) {
            return java.util.Arrays.asList(row.schema().fieldNames()).indexOf(field);
        }
    }

    /** A rejection's detail as the report quotes it: cut to a readable length. */
    static String shortDetail(String detail) {
        return detail == null ? "" : detail.length() > 200 ? detail.substring(0, 197) + "..." : detail;
    }
}
