package io.anglespark.jobs.embed;

import com.typesafe.config.Config;
import io.anglespark.jobs.common.ConfigReader;
import io.anglespark.jobs.common.EmptyInput;
import io.anglespark.model.Pooling;
import io.anglespark.model.serve.Engine;
import io.anglespark.model.serve.LongTextPolicy;
import io.anglespark.model.serve.Precision;
import io.anglespark.model.serve.ModelRef;

import java.io.Serializable;

/**
 * The embed job's configuration, read from the {@code embed} object of a HOCON file ({@code conf/embed.conf}
 * documents every key). Immutable; every value validated on load.
 *
 * @param inputPath         file, folder or glob (any Hadoop path)
 * @param format            parquet, csv or jsonl
 * @param idColumn          column (field) holding the id; read as a string
 * @param textColumns       column(s) (fields) holding the text: one, or several (each row gives one text per column, with
 *                          the id {@code <id>/<column>})
 * @param where             a Spark SQL condition selecting the input rows to embed (null: all)
 * @param csvHeader         CSV: the first line names the columns (else columns are _c0, _c1, ...)
 * @param csvDelimiter      CSV: the field separator, one character (not a quote, CR or LF)
 * @param model             model reference (registered name, trained .zip, ONNX export folder; Hadoop paths allowed)
 * @param engine            dl4j or onnxruntime
 * @param pooling           pooling override; null for the model's own
 * @param longText          the maximum length (null until resolved: the model's own) and what to do beyond it
 * @param normalize         L2-normalise the vectors
 * @param batchSize         texts per forward pass
 * @param bucketTexts       texts gathered and sorted by length before batching, per task (bounds task memory)
 * @param ortThreads        ONNX Runtime intra-op threads per model session (0: the executor's cores per task, {@code spark.task.cpus})
 * @param precision         the model's float weights, or the int8 file of an export (ONNX Runtime)
 * @param sliceRows         output rows per committed slice (about): what a crash can lose at most
 * @param partitions        tasks per slice, each embedding and writing one file (0: one per {@code bucketTexts} rows, more if
 *                          {@code rowsPerFile} asks, in whole waves of the cluster's concurrent tasks)
 * @param rowsPerFile       rows per Parquet file (about, at most) when {@code partitions} is 0
 * @param quarantineRawChars characters of a quarantined row's text kept
 * @param failInSlice       test hook: every task embedding that slice throws (-1: off)
 * @param emptyInput        an input that yields no rows (after {@code where}): fail the run naming it, or warn
 */
