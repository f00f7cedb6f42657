package io.anglespark.jobs.common;

import io.anglespark.prep.Reason;
import io.anglespark.prep.RowRef;
import io.anglespark.prep.Split;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;

/** The prepared-data output records and their explicit Parquet schemas (shared by the prepare and issue-pairs jobs) (Spark's bean encoder does not read records). */
public final class Outputs {
    private Outputs() {
    }

    /** Format A: {@code (pair_id, text1, text2, label, source, split)}. */
    public static final StructType PAIRS = new StructType()
            .add("pair_id", DataTypes.StringType, false)
            .add("text1", DataTypes.StringType, false)
            .add("text2", DataTypes.StringType, false)
            .add("label", DataTypes.DoubleType, false)
            .add("source", DataTypes.StringType, false)
            .add("split", DataTypes.StringType, false);

    /** Format C: {@code (id, query, positive, negative, source, split)}. */
    public static final StructType TRIPLETS = new StructType()
            .add("id", DataTypes.StringType, false)
            .add("query", DataTypes.StringType, false)
            .add("positive", DataTypes.StringType, false)
            .add("negative", DataTypes.StringType, false)
            .add("source", DataTypes.StringType, false)
            .add("split", DataTypes.StringType, false);

    /** Format B: {@code (id, query, positive, source, split)}. */
    public static final StructType POSITIVES = new StructType()
            .add("id", DataTypes.StringType, false)
            .add("query", DataTypes.StringType, false)
            .add("positive", DataTypes.StringType, false)
            .add("source", DataTypes.StringType, false)
            .add("split", DataTypes.StringType, false);

    /** Rows that could not be used: {@code (source, input, location, reason, detail, raw)}; raw is truncated. */
    public static final StructType QUARANTINE = new StructType()
            .add("source", DataTypes.StringType, false)
            .add("input", DataTypes.StringType, false)
            .add("location", DataTypes.StringType, false)
            .add("reason", DataTypes.StringType, false)
            .add("detail", DataTypes.StringType, false)
            .add("raw", DataTypes.StringType, false);

    /** A format-A pair, identified by its representative row. */
    public record Pair(RowRef ref, String text1, String text2, double label, String source, Split split) implements Serializable {
        public Row toRow(boolean withFileName) {
            return RowFactory.create(ref.id(withFileName), text1, text2, label, source, split.label());
        }
    }

    /** A format-B or format-C example; negative is null for B. */
    public record Triplet(String id, String query, String positive, String negative, String source, Split split,
                   java.util.List<RowRef> refs) implements Serializable {
        public Row toRow() {
            return negative == null
                    ? RowFactory.create(id, query, positive, source, split.label())
                    : RowFactory.create(id, query, positive, negative, source, split.label());
        }
    }

    public record Quarantined(String source, RowRef ref, Reason reason, String detail, String raw) implements Serializable {
        public Row toRow() {
            return RowFactory.create(source, ref.input(), ref.location(), reason.code(), detail, raw == null ? "" : raw);
        }
    }
}
