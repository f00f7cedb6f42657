package io.anglespark.jobs.common;

import org.apache.parquet.io.ParquetDecodingException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** How Spark's and parquet-mr's read failures become one line naming the file (the job tests cause the real ones). */
class ParquetInputsTest {

    @Test
    void aCorruptPageFailureNamesItsFile() {
        RuntimeException spark = new RuntimeException("Job aborted due to stage failure: Task 0 in stage 3.0 failed 1 times\nDriver stacktrace:",
                new ParquetDecodingException("Can not read value at 0 in block -1 in file file:/data/pairs/part-1.parquet",
                        new IllegalStateException("bad page")));
        HadoopFs.InputException e = ParquetInputs.unreadable("train input /data", spark);
        assertEquals("train input /data: file:/data/pairs/part-1.parquet is not a readable Parquet file (Can not read value at 0 in block -1 in file "
                + "file:/data/pairs/part-1.parquet)", e.getMessage());
        assertSame(spark, e.getCause());
    }

    @Test
    void aFooterFailureNamesItsFileWithoutTheInnerPathTwice() {
        RuntimeException spark = new RuntimeException("[CANNOT_READ_FILE_FOOTER] Could not read footer for file: file:/d/x.parquet. Please ensure",
                new RuntimeException("file:/d/x.parquet is not a Parquet file (length is too low: 0)"));
        assertEquals("input 'x': file:/d/x.parquet is not a readable Parquet file (not a Parquet file (length is too low: 0))",
                ParquetInputs.unreadable("input 'x'", spark).getMessage());
    }

    @Test
    void anyOtherFailureIsRethrownUnchanged() {
        IllegalStateException other = new IllegalStateException("fail-in-slice 1");
        assertNull(ParquetInputs.unreadable("input", other));
        assertSame(other, assertThrows(IllegalStateException.class, () -> ParquetInputs.action("input", () -> {
            throw other;
        })));
    }
}
