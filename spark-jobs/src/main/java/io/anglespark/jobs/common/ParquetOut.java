package io.anglespark.jobs.common;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.util.List;

/** Writes job outputs as Parquet with their explicit schema, in files of about {@code rowsPerFile} rows. */
public final class ParquetOut {
    private ParquetOut() {
    }

    /** @param count the number of rows (known from the job's counters), to size the files without another pass */
    public static void write(SparkSession spark, JavaRDD<Row> rows, long count, int rowsPerFile, StructType schema, String path) {
        int files = (int) Math.max(1, Math.min(rows.getNumPartitions(), (count + rowsPerFile - 1) / rowsPerFile));
        spark.createDataFrame(rows.coalesce(files), schema).write().parquet(path);
    }

    /**
     * The rows in these Parquet files ({@link HadoopFs#dataFiles} of a written folder), summed from their footers on the
     * driver: a check of what a write produced without a Spark job reading it back.
     */
    public static long rows(List<FileStatus> files, Configuration hadoop) throws IOException {
        long rows = 0;
        for (FileStatus st : files) {
            try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromStatus(st, hadoop))) {
                rows += r.getRecordCount();
            }
        }
        return rows;
    }
}
