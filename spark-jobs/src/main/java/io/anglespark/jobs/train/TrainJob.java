package io.anglespark.jobs.train;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anglespark.jobs.common.HadoopFs;
import io.anglespark.jobs.common.ParquetInputs;
import io.anglespark.jobs.common.JobCli;
import io.anglespark.jobs.common.JobConfigs;
import io.anglespark.jobs.common.JobMain;
import io.anglespark.jobs.common.OutputFolder;
import io.anglespark.jobs.common.Outputs;
import io.anglespark.jobs.common.RunManifest;
import io.anglespark.jobs.common.SparkSessions;
import io.anglespark.model.PretrainedModel;
import io.anglespark.model.batch.Batcher;
import io.anglespark.model.batch.TrainingExample;
import io.anglespark.model.encoder.Encoder;
import io.anglespark.model.encoder.EncoderArtifact;
import io.anglespark.model.tokenize.WordPieceTokenizer;
import io.anglespark.model.train.DevEvaluator;
import io.anglespark.model.train.LocalTrainer;
import io.anglespark.model.train.ModelSpec;
import io.anglespark.model.train.WarmupLinearSchedule;
import io.anglespark.prep.read.TargetFormat;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.time.SystemClockTimeSource;
import org.deeplearning4j.spark.time.TimeSourceProvider;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * Fine-tunes an encoder with the AnglE loss on Spark: DL4J's {@link SparkComputationGraph} with synchronous
 * parameter averaging ({@link ParameterAveragingTrainingMaster}, Adam state averaged too).
 *
 * <pre>
 * prepared pairs/positives/triplets (Parquet, split train) -> driver: examples, an even-sized plan per epoch
 *   (Batcher: length-bucketed, texts unique in a batch, shuffled from seed + epoch)
 *   -> rounds of workers x averaging-frequency minibatches (RoundPlan)
 *   -> per round: RDD of example lists, one partition per worker -> executors tokenise and pad (ToMultiDataSetFn)
 *      -> fitMultiDataSet: each worker fits its minibatches, parameters and updater averaged on the driver
 *   -> every checkpoint.every-rounds rounds and at each epoch's end: checkpoint (Checkpoints)
 *   -> each epoch's end (and the start): dev Spearman on the driver (DevEvaluator); the best -> model.zip
 * </pre>
 *
 * <p><b>Steps</b>: a round advances the graph's iteration count (the learning-rate schedule's clock) by
 * {@code averaging-frequency}, the updates each worker made; the schedule spans every round of every epoch. A
 * checkpoint records the step, the next (epoch, round) and the dev history; {@code --resume} reloads the newest
 * complete one (the training graph built again from this run's configuration, with the checkpoint's weights,
 * Adam state and counters; DL4J's stored configuration is not used) and continues with the next round of the same
 * deterministic plan, so no round or epoch is trained twice and the step counter continues. {@code warm-start} starts
 * a new run (new optimiser state and schedule) from a previous run's model.zip.
 *
 * <p>{@link #main} parses the command line and configuration; {@link #run} does the work and is what tests call.
 */
@Command(name = "train", sortOptions = false,
        description = "Trains an AnglE encoder on prepared pairs or triplets with Spark parameter averaging; writes model.zip, "
                + "checkpoints/ and _run.json.")
public final class TrainJob implements Callable<Integer> {
    public static final String MODEL = "model.zip";
    private static final Logger LOG = LoggerFactory.getLogger(TrainJob.class);

    @CommandLine.Mixin
    JobCli cli = new JobCli();

    @CommandLine.Option(names = "--resume", description = "Continue the output folder's newest complete checkpoint.")
    boolean resume;

    public static void main(String[] args) {
        System.exit(JobMain.execute("train", new TrainJob(), args));
    }

    @Override
    public Integer call() throws IOException {
        List<String> overrides = cli.overrides(TrainJobConfig.ROOT);
        if (resume) {
            overrides.add(TrainJobConfig.ROOT + ".resume=true");
        }
        TrainJobConfig config = TrainJobConfig.from(JobConfigs.load(cli.configFile("train"), overrides, HadoopFs.driverConfiguration()));
        TrainReport r = SparkSessions.runAndStop("angle-spark train", spark -> run(spark, config));
        LOG.info("train {}: {} steps, dev Spearman start {} best {} (epoch {}); {}", r.finished() ? "finished" : "stopped (resumable)",
                r.steps(), pct(r.initialSpearman()), pct(r.bestSpearman()), r.bestEpoch(), r.output());
        return 0;
    }

    /** What a run did. */
    public record TrainReport(String output, int steps, int totalSteps, boolean finished, boolean resumed, List<Checkpoints.Evaluation> history,
                              double bestSpearman, int bestEpoch, long trainExamples, long devPairs, double examplesPerSecond) {
        /** The dev Spearman before any update of this output's run (NaN without one). */
        public double initialSpearman() {
            return history.isEmpty() || history.get(0).epoch() != 0 ? Double.NaN : history.get(0).spearman();
        }
    }

    public static TrainReport run(SparkSession spark, TrainJobConfig cfg) throws IOException {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Configuration hadoop = sc.hadoopConfiguration();
        RunManifest manifest = new RunManifest("train", spark, cfg);
        useSystemClockForStats();

        // ---- inputs first: nothing is written before they are checked
        List<TrainingExample> train = readTrain(spark, cfg, hadoop);
        List<TrainingExample> dev = readDev(spark, cfg, hadoop);
        ModelSpec spec = modelSpec(cfg, hadoop);
        manifest.stage("read_inputs");
        LOG.info("train: {} format-{} examples ({}), dev: {} pairs; model {} ({} layers, hidden {}, {} pooling){}", train.size(), cfg.format(),
                cfg.sources().isEmpty() ? "all sources" : String.join(", ", cfg.sources()), dev.size(), spec.name(), spec.config().layers(),
                spec.config().hidden(), spec.pooling().label(), cfg.warmStart() == null ? "" : ", warm start from " + cfg.warmStart());

        if (cfg.resume() && !HadoopFs.exists(cfg.output(), hadoop)) {
            throw new HadoopFs.InputException("cannot resume: output " + cfg.output() + " does not exist");
        }
        OutputFolder output = OutputFolder.inPlace(cfg.output(), cfg.overwrite(), cfg.resume(), TrainJobConfig.ROOT + ".overwrite",
                cfg.readPaths(), hadoop);
        return output.produce(out -> train(spark, cfg, manifest, train, dev, spec, out));
    }

    /** Trains into {@code out}: a new output, a resumed one, or one that replaces a previous output (moved aside). */
    private static TrainReport train(SparkSession spark, TrainJobConfig cfg, RunManifest manifest, List<TrainingExample> train,
                                     List<TrainingExample> dev, ModelSpec spec, String out) throws IOException {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Configuration hadoop = sc.hadoopConfiguration();
        manifest.writeStarted(out, hadoop);
        Checkpoints checkpoints = new Checkpoints(out, hadoop);
        Optional<Path> newest = Optional.empty();
        if (cfg.resume()) {
            newest = checkpoints.newest();
            if (newest.isEmpty()) {
                LOG.warn("resume: {} holds no complete checkpoint; starting from the beginning", out);
            }
        }

        // ---- the plan: even-sized minibatches per epoch, cut into averaging rounds
        WordPieceTokenizer tokenizer = WordPieceTokenizer.fromJson(new ByteArrayInputStream(spec.tokenizerJson()));
        Batcher batcher = new Batcher(train, cfg.format(), tokenizer, cfg.training().maxLength(), cfg.batchPerWorker(), cfg.training().seed());
        List<RoundPlan> plans = new ArrayList<>();
        int totalRounds = 0;
        long repeatedExamples = 0;
        long repeatedBatches = 0;
        // A step budget (max-steps) ends the plan early, in whole rounds: the schedule decays over the budget and the last
        // (cut) epoch still ends with a dev evaluation.
        int maxSteps = cfg.training().maxSteps();
        int budgetRounds = maxSteps > 0 ? (maxSteps + cfg.averagingFrequency() - 1) / cfg.averagingFrequency() : Integer.MAX_VALUE;
        for (int e = 0; e < cfg.training().epochs() && totalRounds < budgetRounds; e++) {
            List<int[]> even = batcher.evenPlan(e);
            RoundPlan p = new RoundPlan(even, cfg.workers(), cfg.averagingFrequency());
            if (p.rounds() > budgetRounds - totalRounds) {
                even = even.subList(0, (budgetRounds - totalRounds) * p.batchesPerRound());
                p = new RoundPlan(even, cfg.workers(), cfg.averagingFrequency());
            }
            repeatedExamples += repeatedIn(even);
            repeatedBatches += p.repeatedBatches();
            plans.add(p);
            totalRounds += p.rounds();
        }
        int totalSteps = totalRounds * cfg.averagingFrequency();
        String identity = identity(cfg, spec, train.size(), totalSteps);
        DevEvaluator evaluator = dev.isEmpty() ? null : new DevEvaluator(dev, tokenizer, cfg.training().maxLength());

        // ---- the graph: new (pretrained, random or warm start) or the checkpoint's
        ComputationGraph graph;
        Checkpoints.State state;
        if (newest.isPresent()) {
            state = Checkpoints.readState(newest.get(), hadoop);
            if (!state.identity.equals(identity)) {
                throw new HadoopFs.InputException("cannot resume " + out + ": its checkpoints were written by another configuration or data:\n  "
                        + state.identity + "\nnot\n  " + identity);
            }
            // this run's training graph (its configuration and schedule) with the checkpoint's weights and optimiser state;
            // DL4J's stored graph configuration is not used
            Encoder saved = Checkpoints.readModel(newest.get(), hadoop);
            graph = new LocalTrainer(cfg.training()).buildGraph(ModelSpec.fromEncoder(saved), totalSteps);
            Checkpoints.readUpdater(newest.get(), hadoop, graph);
            graph.getConfiguration().setIterationCount(state.step);
            graph.getConfiguration().setEpochCount(state.epoch);
            LOG.info("resuming {} from {}: step {} of {}, epoch {} round {}; best dev Spearman so far {}", out, newest.get().getName(),
                    state.step, totalSteps, state.epoch + 1, state.round, pct(state.best == null ? Double.NaN : state.best));
        } else {
            state = new Checkpoints.State();
            state.identity = identity;
            graph = new LocalTrainer(cfg.training()).buildGraph(spec, totalSteps);
        }
        Encoder encoder = new Encoder(spec.name(), spec.config(), spec.pooling(), cfg.training().maxLength(), graph, spec.tokenizerJson());
        LOG.info("plan: {} epochs x {} rounds ({} workers x {} minibatches of {} examples per round) = {} steps; {} examples and {} minibatches "
                        + "repeated to keep minibatches and rounds whole; {} parameters; schedule {}", cfg.training().epochs(), plans.get(0).rounds(),
                cfg.workers(), cfg.averagingFrequency(), cfg.batchPerWorker(), totalSteps, repeatedExamples, repeatedBatches,
                graph.params().length(), schedule(cfg, totalSteps));

        int rows = cfg.batchPerWorker() * cfg.training().loss().rowsPerExample();
        ReleasingTrainingMaster master = new ReleasingTrainingMaster(new ParameterAveragingTrainingMaster.Builder(cfg.workers(), rows)
                .batchSizePerWorker(rows)
                .averagingFrequency(cfg.averagingFrequency())
                .workerPrefetchNumBatches(cfg.prefetch())
                .saveUpdater(true)
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                .repartionData(Repartition.Never)
                .storageLevel(StorageLevel.fromString(cfg.storageLevel()))
                .collectTrainingStats(cfg.collectStats())
                .rngSeed(cfg.training().seed()));
        SparkComputationGraph sparkGraph = new SparkComputationGraph(sc, graph, master);
        Broadcast<byte[]> tokenizerBytes = sc.broadcast(spec.tokenizerJson());
        ToMultiDataSetFn toMds = new ToMultiDataSetFn(tokenizerBytes, cfg.format(), cfg.training().maxLength());
        manifest.stage("plan_and_build");

        if (state.step == 0 && state.history.isEmpty() && evaluator != null) {
            evaluate(evaluator, graph, state, encoder, out, hadoop, null);
        }

        // ---- train
        boolean resumed = newest.isPresent();
        int stepAtStart = state.step;
        long startNanos = System.nanoTime();
        long lastLog = startNanos;
        double runTrainSeconds = 0;
        long runExamples = 0;
        boolean stopped = false;
        int roundsSinceCheckpoint = 0;
        int examplesPerRound = cfg.batchesPerRound() * cfg.batchPerWorker();
        while (state.epoch < plans.size() && !stopped) {
            RoundPlan plan = plans.get(state.epoch);
            while (state.round < plan.rounds()) {
                List<List<TrainingExample>> minibatches = new ArrayList<>();
                for (int[] b : plan.round(state.round)) {
                    List<TrainingExample> ex = new ArrayList<>(b.length);
                    for (int i : b) {
                        ex.add(train.get(i));
                    }
                    minibatches.add(ex);
                }
                long t0 = System.nanoTime();
                // parallelize keeps order and slices evenly: partition w holds worker w's averaging-frequency minibatches
                JavaRDD<MultiDataSet> data = sc.parallelize(minibatches, cfg.workers()).map(toMds);
                sparkGraph.fitMultiDataSet(data);
                data.unpersist(false);
                master.releaseBroadcasts();
                double seconds = (System.nanoTime() - t0) / 1e9;
                graph.getConfiguration().setEpochCount(state.epoch);
                state.round++;
                state.step += cfg.averagingFrequency();
                state.examples += examplesPerRound;
                state.trainSeconds += seconds;
                state.epochLossSum += sparkGraph.getScore();
                state.epochLossRounds++;
                runTrainSeconds += seconds;
                runExamples += examplesPerRound;
                roundsSinceCheckpoint++;
                if (graph.getConfiguration().getIterationCount() != state.step) {
                    throw new IllegalStateException("the graph's iteration count " + graph.getConfiguration().getIterationCount()
                            + " differs from the job's step " + state.step);
                }
                long now = System.nanoTime();
                if ((now - lastLog) / 1e9 >= cfg.progressIntervalSeconds() || state.step == totalSteps) {
                    lastLog = now;
                    double rate = runExamples / runTrainSeconds;
                    double secondsPerStep = runTrainSeconds / (state.step - stepAtStart);
                    LOG.info(String.format(Locale.ROOT, "step %d/%d (epoch %d/%d, round %d/%d) loss %.4f lr %.2e | %.1f %s/s | ETA %s",
                            state.step, totalSteps, state.epoch + 1, plans.size(), state.round, plan.rounds(), sparkGraph.getScore(),
                            schedule(cfg, totalSteps).valueAt(state.step - 1, 0), rate, cfg.format() == TargetFormat.C ? "triplets" : "pairs",
                            eta((long) (secondsPerStep * (totalSteps - state.step)))));
                }
                boolean epochEnd = state.round == plan.rounds();
                boolean limit = (cfg.stopAfterSteps() > 0 && state.step >= cfg.stopAfterSteps())
                        || (cfg.maxRunSeconds() > 0 && (now - startNanos) / 1e9 >= cfg.maxRunSeconds());
                if (epochEnd) {
                    double meanLoss = state.epochLossSum / state.epochLossRounds;
                    state.epoch++;
                    state.round = 0;
                    state.epochLossSum = 0;
                    state.epochLossRounds = 0;
                    if (evaluator != null) {
                        evaluate(evaluator, graph, state, encoder, out, hadoop, meanLoss);
                    } else {
                        state.history.add(new Checkpoints.Evaluation(state.epoch, state.step, Double.NaN, meanLoss));
                        saveModel(encoder, out, hadoop);
                    }
                }
                if (epochEnd || limit || roundsSinceCheckpoint >= cfg.checkpointEveryRounds()) {
                    Path p = checkpoints.write(encoder, graph, state, cfg.keepCheckpoints());
                    roundsSinceCheckpoint = 0;
                    LOG.info("checkpoint {} (step {}, next: epoch {} round {})", p, state.step, state.epoch + 1, state.round);
                }
                if (limit && state.step < totalSteps) {
                    LOG.info("stopping at step {} of {} (limits: stop-after-steps {}, max-run-time {}s); continue with --resume", state.step,
                            totalSteps, cfg.stopAfterSteps(), cfg.maxRunSeconds());
                    stopped = true;
                    break;
                }
                if (epochEnd) {
                    break;
                }
            }
        }
        manifest.stage("train");

        double rate = runTrainSeconds == 0 ? 0 : runExamples / runTrainSeconds;
        TrainReport report = new TrainReport(cfg.output(), state.step, totalSteps, !stopped, resumed, List.copyOf(state.history),
                state.best == null ? Double.NaN : state.best, state.bestEpoch, train.size(), dev.size(), rate);
        writeManifest(manifest, cfg, report, state, sparkGraph.getSparkTrainingStats(), repeatedExamples, repeatedBatches, plans,
                runTrainSeconds, runExamples, spec, graph, hadoop);
        return report;
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

    /** The settings a resumed run must share with the checkpoint: everything that shapes the data, model and schedule. */
    /** Examples a plan holds more than once (to fill its last minibatch); a plan cut by a step budget may hold none. */
    static long repeatedIn(List<int[]> plan) {
        Set<Integer> seen = new HashSet<>();
        long n = 0;
        for (int[] b : plan) {
            for (int i : b) {
                if (!seen.add(i)) {
                    n++;
                }
            }
        }
        return n;
    }

    static String identity(TrainJobConfig cfg, ModelSpec spec, int examples, int totalSteps) {
        return String.join("; ", "training " + cfg.training(), "workers " + cfg.workers(), "averaging " + cfg.averagingFrequency(),
                "model " + spec.name() + " " + spec.config() + " " + spec.pooling().label(), "warm start " + cfg.warmStart(),
                "input " + cfg.input() + " sources " + cfg.sources(), "examples " + examples, "steps " + totalSteps);
    }

    static WarmupLinearSchedule schedule(TrainJobConfig cfg, int totalSteps) {
        return new WarmupLinearSchedule(cfg.training().learningRate(), Math.min(cfg.training().warmupSteps(), totalSteps), totalSteps);
    }

    private static void evaluate(DevEvaluator evaluator, ComputationGraph graph, Checkpoints.State state, Encoder encoder, String out,
                                 Configuration hadoop, Double meanLoss) throws IOException {
        long t0 = System.nanoTime();
        double rho = evaluator.spearman(graph);
        state.history.add(new Checkpoints.Evaluation(state.epoch, state.step, rho, meanLoss));
        boolean better = state.best == null || rho > state.best;
        LOG.info(String.format(Locale.ROOT, "dev Spearman x100 %.2f after epoch %d (step %d, %d pairs, %.1f s)%s%s", 100 * rho, state.epoch,
                state.step, evaluator.pairs(), (System.nanoTime() - t0) / 1e9,
                meanLoss == null ? "" : String.format(Locale.ROOT, ", mean loss %.4f", meanLoss), better ? ", best so far" : ""));
        if (better) {
            state.best = rho;
            state.bestStep = state.step;
            state.bestEpoch = state.epoch;
            saveModel(encoder, out, hadoop);
        }
    }

    /** model.zip, written to a hidden temporary file and renamed over the previous one. */
    private static void saveModel(Encoder encoder, String out, Configuration hadoop) throws IOException {
        Path target = new Path(out, MODEL);
        FileSystem fs = target.getFileSystem(hadoop);
        Path tmp = new Path(out, "." + MODEL + ".tmp");
        try (OutputStream o = fs.create(tmp, true)) {
            EncoderArtifact.save(encoder, o);
        }
        if (fs.exists(target)) {
            fs.delete(target, false);
        }
        if (!fs.rename(tmp, target)) {
            throw new IOException("could not rename " + tmp + " to " + target);
        }
    }

    // ---- inputs

    static List<TrainingExample> readTrain(SparkSession spark, TrainJobConfig cfg, Configuration hadoop) {
        String folder = switch (cfg.format()) {
            case A -> "pairs";
            case B -> "positives";
            case C -> "triplets";
        };
        StructType schema = switch (cfg.format()) {
            case A -> Outputs.PAIRS;
            case B -> Outputs.POSITIVES;
            case C -> Outputs.TRIPLETS;
        };
        String path = cfg.input() + "/" + folder;
        Dataset<Row> rows = parquet(spark, path, schema, "train input", hadoop).filter(functions.col("split").equalTo("train"));
        if (!cfg.sources().isEmpty()) {
            rows = rows.filter(functions.col("source").isin(cfg.sources().toArray()));
        }
        String id = cfg.format() == TargetFormat.A ? "pair_id" : "id";
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
                case A -> {
                    double label = r.getAs("label");
                    if (!cfg.labelScale().contains(label)) {
                        throw new HadoopFs.InputException("train input " + path + ": pair " + r.getAs("pair_id") + " has label " + label
                                + ", not on the configured scale " + cfg.labelScale() + " (" + TrainJobConfig.ROOT + ".label-scale)");
                    }
                    yield TrainingExample.pair(r.getAs("text1"), r.getAs("text2"), label);
                }
                case B -> TrainingExample.positive(r.getAs("query"), r.getAs("positive"));
                case C -> TrainingExample.triplet(r.getAs("query"), r.getAs("positive"), r.getAs("negative"));
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

    static ModelSpec modelSpec(TrainJobConfig cfg, Configuration hadoop) throws IOException {
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

    private static void writeManifest(RunManifest manifest, TrainJobConfig cfg, TrainReport r, Checkpoints.State state, SparkTrainingStats stats,
                                      long repeatedExamples, long repeatedBatches, List<RoundPlan> plans, double runTrainSeconds,
                                      long runExamples, ModelSpec spec, ComputationGraph graph, Configuration hadoop) throws IOException {
        ObjectNode root = manifest.root();
        root.put("status", r.finished() ? "finished" : "stopped");
        ObjectNode counts = root.putObject("counts");
        counts.put("train_examples", r.trainExamples());
        counts.put("dev_pairs", r.devPairs());
        counts.put("parameters", graph.params().length());
        counts.put("rounds_per_epoch", plans.get(0).rounds());
        counts.put("minibatches_per_epoch", plans.get(0).batches().size());
        counts.put("examples_repeated_to_fill_minibatches", repeatedExamples);
        counts.put("minibatches_repeated_to_fill_rounds", repeatedBatches);
        counts.put("examples_fitted", state.examples);
        ObjectNode t = root.putObject("training");
        t.put("model", spec.name());
        t.put("finished", r.finished());
        t.put("resumed", r.resumed());
        t.put("steps", r.steps());
        t.put("total_steps", r.totalSteps());
        t.put("next_epoch", state.epoch);
        t.put("next_round", state.round);
        if (!Double.isNaN(r.bestSpearman())) {
            t.put("best_dev_spearman", r.bestSpearman());
            t.put("best_epoch", r.bestEpoch());
            t.put("best_step", state.bestStep);
        }
        ArrayNode epochs = t.putArray("epochs");
        for (Checkpoints.Evaluation e : r.history()) {
            ObjectNode n = epochs.addObject();
            n.put("epoch", e.epoch());
            n.put("step", e.step());
            if (!Double.isNaN(e.spearman())) {
                n.put("dev_spearman", e.spearman());
            }
            if (e.meanLoss() != null) {
                n.put("mean_loss", e.meanLoss());
            }
        }
        ObjectNode timing = root.putObject("throughput");
        timing.put("train_seconds_this_run", runTrainSeconds);
        timing.put("examples_this_run", runExamples);
        timing.put(cfg.format() == TargetFormat.C ? "triplets_per_second" : "pairs_per_second", r.examplesPerSecond());
        timing.put("train_seconds_all_runs", state.trainSeconds);
        if (stats != null) {
            Map<String, long[]> totals = new TreeMap<>();
            sumStats(stats, totals);
            ObjectNode s = timing.putObject("spark_training_stats_ms");
            totals.forEach((k, v) -> s.putObject(k).put("total_ms", v[0]).put("events", v[1]));
            // DL4J's master "aggregate" time includes waiting for the workers (Spark is lazy), so the split reported is:
            // computing = the workers' fit time (mean per worker: they run in parallel); overhead = the rest of the rounds'
            // wall time (broadcasting parameters and updater state, scheduling, (de)serialising, tokenising, averaging).
            double fitPerWorkerMs = total(totals, "ParameterAveragingWorkerFitTimesMs") / (double) cfg.workers();
            double overheadMs = Math.max(0, runTrainSeconds * 1000 - fitPerWorkerMs);
            timing.put("worker_fit_ms_mean_per_worker", fitPerWorkerMs);
            timing.put("averaging_and_other_overhead_ms", overheadMs);
            timing.put("overhead_fraction", runTrainSeconds == 0 ? 0 : overheadMs / (runTrainSeconds * 1000));
            LOG.info(String.format(Locale.ROOT, "time in rounds %.1f s: workers computing %.1f s (mean per worker), averaging and other overhead "
                    + "%.1f s (%.0f%%); DL4J stats totals (ms): %s", runTrainSeconds, fitPerWorkerMs / 1000, overheadMs / 1000,
                    runTrainSeconds == 0 ? 0 : 100 * overheadMs / (runTrainSeconds * 1000), summary(totals)));
        }
        manifest.write(cfg.output(), hadoop);
    }

    private static String summary(Map<String, long[]> totals) {
        StringBuilder b = new StringBuilder();
        totals.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append(' ').append(v[0]));
        return b.toString();
    }

    private static long total(Map<String, long[]> totals, String key) {
        long[] v = totals.get(key);
        return v == null ? 0 : v[0];
    }

    /** Totals per key (ms, events). The master's key set already includes its workers' keys (it delegates to them). */
    private static void sumStats(SparkTrainingStats stats, Map<String, long[]> totals) {
        for (String key : stats.getKeySet()) {
            List<org.deeplearning4j.spark.stats.EventStats> events = stats.getValue(key);
            if (events == null) {
                continue;
            }
            long[] v = totals.computeIfAbsent(key, k -> new long[2]);
            for (org.deeplearning4j.spark.stats.EventStats e : events) {
                v[0] += e.getDurationMs();
                v[1]++;
            }
        }
    }

    private static String pct(double rho) {
        return Double.isNaN(rho) ? "-" : String.format(Locale.ROOT, "%.2f", 100 * rho);
    }

    private static String eta(long seconds) {
        return seconds >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60)
                : String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
    }
}
