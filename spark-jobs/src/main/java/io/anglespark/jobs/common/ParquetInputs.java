package io.anglespark.jobs.common;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parquet inputs whose unreadable files (not Parquet at all, truncated, corrupt pages) fail the run as a user error
 * ({@link HadoopFs.InputException}: one line naming the file, exit 2) instead of a Spark stack trace. Spark surfaces
 * such a file in one of two places, and both go through here:
 * <ul>
 *   <li>schema inference ({@link #read(SparkSession, String, String...)} without a schema) reads footers in a Spark
 *       job on the driver's call: {@code SparkException [CANNOT_READ_FILE_FOOTER] ... for file: F};</li>
 *   <li>a task reading the rows (an explicit schema, or a footer that reads but pages that do not) fails the first
 *       action on them ({@link #action}): {@code SparkException} (job aborted) caused by {@code RuntimeException "F is
 *       not a Parquet file ..."} or {@code ParquetDecodingException "... in file F"}.</li>
 * </ul>
 * The file is taken from Spark's message; any other failure is rethrown unchanged.
 */
public final class ParquetInputs {
    /** Messages of Spark and parquet-mr that name the file they could not read; group 1 is the file. */
    private static final Pattern[] NAMING_THE_FILE = {
            Pattern.compile("^(\\S+) is not a Parquet file"),
            Pattern.compile("Could not read footer for file: (\\S+?)\\.?(?:\\s|$)"),
            Pattern.compile("in block -?\\d+ in file (\\S+)"),
            Pattern.compile("[Ee]rror while reading file (\\S+?)\\.?(?:\\s|$)"),
    };

    private ParquetInputs() {
    }

    /** {@code spark.read().parquet(paths)}, the schema inferred from the files; an unreadable footer fails naming the file. */
    public static Dataset<Row> read(SparkSession spark, String input, String... paths) {
        return action(input, () -> spark.read().parquet(paths));
    }

    /** {@code spark.read().schema(schema).parquet(paths)}: nothing is read yet; run the first action through {@link #action}. */
    public static Dataset<Row> read(SparkSession spark, StructType schema, String... paths) {
        return spark.read().schema(schema).parquet(paths);
    }

    /**
     * Runs {@code action} (the first action on rows read from Parquet); a failure to read one of the files becomes a
     * {@link HadoopFs.InputException} naming {@code input} and the file. Anything else is rethrown unchanged (Spark's
     * checked {@code SparkException} included, which Scala code throws undeclared).
     *
     * @param input how the input is named in the message, e.g. {@code input 'user-b'}
     */
    public static <T> T action(String input, Supplier<T> action) {
        try {
            return action.get();
        } catch (Exception e) {
            HadoopFs.InputException unreadable = unreadable(input, e);
            if (unreadable != null) {
                throw unreadable;
            }
            throw ParquetInputs.<RuntimeException>rethrow(e);
        }
    }

    /** The user error for a failure that names an unreadable Parquet file, or null when {@code e} is something else. */
    static HadoopFs.InputException unreadable(String input, Throwable e) {
        String file = null;
        String why = null;
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            String m = t.getMessage();
            if (m == null) {
                continue;
            }
            for (Pattern p : NAMING_THE_FILE) {
                Matcher matcher = p.matcher(m);
                if (matcher.find()) {
                    file = matcher.group(1);
                    why = firstLine(m);
                }
            }
            if (t instanceof org.apache.parquet.io.ParquetDecodingException) {
                why = firstLine(m);
            }
        }
        if (file == null) {
            return null;
        }
        String reason = why.startsWith(file) ? why.substring(file.length()).strip() : why;
        reason = reason.startsWith("is ") ? reason.substring(3) : reason;
        return new HadoopFs.InputException(input + ": " + file + " is not a readable Parquet file (" + reason + ")", e);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

    @SuppressWarnings("unchecked")
    private static <E extends Exception> RuntimeException rethrow(Exception e) throws E {
        throw (E) e;
    }
}
