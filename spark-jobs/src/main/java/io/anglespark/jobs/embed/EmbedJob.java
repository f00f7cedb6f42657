package io.anglespark.jobs.embed;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anglespark.jobs.common.HadoopFs;
import io.anglespark.jobs.common.JobCli;
import io.anglespark.jobs.common.JobConfigs;
import io.anglespark.jobs.common.JobMain;
import io.anglespark.jobs.common.ParquetInputs;
import io.anglespark.jobs.common.ParquetOut;
import io.anglespark.jobs.common.OutputFolder;
import io.anglespark.jobs.common.RunManifest;
import io.anglespark.jobs.common.SparkSessions;
import io.anglespark.model.serve.ModelRef;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;

import static org.apache.spark.sql.functions.col;

/**
 * Embeds texts with ids into Parquet, incrementally.
 *
 * <pre>
 * read (parquet | csv | jsonl, any Hadoop path; EmbedInput) -> check rows -> quarantine (malformed, invalid UTF-8,
 *   unpaired surrogate, missing id or text, one id with different texts) -> one row per id -> text_sha256
 *   -> skip (id, text_sha256) already in the output for this model_id
 *   -> reuse the stored vector of a text already embedded under another id
 *   -> slices by text hash, each: rows hashed by text into tasks, sorted -> each task embeds its distinct texts (model
 *      cached per executor JVM, length-bucketed) and writes its rows, one file -> temporary folder -> files renamed
 *      into embeddings/ (the slice's commit)
 * counts: read = unique ids + duplicate rows merged + quarantined; unique ids = already present + written
 * </pre>
 *
 * <p><b>Crash safety.</b> A slice becomes visible only when its files are renamed into {@code embeddings/}; each
 * file is complete when renamed. A rerun skips every (id, text_sha256, model_id) already there, so it embeds only
 * what is missing and never writes a second row for a committed id: after any crash and rerun each input id has
 * exactly one row per model id (as long as its text did not change; a changed text gets a new row beside the old
 * one, counted as {@code ids_with_changed_text}). Two ids with one text get a row each; the text is embedded once.
 *
 * <p><b>The model</b> is loaded once per JVM ({@link EngineCache}): on the driver first (its model id and dimension
 * are needed to plan; a bad reference fails before any work), then by the first task on each executor. A file
 * model reaches executors through {@code SparkContext.addFile}, a registered one from the class path.
 *
 * <p>Output folder: {@code embeddings/} (Parquet {@link #OUTPUT}), {@code quarantine/} (the latest run's),
 * {@code _vectors.json} (per model id, the long-text and normalisation settings its vectors were made with: a run
 * with other ones is refused, {@link VectorSettings}) and {@code _run.json} (the latest run's settings and counts).
 * An existing embed output is continued; anything else there is refused unless overwrite.
 */
@Command(name = "embed", mixinStandardHelpOptions = false, sortOptions = false,
        description = "Embeds texts with ids (Parquet, CSV, JSON lines) into Parquet (id, text_sha256, model_id, dim, embedding), "
                + "incrementally, on DL4J or ONNX Runtime, with a quarantine and a _run.json.")
