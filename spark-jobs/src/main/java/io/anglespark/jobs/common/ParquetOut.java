package io.anglespark.jobs.common;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/** Writes job outputs as Parquet with their explicit schema, in files of about {@code rowsPerFile} rows. */
public final class ParquetOut {
    private ParquetOut() {
    }

    /** @param count the number of rows (known from the job's counters), to size the files without another pass */
    public static void write(SparkSession spark, JavaRDD<Row> rows, long count, int rowsPerFile, StructType schema, String path) {
        int files = (int) Math.max(1, Math.min(rows.getNumPartitions(), (count + rowsPerFile - 1) / rowsPerFile));
        spark.createDataFrame(rows.coalesce(files), schema).write().parquet(path);
    }
}