public record EmbedConfig(String inputPath, Format format, String idColumn, java.util.List<String> textColumns, String where, boolean csvHeader, String csvDelimiter,
                          String output, boolean overwrite, String model, Engine engine, Precision precision, Pooling pooling, LongText longText,
                          boolean normalize, int batchSize, int bucketTexts, int ortThreads, long sliceRows, int partitions, int rowsPerFile,
                          int quarantineRawChars, double progressIntervalSeconds, int failInSlice, EmptyInput emptyInput) implements Serializable {

    public static final String ROOT = "embed";

    /**
     * {@code embed.max-length} and {@code embed.long-text.*}.
     *
     * @param maxLength the tokens per text, [CLS] and [SEP] included; null: the model's own maximum length
     */
    public record LongText(Integer maxLength, LongTextPolicy.Mode mode, int stride, int maxChunks) implements Serializable {
        public LongText {
            if (maxLength != null && mode == LongTextPolicy.Mode.CHUNK && stride > maxLength - 2) {
                throw new io.anglespark.jobs.common.ConfigException("config key '" + ROOT + ".long-text.stride' = " + stride
                        + ": must be at most max-length - 2 = " + (maxLength - 2) + " (windows would leave gaps; max-length " + maxLength + ")");
            }
        }

        LongTextPolicy policy() {
            if (maxLength == null) {
                throw new IllegalStateException("the maximum length is the model's: resolve it first (EmbedConfig.resolvedFor)");
            }
            return mode == LongTextPolicy.Mode.TRUNCATE ? LongTextPolicy.truncate(maxLength) : LongTextPolicy.chunk(maxLength, stride, maxChunks);
        }
    }

    /** The maximum length and what to do beyond it; only on a config {@link #resolvedFor resolved} for its model. */
    public LongTextPolicy policy() {
        return longText.policy();
    }

    /** Whether embed.max-length was given (else the model's own is used). */
    public boolean maxLengthGiven() {
        return longText.maxLength() != null;
    }

    /** This configuration with the model's maximum length where none was given. */
    public EmbedConfig resolvedFor(int modelMaxLength) {
        if (longText.maxLength() != null) {
            return this;
        }
        LongText lt = new LongText(modelMaxLength, longText.mode(), longText.stride(), longText.maxChunks());
        return new EmbedConfig(inputPath, format, idColumn, textColumns, where, csvHeader, csvDelimiter, output, overwrite, model, engine, precision, pooling, lt,
                normalize, batchSize, bucketTexts, ortThreads, sliceRows, partitions, rowsPerFile, quarantineRawChars, progressIntervalSeconds,
                failInSlice, emptyInput);
    }

    /** Every path the job reads, by the config key that names it (a registered model is no path): the output may touch none. */
    public java.util.Map<String, String> readPaths() {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put(ROOT + ".input.path", inputPath);
        if (ModelRef.parse(model).kind() != ModelRef.Kind.REGISTERED) {
            m.put(ROOT + ".model", model);
        }
        return m;
    }

    public enum Format {
        PARQUET,
        CSV,
        JSONL
    }

    public static EmbedConfig from(Config config) {
        ConfigReader r = ConfigReader.of(config, ROOT);
        ConfigReader in = r.section("input");
        String path = in.requiredString("path");
        Format format = in.enumOf("format", Format.class, Format.PARQUET);
        String id = in.string("id-column", "id");
        String text = in.string("text-column", "text");
        if (id.isBlank() || text.isBlank() || id.equals(text)) {
            throw in.invalid("text-column", text, "id-column and text-column must be two different, non-empty names (id-column = " + id + ")");
        }
        java.util.List<String> texts = in.optionalStringList("text-columns");
        if (texts == null || texts.isEmpty()) {
            texts = java.util.List.of(text);
        } else if (texts.stream().anyMatch(c -> c.isBlank() || c.equals(id)) || new java.util.HashSet<>(texts).size() != texts.size()) {
            throw in.invalid("text-columns", texts, "must be distinct, non-empty names other than id-column (" + id + ")");
        }
        String where = in.optionalString("where");
        if (where != null && where.isBlank()) {
            where = null;
        }
        ConfigReader csv = in.section("csv");
        boolean header = csv.bool("header", true);
        String delimiter = csv.string("delimiter", ",");
        if (delimiter.length() != 1 || "\"\r\n".contains(delimiter)) {
            throw csv.invalid("delimiter", "'" + delimiter + "'", "must be one character, not a quote, CR or LF");
        }
        String output = r.requiredString("output");
        boolean overwrite = r.bool("overwrite", false);

        String model = r.requiredString("model");
        try {
            ModelRef.parse(model);
        } catch (IllegalArgumentException e) {
            throw r.invalid("model", model, e.getMessage());
        }
        Engine engine = r.enumOf("engine", Engine.class, Engine.DL4J);
        Precision precision = r.enumOf("precision", Precision.class, Precision.FP32);
        if (precision == Precision.INT8 && engine != Engine.ONNXRUNTIME) {
            throw r.invalid("precision", "int8", "runs on ONNX Runtime: set " + r.key("engine") + " = onnxruntime");
        }
        String poolingName = r.optionalString("pooling");
        Pooling pooling = null;
        if (poolingName != null) {
            try {
                pooling = Pooling.parse(poolingName);
            } catch (IllegalArgumentException e) {
                throw r.invalid("pooling", poolingName, e.getMessage());
            }
        }
        Integer maxLength = r.optionalIntIn("max-length", 3, 100_000);
        ConfigReader lt = r.section("long-text");
        LongTextPolicy.Mode mode = lt.enumOf("mode", LongTextPolicy.Mode.class, LongTextPolicy.Mode.TRUNCATE);
        int stride = lt.intIn("stride", 128, 1, 100_000);
        int maxChunks = lt.intIn("max-chunks", 32, 1, 100_000);
        LongText longText = new LongText(maxLength, mode, stride, maxChunks);
        boolean normalize = r.bool("normalize", true);
        int batch = r.intIn("batch-size", 32, 1, 4096);
        int bucket = r.intIn("bucket-texts", 2048, 1, 10_000_000);
        int ortThreads = r.intIn("ort-threads", 0, 0, 1024);
        long sliceRows = r.longIn("slice-rows", 200_000, 1, Long.MAX_VALUE);
        int partitions = r.intIn("partitions", 0, 0, 1_000_000);
        int rowsPerFile = r.intIn("rows-per-file", 500_000, 1, Integer.MAX_VALUE);
        int rawChars = r.section("quarantine").intIn("raw-max-chars", 1000, 0, 1_000_000);
        double progress = r.doubleIn("progress-interval-s", 10, 0.1, 3600);
        int failInSlice = r.section("testing").intIn("fail-in-slice", -1, -1, Integer.MAX_VALUE);
        EmptyInput emptyInput = r.enumOf("empty-input", EmptyInput.class, EmptyInput.FAIL);
        r.rejectUnknownKeys();
        return new EmbedConfig(path, format, id, java.util.List.copyOf(texts), where, header, delimiter, output, overwrite, model, engine, precision, pooling, longText, normalize, batch,
                bucket, ortThreads, sliceRows, partitions, rowsPerFile, rawChars, progress, failInSlice, emptyInput);
    }
}