public final class EmbedJob implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(EmbedJob.class);
    public static final String EMBEDDINGS = "embeddings";
    public static final String QUARANTINE_DIR = "quarantine";
    private static final String TMP = "_tmp";
    private static final String SHA = "text_sha256";

    /** The output rows. */
    public static final StructType OUTPUT = new StructType()
            .add("id", DataTypes.StringType, false)
            .add(SHA, DataTypes.StringType, false)
            .add("model_id", DataTypes.StringType, false)
            .add("dim", DataTypes.IntegerType, false)
            .add("embedding", DataTypes.createArrayType(DataTypes.FloatType, false), false);

    /** Rows that could not be embedded: the file, the id as read, the reason, a detail, the text (clipped). */
    public static final StructType QUARANTINE = new StructType()
            .add("file", DataTypes.StringType, false)
            .add("id", DataTypes.StringType, true)
            .add("reason", DataTypes.StringType, false)
            .add("detail", DataTypes.StringType, false)
            .add("raw", DataTypes.StringType, false);

    private static final StructType CHECKED = new StructType()
            .add("id", DataTypes.StringType, true)
            .add("text", DataTypes.StringType, true)
            .add("file", DataTypes.StringType, false)
            .add("problem", DataTypes.StringType, true)
            .add("detail", DataTypes.StringType, true)
            .add("raw", DataTypes.StringType, false);

    @CommandLine.Mixin
    JobCli cli = new JobCli();

    public static void main(String[] args) throws SparkException {
        JobMain.main("embed", new EmbedJob(), args);
    }

    @Override
    public Integer call() throws IOException {
        EmbedConfig config = EmbedConfig.from(JobConfigs.load(cli.configFile("embed"), cli.overrides(EmbedConfig.ROOT), HadoopFs.driverConfiguration()));
        EmbedReport r = SparkSessions.runAndStop("angle-spark embed", spark -> run(spark, config));
        LOG.info("embed finished: {} ({} written, {} already present, {} quarantined)", r.output(), r.written(), r.alreadyPresent(),
                r.quarantinedTotal());
        return 0;
    }

    public static EmbedReport run(SparkSession spark, EmbedConfig cfg) throws IOException {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Configuration hadoop = sc.hadoopConfiguration();
        SparkSessions.attachProgress(spark, cfg.progressIntervalSeconds());
        return run(spark, cfg, sc, hadoop);
    }

    private static EmbedReport run(SparkSession spark, EmbedConfig given, JavaSparkContext sc, Configuration hadoop) throws IOException {
        RunManifest manifest = new RunManifest("embed", spark, given);
        String runId = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC).format(Instant.now())
                + "-" + UUID.randomUUID().toString().substring(0, 8);

        // Inputs and model first: a missing input or model fails before anything is written or deleted.
        List<HadoopFs.InputFile> files = HadoopFs.listInputFiles("input", given.inputPath(), hadoop);
        manifest.root().set("inputs", manifest.toJson(files));
        EngineCache.Key key = engineKey(sc, given, hadoop);
        ModelRef.Loaded model = EngineCache.get(key);
        EmbedConfig cfg = withModelsMaxLength(given, model);
        manifest.root().put("max_length", cfg.policy().maxLength());
        manifest.root().put("max_length_from", given.maxLengthGiven() ? EmbedConfig.ROOT + ".max-length" : "the model");
        manifest.root().put("precision", cfg.precision().label());
        if (cfg.engine() == io.anglespark.model.serve.Engine.ONNXRUNTIME) {
            manifest.root().put("ort_threads", cfg.ortThreads() > 0 ? cfg.ortThreads() + " (" + EmbedConfig.ROOT + ".ort-threads)"
                    : "spark.task.cpus of each executor (" + EngineCache.taskCpus() + " on the driver)");
        }
        String modelId = model.modelId();
        int dim = model.engine().dimension();
        LOG.info("model {} on {}: id {}, dimension {}, {}", cfg.model(), cfg.engine().label(), modelId, dim, cfg.policy().describe());
        refuseForeignFolder(cfg.output(), cfg.overwrite(), hadoop);
        OutputFolder output = OutputFolder.inPlace(cfg.output(), cfg.overwrite(), !cfg.overwrite(), EmbedConfig.ROOT + ".overwrite",
                cfg.readPaths(), hadoop);
        manifest.stage("load_model");
        return output.produce(out -> embedInto(out, spark, cfg, sc, hadoop, manifest, runId, files, key, model));
    }

    /**
     * The configuration with the model's one maximum length unless embed.max-length was given; a given one that differs
     * from the model's is said (the vectors then differ from the model's own), one beyond its positions refused.
     */
    static EmbedConfig withModelsMaxLength(EmbedConfig cfg, ModelRef.Loaded model) {
        int positions = model.engine().config().positions();
        if (!cfg.maxLengthGiven()) {
            return cfg.resolvedFor(model.maxLength());
        }
        int given = cfg.policy().maxLength();
        if (given > positions) {
            throw new io.anglespark.jobs.common.ConfigException("config key 'embed.max-length' = " + given + ": the model has only " + positions
                    + " positions");
        }
        if (given != model.maxLength()) {
            LOG.warn("embed.max-length = {} overrides the model's own maximum length {} (vectors of long texts differ from the model's own)",
                    given, model.maxLength());
        }
        return cfg;
    }

    /** Reads, checks and embeds what {@code out} does not hold yet, slice by slice; then the quarantine and the manifest. */
    private static EmbedReport embedInto(String out, SparkSession spark, EmbedConfig cfg, JavaSparkContext sc, Configuration hadoop,
                                         RunManifest manifest, String runId, List<HadoopFs.InputFile> files, EngineCache.Key key,
                                         ModelRef.Loaded model) throws IOException {
        String modelId = model.modelId();
        int dim = model.engine().dimension();
        if (!HadoopFs.exists(out + "/" + RunManifest.FILE_NAME, hadoop)) {
            manifest.writeStarted(out, hadoop);
        }
        HadoopFs.delete(out + "/" + TMP, hadoop);
        boolean newSettings = VectorSettings.check(out, modelId, cfg, hadoop);

        // ---- read and check
        Dataset<Row> input = EmbedInput.read(spark, cfg, files.stream().map(HadoopFs.InputFile::path).toList(), hadoop);
        Dataset<Row> checked = spark.createDataFrame(input.javaRDD().map(new CheckRowFn(cfg.idColumn(), cfg.quarantineRawChars())), CHECKED)
                .persist(StorageLevel.MEMORY_AND_DISK());
        long read = ParquetInputs.action("input " + cfg.inputPath(), checked::count);
        cfg.emptyInput().check("input " + cfg.inputPath() + (cfg.where() == null ? "" : " (where " + cfg.where() + ")"), read,
                EmbedConfig.ROOT + ".empty-input", LOG);
        Dataset<Row> valid = checked.filter(col("problem").isNull()).select("id", "text");
        Dataset<Row> perId = valid.groupBy("id").agg(functions.count(functions.lit(1)).as("n"),
                functions.countDistinct("text").as("texts"), functions.first("text").as("text")).persist(StorageLevel.MEMORY_AND_DISK());
        Dataset<Row> unique = perId.filter(col("texts").equalTo(1)).select(col("id"), functions.sha2(col("text"), 256).as(SHA), col("text"));
        Row dupStats = perId.agg(functions.sum(functions.when(col("texts").equalTo(1), col("n").minus(1)).otherwise(0)),
                functions.sum(functions.when(col("texts").equalTo(1), 1).otherwise(0))).first();
        long duplicatesMerged = dupStats.isNullAt(0) ? 0 : dupStats.getLong(0);
        long uniqueIds = dupStats.isNullAt(1) ? 0 : dupStats.getLong(1);
        Dataset<Row> quarantine = checked.filter(col("problem").isNotNull())
                .select(col("file"), col("id"), col("problem").as("reason"), functions.coalesce(col("detail"), functions.lit("")).as("detail"),
                        col("raw"))
                .unionByName(checked.filter(col("problem").isNull()).join(perId.filter(col("texts").gt(1)).select(col("id"), col("n"), col("texts")), "id")
                        .select(col("file"), col("id"), functions.lit(EmbedRows.DUPLICATE_ID_CONFLICT).as("reason"),
                                functions.concat(functions.lit("the id appears "), col("n"), functions.lit(" times with "), col("texts"),
                                        functions.lit(" different texts")).as("detail"), col("raw")))
                .persist(StorageLevel.MEMORY_AND_DISK());
        Map<String, Long> quarantined = new TreeMap<>();
        for (Row r : quarantine.groupBy("reason").count().collectAsList()) {
            quarantined.put(r.getString(0), r.getLong(1));
        }
        long quarantinedTotal = quarantined.values().stream().mapToLong(Long::longValue).sum();
        LOG.info("read {} rows: {} ids, {} duplicate rows of an id merged, {} quarantined {}", read, uniqueIds, duplicatesMerged,
                quarantinedTotal, quarantined);
        manifest.stage("read_and_check");

        // ---- what is already there
        String embDir = out + "/" + EMBEDDINGS;
        boolean hasExisting = !HadoopFs.dataFiles(embDir, hadoop).isEmpty();
        Dataset<Row> todo;
        long changedIds = 0;
        if (hasExisting) {
            Dataset<Row> existing = spark.read().schema(OUTPUT).parquet(embDir).filter(col("model_id").equalTo(modelId));
            Dataset<Row> missing = unique.join(existing.select("id", SHA), scalaSeq("id", SHA), "left_anti");
            Dataset<Row> bySha = existing.groupBy(SHA).agg(functions.first("embedding").as("reused"));
            todo = missing.join(bySha, scalaSeq(SHA), "left");
            changedIds = missing.select("id").join(existing.select("id").distinct(), scalaSeq("id"), "left_semi").count();
        } else {
            todo = unique.withColumn("reused", functions.lit(null).cast(DataTypes.createArrayType(DataTypes.FloatType, false)));
        }
        // Buckets by text hash (the ids of one text share a bucket, so their text is embedded once), about 16 per
        // slice of the whole input; the rows still to write are counted per bucket and consecutive buckets packed
        // into slices of at most slice-rows (a bucket is never split), so a rerun gets few, full slices.
        int buckets = (int) Math.max(1, Math.min(65_536, (uniqueIds * 16 + cfg.sliceRows() - 1) / cfg.sliceRows()));
        Dataset<Row> bucketed = todo.withColumn("bucket", functions.pmod(functions.hash(col(SHA)), functions.lit(buckets)))
                .persist(StorageLevel.MEMORY_AND_DISK());
        Map<Integer, Long> perBucket = new TreeMap<>();
        long todoCount = 0;
        long reused = 0;
        for (Row r : bucketed.groupBy("bucket").agg(functions.count(functions.lit(1)),
                functions.sum(functions.when(col("reused").isNotNull(), 1).otherwise(0))).collectAsList()) {
            perBucket.put(r.getInt(0), r.getLong(1));
            todoCount += r.getLong(1);
            reused += r.getLong(2);
        }
        List<Slice> slices = Slice.pack(perBucket, cfg.sliceRows());
        long alreadyPresent = uniqueIds - todoCount;
        if (changedIds > 0) {
            LOG.warn("{} ids already have a row for model {} with another text; they get a new row (the old one stays)", changedIds, modelId);
        }
        LOG.info("{} ids already embedded with {}, {} to write in {} slices ({} by reusing a stored vector of the same text)", alreadyPresent,
                modelId, todoCount, slices.size(), reused);
        manifest.stage("plan");

        // ---- slices, each committed by renaming its files into embeddings/
        if (newSettings && !slices.isEmpty()) {
            VectorSettings.record(out, modelId, cfg, hadoop);
        }
        LongAccumulator embedded = sc.sc().longAccumulator("texts embedded");
        LongAccumulator truncated = sc.sc().longAccumulator("texts truncated");
        LongAccumulator chunked = sc.sc().longAccumulator("texts chunked");
        LongAccumulator tokens = sc.sc().longAccumulator("tokens");
        long written = 0;
        long started = System.nanoTime();
        int done = 0;
        for (Slice sl : slices) {
            int s = sl.index();
            long expected = sl.rows();
            Dataset<Row> slice = bucketed.filter(col("bucket").between(sl.firstBucket(), sl.lastBucket()));
            int tasks = cfg.partitions() > 0 ? cfg.partitions() : embedTasks(expected, cfg.bucketTexts(), cfg.rowsPerFile(), taskSlots(sc));
            String tmp = out + "/" + TMP + "/" + runId + "-slice-" + s;
            writeSlice(spark, slice, tasks, new EmbedTextsFn(key, modelId, dim, cfg, s, embedded, truncated, chunked, tokens), tmp);
            List<FileStatus> sliceFiles = HadoopFs.dataFiles(tmp, hadoop);
            long got = ParquetOut.rows(sliceFiles, hadoop);
            if (got != expected) {
                throw new IllegalStateException("slice " + s + " wrote " + got + " rows, expected " + expected + " (" + tmp + ")");
            }
            commit(sliceFiles, tmp, embDir, runId + "-s" + s, hadoop);
            written += got;
            done++;
            double secs = (System.nanoTime() - started) / 1e9;
            double rate = written / Math.max(secs, 1e-9);
            LOG.info("slice {} of {} committed: {} rows written so far of {} ({} rows/s), ETA {}s", done, slices.size(), written, todoCount,
                    Math.round(rate), Math.round((todoCount - written) / Math.max(rate, 1e-9)));
        }
        double embedSeconds = manifest.stage("embed_and_commit");

        // ---- quarantine of this run, then the manifest
        String qTmp = out + "/" + TMP + "/" + runId + "-quarantine";
        quarantine.coalesce(1).write().parquet(qTmp);
        HadoopFs.delete(out + "/" + QUARANTINE_DIR, hadoop);
        rename(qTmp, out + "/" + QUARANTINE_DIR, hadoop);
        HadoopFs.delete(out + "/" + TMP, hadoop);
        manifest.stage("write_quarantine");

        EmbedReport report = new EmbedReport(cfg.output(), modelId, dim, read, quarantined, duplicatesMerged, uniqueIds, alreadyPresent, written, reused,
                embedded.value(), truncated.value(), chunked.value(), tokens.value(), changedIds, slices.size(), embedSeconds);
        report.verify();
        ObjectNode m = manifest.root().putObject("model");
        m.put("ref", cfg.model());
        m.put("engine", cfg.engine().label());
        m.put("model_id", modelId);
        m.put("dim", dim);
        m.put("pooling", model.engine().pooling().label());
        m.put("long_text", cfg.policy().describe());
        m.put("normalize", cfg.normalize());
        manifest.root().set("counts", manifest.toJson(report.counts()));
        manifest.root().put("rows_per_second", written / Math.max(embedSeconds, 1e-9));
        manifest.root().put("run_id", runId);
        manifest.write(out, hadoop);
        checked.unpersist(false);
        perId.unpersist(false);
        quarantine.unpersist(false);
        bucketed.unpersist(false);
        LOG.info("wrote {}: {}", out, report.counts());
        return report;
    }

    /** The executor-side cache key; a file model is added to the job so that every executor gets one copy. */
    private static EngineCache.Key engineKey(JavaSparkContext sc, EmbedConfig cfg, Configuration hadoop) throws IOException {
        ModelRef ref = ModelRef.parse(cfg.model());
        if (ref.kind() == ModelRef.Kind.REGISTERED) {
            return new EngineCache.Key(ref.value(), null, cfg.engine(), cfg.precision(), cfg.pooling(), cfg.ortThreads());
        }
        Path p = new Path(cfg.model());
        FileSystem fs = p.getFileSystem(hadoop);
        if (!fs.exists(p)) {
            throw new HadoopFs.InputException("model '" + cfg.model() + "' does not exist (config key 'embed.model')");
        }
        Path qualified = fs.makeQualified(p);
        sc.sc().addFile(qualified.toString(), fs.getFileStatus(p).isDirectory());
        return new EngineCache.Key(cfg.model(), qualified.getName(), cfg.engine(), cfg.precision(), cfg.pooling(), cfg.ortThreads());
    }

    /** Without overwrite, an existing output is continued: it must be an embed output. */
    private static void refuseForeignFolder(String out, boolean overwrite, Configuration hadoop) throws IOException {
        if (!overwrite && HadoopFs.exists(out, hadoop) && !HadoopFs.exists(out + "/" + EMBEDDINGS, hadoop)
                && !HadoopFs.exists(out + "/" + RunManifest.FILE_NAME, hadoop) && !HadoopFs.exists(out + "/" + TMP, hadoop)) {
            throw new HadoopFs.OutputExistsException("output " + out + " exists and is not an embed output (no " + EMBEDDINGS
                    + "/); pass --overwrite (or embed.overwrite = true) to replace it");
        }
    }

    /**
     * Turns each text of the input ({@link EmbedInput#TEXTS}) into a checked row: the reader's problem, else the text policy
     * on id and text, else missing values.
     */
    static final class CheckRowFn implements org.apache.spark.api.java.function.Function<Row, Row> {
        private final String idColumn;
        private final int rawChars;

        CheckRowFn(String idColumn, int rawChars) {
            this.idColumn = idColumn;
            this.rawChars = rawChars;
        }

        @Override
        public Row call(Row r) {
            String id = r.isNullAt(0) ? null : r.getString(0);
            String text = r.isNullAt(1) ? null : r.getString(1);
            String file = r.isNullAt(2) ? "" : r.getString(2);
            EmbedRows.Problem p = r.isNullAt(6) ? null : new EmbedRows.Problem(r.getString(6), r.isNullAt(7) ? "" : r.getString(7));
            if (p == null) {
                p = EmbedRows.textProblem(id, r.isNullAt(4) ? null : (byte[]) r.get(4), "id column '" + idColumn + "'");
            }
            if (p == null) {
                p = EmbedRows.textProblem(text, r.isNullAt(5) ? null : (byte[]) r.get(5), "text column '" + r.getString(3) + "'");
            }
            if (p == null) {
                p = EmbedRows.problem(id, text);
            }
            String raw = EmbedRows.clip(r.isNullAt(8) ? text : r.getString(8), rawChars);
            return RowFactory.create(id, text, file, p == null ? null : p.reason(), p == null ? null : p.detail(), raw);
        }
    }

    /**
     * Moves a finished slice's data files (listed once, in {@code tmp}) into {@code target} under unique names; each
     * rename is atomic.
     */
    private static void commit(List<FileStatus> files, String tmp, String target, String prefix, Configuration hadoop) throws IOException {
        Path from = new Path(tmp);
        FileSystem fs = from.getFileSystem(hadoop);
        Path to = new Path(target);
        fs.mkdirs(to);
        int k = 0;
        for (FileStatus st : files) {
            Path dest = new Path(to, "part-" + prefix + "-" + (k++) + ".parquet");
            if (!fs.rename(st.getPath(), dest)) {
                throw new IOException("could not move " + st.getPath() + " to " + dest);
            }
        }
        fs.delete(from, true);
    }

    private static void rename(String from, String to, Configuration hadoop) throws IOException {
        Path f = new Path(from);
        FileSystem fs = f.getFileSystem(hadoop);
        if (!fs.rename(f, new Path(to))) {
            throw new IOException("could not move " + from + " to " + to);
        }
    }

    private static scala.collection.Seq<String> scalaSeq(String... names) {
        return scala.collection.JavaConverters.asScalaBuffer(List.of(names)).toSeq();
    }

    /**
     * A slice in one stage: its rows hashed by text into {@code tasks} partitions and sorted by it (the ids of a text
     * meet, adjacent, in one task), each partition embedded and written by its own task, one Parquet file per task.
     * The rows are shuffled once, as texts; the vectors are neither joined back to their ids nor moved again to be
     * written: at 10,000 texts (int8, 2 cores) that join and the repartition for writing cost 2.7 s of a 12.4 s slice.
     */
    private static void writeSlice(SparkSession spark, Dataset<Row> slice, int tasks, EmbedTextsFn embed, String tmp) {
        JavaRDD<Row> rows = slice.select(col("id"), col(SHA), col("text"), col("reused")).repartition(tasks, col(SHA)).sortWithinPartitions(SHA)
                .javaRDD().mapPartitions(embed);
        // vectors are unique floats: a dictionary for them is built only to be dropped
        spark.createDataFrame(rows, OUTPUT).write().option("parquet.enable.dictionary#embedding.list.element", "false").parquet(tmp);
    }

    /**
     * The tasks of a slice, each embedding and writing one file: about one per {@code bucketTexts} rows (the progress
     * listener then reports rows/s and an ETA within a slice), at least enough that no file holds more than about
     * {@code rowsPerFile} rows, rounded up to whole waves of {@code slots} concurrent tasks. A last wave with idle cores
     * costs as long as a full one: 10,000 texts in 5 tasks on 2 slots ran 3 waves, the last on one core, 0.77x the
     * rows/s of a bare ONNX Runtime loop; in 6 tasks the waves are full.
     */
    static int embedTasks(long rows, int bucketTexts, int rowsPerFile, int slots) {
        long tasks = Math.max(1, Math.max((rows + bucketTexts - 1) / bucketTexts, (rows + rowsPerFile - 1) / rowsPerFile));
        long waves = (tasks + slots - 1) / slots;
        return (int) Math.min(100_000, waves * slots);
    }

    /** The tasks the cluster runs at once: its cores (Spark's default parallelism) over {@code spark.task.cpus}. */
    static int taskSlots(JavaSparkContext sc) {
        return Math.max(1, sc.defaultParallelism() / Math.max(1, sc.getConf().getInt("spark.task.cpus", 1)));
    }
}
