package io.anglespark.jobs.train;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anglespark.jobs.common.HadoopFs;
import io.anglespark.jobs.common.HadoopRunFolder;
import io.anglespark.jobs.common.ParquetInputs;
import io.anglespark.jobs.common.JobCli;
import io.anglespark.jobs.common.JobConfigs;
import io.anglespark.jobs.common.JobMain;
import io.anglespark.jobs.common.OutputFolder;
import io.anglespark.jobs.common.Outputs;
import io.anglespark.jobs.common.RunManifest;
import io.anglespark.jobs.common.SparkSessions;
import io.anglespark.model.PretrainedModel;
import io.anglespark.model.batch.TrainingExample;
import io.anglespark.model.encoder.EncoderArtifact;
import io.anglespark.model.train.Fitter;
import io.anglespark.model.train.LocalFitter;
import io.anglespark.model.train.ModelSpec;
import io.anglespark.model.train.TrainingLoop;
import io.anglespark.model.train.TrainingState;
import io.anglespark.prep.ExampleShape;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.time.SystemClockTimeSource;
import org.deeplearning4j.spark.time.TimeSourceProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Fine-tunes an encoder with the AnglE loss: the model module's {@link TrainingLoop} (plan, dev evaluation, keep-best,
 * early stopping, checkpoints, resume, curves), fitted in this JVM when {@code spark.workers = 1}
 * ({@link LocalFitter}: no broadcast, no averaging) and with DL4J's parameter averaging on Spark when it is 2 or more
 * ({@link SparkFitter}: {@link SparkComputationGraph}, {@link ParameterAveragingTrainingMaster}).
 *
 * <pre>
 * prepared pairs/positives/triplets (Parquet, split train) + dev pairs -> driver: examples, model spec
 *   -> output folder (checked against the inputs; an overwritten one moved aside until the run succeeds)
 *   -> the fitter: one JVM (1 worker) | parameter averaging (2+ workers)
 *   -> TrainingLoop: rounds -> metrics.jsonl, dev Spearman every N steps -> model.zip (best), early stopping,
 *      checkpoints/, curves.png
 *   -> _run.json (fitter and why, plan, dev history, improved/best_step, throughput)
 * </pre>
 *
 * <p>{@link #main} parses the command line and configuration; {@link #run} does the work and is what tests call.
 */
@Command(name = "train", sortOptions = false,
        description = "Trains an AnglE encoder on prepared pairs or triplets (one JVM, or Spark parameter averaging); writes model.zip, "
                + "checkpoints/, metrics.jsonl, curves.png and _run.json.")
public final class TrainJob implements Callable<Integer> {
    public static final String MODEL = TrainingLoop.MODEL;
    private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);

    @CommandLine.Mixin
    JobCli cli = new JobCli();

    @CommandLine.Option(names = "--resume", description = "Continue the output folder's newest complete checkpoint.")
    boolean resume;

    public static void main(String[] args) throws SparkException {
        JobMain.main("train", new TrainJob(), args);
    }

    @Override
    public Integer call() throws IOException {
        List<String> overrides = cli.overrides(TrainJobConfig.ROOT);
        if (resume) {
            overrides.add(TrainJobConfig.ROOT + ".resume=true");
        }
        TrainJobConfig config = TrainJobConfig.from(JobConfigs.load(cli.configFile("train"), overrides, HadoopFs.driverConfiguration()));
        SparkSessions.runAndStop("angle-spark train", spark -> run(spark, config));
        return 0;
    }

    /**
     * What a run did.
     *
     * @param fitter        what fitted the graph, and why
     * @param improved      the kept model.zip beats the start on dev
     * @param stoppedEarly  early stopping ended the run (dev did not improve for {@code dev.patience} evaluations)
     */
    public record TrainReport(String output, int steps, int totalSteps, boolean finished, boolean resumed, List<TrainingState.Evaluation> history,
                              double bestSpearman, int bestStep, boolean improved, boolean stoppedEarly, long trainExamples, long devPairs,
                              double examplesPerSecond, String fitter) {
        /** The dev Spearman before any update of this output's run (NaN without one). */
        public double initialSpearman() {
            return history.isEmpty() || history.get(0).step() != 0 ? Double.NaN : history.get(0).spearman();
        }
    }

    public static TrainReport run(SparkSession spark, TrainJobConfig cfg) throws IOException {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        RunManifest manifest = new RunManifest("train", spark, cfg);
        useSystemClockForStats();

        // ---- inputs first: nothing is written before they are checked
        List<TrainingExample> train = readTrain(spark, cfg, hadoop);
        List<TrainingExample> dev = readDev(spark, cfg, hadoop);
        ModelSpec spec = modelSpec(cfg, hadoop);
        manifest.stage("read_inputs");
        LOG.info("train: {} {} examples ({}), dev: {} pairs; model {} ({} layers, hidden {}, {} pooling){}", train.size(), cfg.format(),
                cfg.sources().isEmpty() ? "all sources" : String.join(", ", cfg.sources()), dev.size(),
                spec.ownName().equals(spec.name()) ? spec.name() : spec.ownName() + " (from " + spec.name() + ")", spec.config().layers(),
                spec.config().hidden(), spec.pooling().label(), cfg.warmStart() == null ? "" : ", warm start from " + cfg.warmStart());

        if (cfg.resume() && !HadoopFs.exists(cfg.output(), hadoop)) {
            throw new HadoopFs.InputException("cannot resume: output " + cfg.output() + " does not exist");
        }
        OutputFolder output = OutputFolder.inPlace(cfg.output(), cfg.overwrite(), cfg.resume(), TrainJobConfig.ROOT + ".overwrite",
                cfg.readPaths(), hadoop);
        return output.produce(out -> train(spark, cfg, manifest, train, dev, spec, out));
    }

    /** Trains into {@code out} (a new output, a resumed one, or one that replaces a moved-aside previous output). */
    private static TrainReport train(SparkSession spark, TrainJobConfig cfg, RunManifest manifest, List<TrainingExample> train,
                                     List<TrainingExample> dev, ModelSpec spec, String out) throws IOException {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        manifest.writeStarted(out, hadoop);
        Fitting fitting = fitting(JavaSparkContext.fromSparkContext(spark.sparkContext()), cfg, spec);
        LOG.info("fitted by {}: {}", fitting.kind(), fitting.reason());
        TrainingLoop.Result r;
        try {
            r = new TrainingLoop(cfg.training(), loopSettings(cfg)).run(spec, train, dev, fitting.factory(), new HadoopRunFolder(out, hadoop),
                    cfg.resume(), "input " + cfg.input() + " sources " + cfg.sources() + "; warm start " + cfg.warmStart());
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("cannot resume")) {
                throw new HadoopFs.InputException(e.getMessage(), e);
            }
            throw e;
        }
        manifest.stage("train");
        TrainingState s = r.state();
        TrainReport report = new TrainReport(cfg.output(), s.step(), r.plan().totalSteps(), s.finished(), r.resumed(), s.history(), s.best(),
                s.bestStep(), s.improved(), s.stoppedEarly(), train.size(), dev.size(), r.examplesPerSecond(), r.fitter());
        writeManifest(manifest, cfg, report, r, fitting, spec, hadoop);
        LOG.info("train {}: {} steps, dev Spearman start {} best {} (step {}{}); {}", s.finished() ? "finished" : "stopped (resumable)",
                s.step(), TrainingLoop.pct(report.initialSpearman()), TrainingLoop.pct(s.best()), s.bestStep(), s.improved() ? ", better than the start"
                        : report.history().isEmpty() ? "" : ", not better than the start: model.zip is the starting model", cfg.output());
        return report;
    }

    /** What fits the graph and why: the choice the job logs and records. */
    record Fitting(String kind, String reason, Fitter.Factory factory) {
    }

    static Fitting fitting(JavaSparkContext sc, TrainJobConfig cfg, ModelSpec spec) {
        if (cfg.workers() == 1) {
            return new Fitting("one-jvm", "train.spark.workers = 1: the graph is fitted in the driver's JVM, one minibatch a step (no "
                    + "broadcast, no averaging)", LocalFitter.factory());
        }
        return new Fitting("parameter-averaging", "train.spark.workers = " + cfg.workers() + ": DL4J parameter averaging on Spark, averaging "
                + "every " + cfg.averagingFrequency() + " minibatches", SparkFitter.factory(sc, cfg, spec.tokenizerJson()));
    }

    static TrainingLoop.Settings loopSettings(TrainJobConfig cfg) {
        return new TrainingLoop.Settings(cfg.checkpointEverySteps(), cfg.keepCheckpoints(), cfg.progressIntervalSeconds(),
                new TrainingLoop.Limits(cfg.stopAfterSteps(), cfg.maxRunSeconds() > 0 ? Duration.ofSeconds(cfg.maxRunSeconds()) : null));
    }

    /**
     * DL4J's training statistics read time from an NTP server by default (pool.ntp.org, queried 10 times, then the
     * run fails): clusters without internet access are common, and every JVM here reads one clock source per
     * machine anyway. Unless the system property is set (e.g. through spark.executor.extraJavaOptions), use the
     * system clock.
     */
    static void useSystemClockForStats() {
        if (System.getProperty(TimeSourceProvider.TIMESOURCE_CLASSNAME_PROPERTY) == null) {
            System.setProperty(TimeSourceProvider.TIMESOURCE_CLASSNAME_PROPERTY, SystemClockTimeSource.class.getName());
        }
    }

    // ---- inputs

    public static List<TrainingExample> readTrain(SparkSession spark, TrainJobConfig cfg, Configuration hadoop) {
        String folder = switch (cfg.format()) {
            case SCORED_PAIR -> "pairs";
            case POSITIVE_PAIR -> "positives";
            case TRIPLET -> "triplets";
        };
        StructType schema = switch (cfg.format()) {
            case SCORED_PAIR -> Outputs.PAIRS;
            case POSITIVE_PAIR -> Outputs.POSITIVES;
            case TRIPLET -> Outputs.TRIPLETS;
        };
        String path = cfg.input() + "/" + folder;
        Dataset<Row> rows = parquet(spark, path, schema, "train input", hadoop).filter(functions.col("split").equalTo("train"));
        if (!cfg.sources().isEmpty()) {
            rows = rows.filter(functions.col("source").isin(cfg.sources().toArray()));
        }
        String id = cfg.format() == ExampleShape.SCORED_PAIR ? "pair_id" : "id";
        List<Row> collected = new ArrayList<>(ParquetInputs.action("train input " + path, rows::collectAsList));
        if (collected.isEmpty()) {
            throw new HadoopFs.InputException("train input " + path + " (split train" + (cfg.sources().isEmpty() ? "" : ", sources "
                    + cfg.sources()) + ") yields no rows: nothing to train on; check " + TrainJobConfig.ROOT + ".input and "
                    + TrainJobConfig.ROOT + ".sources");
        }
        collected.sort(Comparator.comparing(r -> r.<String>getAs(id)));
        List<TrainingExample> out = new ArrayList<>(collected.size());
        for (Row r : collected) {
            TrainingExample e = switch (cfg.format()) {
                case SCORED_PAIR -> {
                    double label = r.getAs("label");
                    if (!cfg.labelScale().contains(label)) {
                        throw new HadoopFs.InputException("train input " + path + ": pair " + r.getAs("pair_id") + " has label " + label
                                + ", not on the configured scale " + cfg.labelScale() + " (" + TrainJobConfig.ROOT + ".label-scale)");
                    }
                    yield TrainingExample.pair(r.getAs("text1"), r.getAs("text2"), label);
                }
                case POSITIVE_PAIR -> TrainingExample.positive(r.getAs("query"), r.getAs("positive"));
                case TRIPLET -> TrainingExample.triplet(r.getAs("query"), r.getAs("positive"), r.getAs("negative"));
            };
            out.add(e);
        }
        if (out.size() < cfg.batchPerWorker()) {
            throw new HadoopFs.InputException("train input " + path + ": " + out.size() + " examples with split train"
                    + (cfg.sources().isEmpty() ? "" : " and source in " + cfg.sources()) + "; one minibatch needs " + cfg.batchPerWorker());
        }
        return out;
    }

    /** The dev pairs (format A) of the configured source and split, in pair-id order, evenly thinned to max-pairs. */
    static List<TrainingExample> readDev(SparkSession spark, TrainJobConfig cfg, Configuration hadoop) {
        String path = cfg.devInput() + "/pairs";
        Dataset<Row> rows = parquet(spark, path, Outputs.PAIRS, "dev input", hadoop).filter(functions.col("split").equalTo(cfg.devSplit()));
        if (cfg.devSource() != null) {
            rows = rows.filter(functions.col("source").equalTo(cfg.devSource()));
        }
        List<Row> collected = new ArrayList<>(ParquetInputs.action("dev input " + path, rows::collectAsList));
        collected.sort(Comparator.comparing(r -> r.<String>getAs("pair_id")));
        int stride = cfg.devMaxPairs() == 0 ? 1 : Math.max(1, collected.size() / cfg.devMaxPairs());
        List<TrainingExample> out = new ArrayList<>();
        for (int i = 0; i < collected.size() && (cfg.devMaxPairs() == 0 || out.size() < cfg.devMaxPairs()); i += stride) {
            Row r = collected.get(i);
            out.add(TrainingExample.pair(r.getAs("text1"), r.getAs("text2"), r.<Double>getAs("label")));
        }
        if (!out.isEmpty() && out.size() < 3) {
            throw new HadoopFs.InputException("dev input " + path + ": only " + out.size() + " pairs with split " + cfg.devSplit()
                    + (cfg.devSource() == null ? "" : " and source " + cfg.devSource()) + "; Spearman needs at least 3");
        }
        if (out.isEmpty()) {
            cfg.emptyInput().check("dev input " + path + " (split " + cfg.devSplit() + (cfg.devSource() == null ? "" : ", source " + cfg.devSource())
                    + ")", 0, TrainJobConfig.ROOT + ".empty-input", LOG);
            LOG.warn("dev input {}: no pairs with split {}{}; no dev evaluation, model.zip is the last epoch's model", path, cfg.devSplit(),
                    cfg.devSource() == null ? "" : " and source " + cfg.devSource());
        }
        return out;
    }

    private static Dataset<Row> parquet(SparkSession spark, String path, StructType schema, String what, Configuration hadoop) {
        try {
            if (!HadoopFs.exists(path, hadoop)) {
                throw new HadoopFs.InputException(what + ": " + path + " does not exist (expected the prepare job's output folder)");
            }
        } catch (IOException e) {
            throw new HadoopFs.InputException(what + ": cannot check " + path + ": " + e.getMessage(), e);
        }
        return spark.read().schema(schema).parquet(path);
    }

    /** The encoder the run starts from (the warm start's, or {@code model}'s), under {@code name} when one is given. */
    public static ModelSpec modelSpec(TrainJobConfig cfg, Configuration hadoop) throws IOException {
        ModelSpec spec = startingSpec(cfg, hadoop);
        return cfg.name() == null ? spec : spec.named(cfg.name());
    }

    private static ModelSpec startingSpec(TrainJobConfig cfg, Configuration hadoop) throws IOException {
        ModelSpec spec;
        if (cfg.warmStart() != null) {
            Path p = new Path(cfg.warmStart());
            FileSystem fs = p.getFileSystem(hadoop);
            if (!fs.exists(p)) {
                throw new HadoopFs.InputException("warm start: " + cfg.warmStart() + " does not exist");
            }
            try (InputStream in = fs.open(p)) {
                spec = ModelSpec.fromEncoder(EncoderArtifact.load(in, cfg.warmStart()));
            }
            return spec;
        }
        if (cfg.model().equals(TrainJobConfig.RANDOM)) {
            TrainJobConfig.RandomShape s = cfg.random();
            PretrainedModel tokenizerOf = pretrained(s.tokenizerOf(), TrainJobConfig.ROOT + ".random.tokenizer-of");
            byte[] tok;
            try (InputStream in = tokenizerOf.openTokenizer()) {
                tok = in.readAllBytes();
            }
            var c = tokenizerOf.config();
            spec = ModelSpec.random("random", new io.anglespark.model.BertConfig(s.layers(), s.hidden(), s.heads(), s.intermediate(), c.vocab(),
                    c.positions(), c.typeVocab(), c.layerNormEps()), cfg.pooling() == null ? tokenizerOf.pooling() : cfg.pooling(), tok);
        } else {
            spec = ModelSpec.pretrained(pretrained(cfg.model(), TrainJobConfig.ROOT + ".model"), cfg.pooling());
        }
        return cfg.layers() > 0 ? spec.firstLayers(cfg.layers()) : spec;
    }

    private static PretrainedModel pretrained(String name, String key) {
        try {
            return PretrainedModel.byName(name);
        } catch (IllegalArgumentException e) {
            throw new io.anglespark.jobs.common.ConfigException("config key '" + key + "' = '" + name + "': " + e.getMessage()
                    + " (or 'random' for a randomly initialised encoder)");
        }
    }

    // ---- report

    private static void writeManifest(RunManifest manifest, TrainJobConfig cfg, TrainReport r, TrainingLoop.Result result, Fitting fitting,
                                      ModelSpec spec, Configuration hadoop) throws IOException {
        ObjectNode root = manifest.root();
        root.put("status", r.finished() ? "finished" : "stopped");
        ObjectNode f = root.putObject("fitter");
        f.put("kind", fitting.kind());
        f.put("reason", fitting.reason());
        f.put("describe", r.fitter());
        TrainingLoop.Plan plan = result.plan();
        ObjectNode counts = root.putObject("counts");
        counts.put("train_examples", r.trainExamples());
        counts.put("dev_pairs", r.devPairs());
        counts.put("parameters", result.graph().params().length());
        counts.put("rounds_per_epoch", plan.epochs().get(0).rounds());
        counts.put("minibatches_per_epoch", plan.epochs().get(0).batches().size());
        counts.put("examples_repeated_to_fill_minibatches", plan.repeatedExamples());
        counts.put("minibatches_repeated_to_fill_rounds", plan.repeatedMinibatches());
        counts.put("examples_fitted", result.state().examples());
        ObjectNode t = root.putObject("training");
        t.put("model", spec.name());
        t.put("name", spec.ownName());
        t.put("finished", r.finished());
        t.put("resumed", r.resumed());
        t.put("stopped_early", r.stoppedEarly());
        t.put("steps", r.steps());
        t.put("total_steps", r.totalSteps());
        t.put("improved", r.improved());
        if (!Double.isNaN(r.bestSpearman())) {
            t.put("best_dev_spearman", r.bestSpearman());
            t.put("best_step", r.bestStep());
            t.put("initial_dev_spearman", r.initialSpearman());
        }
        ArrayNode evaluations = t.putArray("evaluations");
        for (TrainingState.Evaluation e : r.history()) {
            ObjectNode n = evaluations.addObject();
            n.put("step", e.step());
            n.put("epochs", e.epochs());
            if (!Double.isNaN(e.spearman())) {
                n.put("dev_spearman", e.spearman());
            }
            if (e.meanLoss() != null) {
                n.put("mean_loss", e.meanLoss());
            }
        }
        ObjectNode timing = root.putObject("throughput");
        timing.put("train_seconds_this_run", result.secondsThisRun());
        timing.put("examples_this_run", result.examplesThisRun());
        timing.put(cfg.format() == ExampleShape.TRIPLET ? "triplets_per_second" : "pairs_per_second", r.examplesPerSecond());
        timing.put("train_seconds_all_runs", result.state().trainSeconds());
        if (fitting.factory() instanceof SparkFitter.Factory sf && sf.created() != null && cfg.collectStats()) {
            Map<String, long[]> totals = sf.created().statsTotals();
            ObjectNode st = timing.putObject("spark_training_stats_ms");
            totals.forEach((k, v) -> st.putObject(k).put("total_ms", v[0]).put("events", v[1]));
            // DL4J's master "aggregate" time includes waiting for the workers (Spark is lazy), so the split reported is:
            // computing = the workers' fit time (mean per worker: they run in parallel); overhead = the rest of the rounds'
            // wall time (broadcasting parameters and updater state, scheduling, (de)serialising, tokenising, averaging).
            double runSeconds = result.secondsThisRun();
            double fitPerWorkerMs = total(totals, "ParameterAveragingWorkerFitTimesMs") / (double) cfg.workers();
            double overheadMs = Math.max(0, runSeconds * 1000 - fitPerWorkerMs);
            timing.put("worker_fit_ms_mean_per_worker", fitPerWorkerMs);
            timing.put("averaging_and_other_overhead_ms", overheadMs);
            timing.put("overhead_fraction", runSeconds == 0 ? 0 : overheadMs / (runSeconds * 1000));
            LOG.info(String.format(Locale.ROOT, "time in rounds %.1f s: workers computing %.1f s (mean per worker), averaging and other overhead "
                    + "%.1f s (%.0f%%)", runSeconds, fitPerWorkerMs / 1000, overheadMs / 1000, runSeconds == 0 ? 0 : 100 * overheadMs / (runSeconds * 1000)));
        }
        manifest.write(cfg.output(), hadoop);
    }

    private static long total(Map<String, long[]> totals, String key) {
        long[] v = totals.get(key);
        return v == null ? 0 : v[0];
    }
}
