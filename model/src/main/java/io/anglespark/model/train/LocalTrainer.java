package io.anglespark.model.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anglespark.model.ModelFileException;
import io.anglespark.model.NdArrayReader;
import io.anglespark.model.batch.Batcher;
import io.anglespark.model.batch.TrainingExample;
import io.anglespark.model.encoder.Encoder;
import io.anglespark.model.encoder.EncoderArtifact;
import io.anglespark.model.encoder.EncoderGraphFactory;
import io.anglespark.model.loss.AngleLossLayer;
import io.anglespark.model.tokenize.WordPieceTokenizer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Fine-tunes an encoder with the AnglE loss in one JVM: the graph of {@link EncoderGraphFactory#graphBuilder} with
 * an {@link AngleLossLayer} on {@code pooled}, Adam with a warm-up + linear-decay learning rate
 * ({@link WarmupLinearSchedule}), decoupled weight decay and per-vertex gradient clipping ({@link TrainConfig}),
 * batches from {@link Batcher}, dev evaluation by {@link DevEvaluator}, checkpoints in a directory.
 *
 * <p><b>The optimised quantity</b> is the reference per-batch loss: DL4J's score equals it and the update uses its
 * gradient (see {@link AngleLossLayer}), so learning rates mean what they mean in the authors' PyTorch trainer.
 *
 * <p><b>Checkpoints</b> ({@code dir}): {@value #LATEST} and {@value #BEST} are {@link EncoderArtifact}s of the
 * training graph (its output is the pooled embedding, so {@code EncoderArtifact.load(best).embed(texts)} works);
 * {@value #UPDATER} the Adam state (ND4J binary); {@value #STATE} the step, the data position (epoch and batch of
 * that epoch's deterministic plan), the dev history, the best score and step, and the configuration the run was
 * started with. Latest is written at each evaluation and when a run stops; best whenever the dev Spearman improves
 * (the start, evaluated before the first step, counts). {@link #train} on a directory holding {@value #STATE}
 * resumes from it, refusing a different configuration: the training graph is built again from this configuration
 * ({@link #buildGraph}, the architecture and weights of {@value #LATEST}; DL4J's stored graph configuration is not
 * used), then given the updater state ({@link #restoreUpdater}) and the step; the resumed run equals an uninterrupted
 * one.
 *
 * <p><b>Reproducibility</b>: parameters (random models), batch order and the learning rate depend only on the
 * configuration and the data; two runs with one seed give equal parameters.
 */
public final class LocalTrainer {
    public static final String LATEST = "latest.zip";
    public static final String BEST = "best.zip";
    public static final String UPDATER = "latest-updater.bin";
    public static final String STATE = "state.json";
    private static final Logger log = LoggerFactory.getLogger(LocalTrainer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TrainConfig config;

    public LocalTrainer(TrainConfig config) {
        this.config = Objects.requireNonNull(config);
    }

    /**
     * When a run stops before its end: after update {@code stopAtStep} (0: never), or once {@code maxTime} has
     * passed (null: never). It stops like an interruption: latest checkpoint written, resumable.
     */
    public record Limits(int stopAtStep, Duration maxTime) {
        public static final Limits NONE = new Limits(0, null);
    }

    /** One dev evaluation. */
    public record Evaluation(int step, double spearman) {
    }

    /**
     * @param steps      updates done so far (over all runs of this directory)
     * @param totalSteps updates the schedule plans
     * @param finished   whether the run reached its end (false: stopped by {@link Limits})
     * @param history    dev evaluations, the start's first (empty without a dev set)
     */
    public record Result(ComputationGraph graph, int steps, int totalSteps, boolean finished, List<Evaluation> history, double bestSpearman,
                         int bestStep, double examplesPerSecond, Duration trainTime) {
        /** The dev Spearman before any update (NaN without a dev set). */
        public double initialSpearman() {
            return history.isEmpty() || history.get(0).step() != 0 ? Double.NaN : history.get(0).spearman();
        }
    }

    /** The training graph for {@code spec}, weights copied from it (or random from the seed), the schedule over {@code totalSteps}. */
    public ComputationGraph buildGraph(ModelSpec spec, int totalSteps) {
        int warmup = Math.min(config.warmupSteps(), totalSteps);
        NeuralNetConfiguration.Builder base = EncoderGraphFactory.baseConfiguration(config.seed(), DataType.FLOAT)
                .updater(new Adam(new WarmupLinearSchedule(config.learningRate(), warmup, totalSteps)));
        if (config.weightDecay() > 0) {
            base.weightDecay(config.weightDecay(), true);
        }
        if (config.clipNorm() > 0) {
            base.gradientNormalization(GradientNormalization.ClipL2PerLayer).gradientNormalizationThreshold(config.clipNorm());
        }
        ComputationGraphConfiguration.GraphBuilder b = EncoderGraphFactory.graphBuilder(spec.config(), spec.pooling(), base, spec.layerNormEps(),
                spec.maskBias());
        b.addLayer("loss", new AngleLossLayer(config.loss(), spec.config().hidden()), EncoderGraphFactory.POOLED);
        b.setOutputs("loss");
        ComputationGraph g = new ComputationGraph(b.build());
        g.init();
        if (spec.weights() != null) {
            EncoderGraphFactory.copyWeights(spec.weights(), g);
        }
        return g;
    }

    /**
     * Sets {@code g}'s updater state (the Adam moments) from the ND4J array in {@code in} (as {@code Nd4j.write} or
     * {@code Nd4j.saveBinary} wrote it from a graph of the same configuration). The array must have the length and data
     * type of {@code g}'s own freshly built state, checked before its values are read ({@link NdArrayReader}); a file
     * of another length fails as a {@link ModelFileException} naming {@code file}.
     */
    public static void restoreUpdater(ComputationGraph g, InputStream in, String file) throws IOException {
        INDArray state = g.getUpdater(true).getStateViewArray();
        if (state == null) {
            throw new IllegalStateException("the training graph has no updater state to restore");
        }
        g.getUpdater(true).setStateViewArray(NdArrayReader.readVector(in, state.length(), state.dataType(), file, "the updater state"));
    }

    /**
     * Trains (or resumes, when {@code dir} holds a checkpoint) on {@code train}, evaluating on {@code dev} (may be
     * empty), until the end of the configured epochs or steps, or a limit.
     */
    public Result train(ModelSpec spec, List<TrainingExample> train, List<TrainingExample> dev, Path dir, Limits limits) throws IOException {
        Files.createDirectories(dir);
        WordPieceTokenizer tokenizer = WordPieceTokenizer.fromJson(new ByteArrayInputStream(spec.tokenizerJson()));
        Batcher batcher = new Batcher(train, config.loss().format(), tokenizer, config.maxLength(), config.examplesPerBatch(), config.seed());
        DevEvaluator evaluator = dev.isEmpty() ? null : new DevEvaluator(dev, tokenizer, config.maxLength());
        List<List<int[]>> plans = new ArrayList<>();
        int planned = 0;
        for (int e = 0; e < config.epochs(); e++) {
            plans.add(batcher.plan(e));
            planned += plans.get(e).size();
        }
        int total = config.maxSteps() > 0 ? Math.min(config.maxSteps(), planned) : planned;

        State s;
        ComputationGraph g;
        Path statePath = dir.resolve(STATE);
        if (Files.exists(statePath)) {
            s = State.read(statePath);
            if (!s.config.equals(config.toString())) {
                throw new IllegalArgumentException("checkpoint " + dir + " was written by another configuration:\n  " + s.config + "\nnot\n  " + config);
            }
            // the run's own training graph, with the checkpoint's weights and optimiser state (DL4J's stored configuration unused)
            g = buildGraph(ModelSpec.fromEncoder(EncoderArtifact.load(dir.resolve(LATEST).toFile())), total);
            Path updater = dir.resolve(UPDATER);
            if (!Files.isRegularFile(updater)) {
                throw new ModelFileException(updater.toString(), "does not exist: the checkpoint in " + dir + " is incomplete");
            }
            try (InputStream in = new BufferedInputStream(Files.newInputStream(updater))) {
                restoreUpdater(g, in, updater.toString());
            }
            g.getConfiguration().setIterationCount(s.step);
            log.info("resuming {} at step {} of {} (epoch {}, batch {}); best dev Spearman so far {} at step {}", dir, s.step, total,
                    s.epoch + 1, s.batch, fmt(s.best), s.bestStep);
        } else {
            s = new State();
            s.config = config.toString();
            g = buildGraph(spec, total);
            log.info("training {} ({} pooling, {} parameters) on {} format-{} examples, {} per step, {} steps ({} epochs{}); loss {}",
                    spec.name(), spec.pooling().label(), g.params().length(), train.size(), config.loss().format(), config.examplesPerBatch(), total,
                    config.epochs(), config.maxSteps() > 0 ? ", capped" : "", config.loss());
        }
        Encoder encoder = new Encoder(spec.name(), spec.config(), spec.pooling(), config.maxLength(), g, spec.tokenizerJson());

        if (s.step == 0 && s.history.isEmpty() && evaluator != null) {
            evaluate(evaluator, g, s, encoder, dir);
        }
        long trainNanos = 0;
        long examples = 0;
        long started = System.nanoTime();
        boolean stopped = false;
        outer:
        while (s.step < total && s.epoch < config.epochs()) {
            List<int[]> plan = plans.get(s.epoch);
            while (s.batch < plan.size()) {
                if (s.step >= total) {
                    break outer;
                }
                MultiDataSet mds = batcher.toMultiDataSet(plan.get(s.batch));
                long t0 = System.nanoTime();
                g.fit(mds);
                trainNanos += System.nanoTime() - t0;
                examples += plan.get(s.batch).length;
                s.batch++;
                s.step++;
                if (s.step % config.logEverySteps() == 0 || s.step == total) {
                    double perSecond = examples / (trainNanos / 1e9);
                    double secondsPerStep = trainNanos / 1e9 / Math.max(1, s.step - s.stepAtStart);
                    log.info(String.format(Locale.ROOT, "step %d/%d (epoch %d) loss %.4f lr %.2e | %.2f %s/s | ETA %s", s.step, total, s.epoch + 1,
                            g.score(), learningRate(s.step - 1, total),
                            perSecond, config.loss().format() == io.anglespark.prep.read.TargetFormat.C ? "triplets" : "pairs",
                            eta((long) (secondsPerStep * (total - s.step)))));
                }
                boolean evalNow = evaluator != null && config.evalEverySteps() > 0 && s.step % config.evalEverySteps() == 0;
                if (evalNow) {
                    evaluate(evaluator, g, s, encoder, dir);
                }
                boolean limit = (limits.stopAtStep() > 0 && s.step >= limits.stopAtStep())
                        || (limits.maxTime() != null && System.nanoTime() - started > limits.maxTime().toNanos());
                if (evalNow || limit) {
                    saveLatest(encoder, g, s, dir);
                }
                if (limit && s.step < total) {
                    log.info("stopping at step {} of {} (limit {}); resume from {}", s.step, total, limits, dir);
                    stopped = true;
                    break outer;
                }
            }
            s.epoch++;
            s.batch = 0;
        }
        if (!stopped) {
            if (evaluator != null && (s.history.isEmpty() || s.history.get(s.history.size() - 1).step() != s.step)) {
                evaluate(evaluator, g, s, encoder, dir);
            }
            saveLatest(encoder, g, s, dir);
            if (evaluator == null) {
                EncoderArtifact.save(encoder, dir.resolve(BEST).toFile());
            }
            log.info("done: {} steps; dev Spearman start {} best {} (step {}); {}", s.step, s.history.isEmpty() ? "-" : fmt(s.history.get(0).spearman()),
                    fmt(s.best), s.bestStep, dir);
        }
        double perSecond = trainNanos == 0 ? 0 : examples / (trainNanos / 1e9);
        return new Result(g, s.step, total, !stopped, List.copyOf(s.history), s.best, s.bestStep, perSecond, Duration.ofNanos(trainNanos));
    }

    private double learningRate(int iteration, int total) {
        return new WarmupLinearSchedule(config.learningRate(), Math.min(config.warmupSteps(), total), total).valueAt(iteration, 0);
    }

    private void evaluate(DevEvaluator evaluator, ComputationGraph g, State s, Encoder encoder, Path dir) throws IOException {
        long t0 = System.nanoTime();
        double rho = evaluator.spearman(g);
        s.history.add(new Evaluation(s.step, rho));
        boolean better = !(rho <= s.best);
        log.info(String.format(Locale.ROOT, "dev Spearman x100 %.2f at step %d (%d pairs, %.1f s)%s", 100 * rho, s.step, evaluator.pairs(),
                (System.nanoTime() - t0) / 1e9, better ? ", best so far" : ""));
        if (better) {
            s.best = rho;
            s.bestStep = s.step;
            atomically(dir.resolve(BEST), f -> EncoderArtifact.save(encoder, f));
        }
    }

    private void saveLatest(Encoder encoder, ComputationGraph g, State s, Path dir) throws IOException {
        atomically(dir.resolve(LATEST), f -> EncoderArtifact.save(encoder, f));
        INDArray updater = g.getUpdater(true).getStateViewArray();
        atomically(dir.resolve(UPDATER), f -> Nd4j.saveBinary(updater == null ? Nd4j.empty(DataType.FLOAT) : updater, f));
        atomically(dir.resolve(STATE), f -> JSON.writerWithDefaultPrettyPrinter().writeValue(f, s.toJson()));
    }

    interface FileWriter {
        void write(File f) throws IOException;
    }

    private static void atomically(Path target, FileWriter w) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        w.write(tmp.toFile());
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String fmt(double rho) {
        return Double.isNaN(rho) ? "-" : String.format(Locale.ROOT, "%.2f", 100 * rho);
    }

    private static String eta(long seconds) {
        return seconds >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60)
                : String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
    }

    /** What a checkpoint records besides the model and the updater. */
    static final class State {
        String config;
        int step;
        /** Steps done when this process started (for its rate). */
        transient int stepAtStart;
        /** The next batch to train: index in epoch {@code epoch}'s plan. */
        int epoch;
        int batch;
        double best = Double.NaN;
        int bestStep = -1;
        final List<Evaluation> history = new ArrayList<>();

        ObjectNode toJson() {
            ObjectNode n = JSON.createObjectNode();
            n.put("config", config);
            n.put("step", step);
            n.put("epoch", epoch);
            n.put("batch", batch);
            n.put("best", best);
            n.put("bestStep", bestStep);
            ArrayNode h = n.putArray("history");
            for (Evaluation e : history) {
                h.addObject().put("step", e.step()).put("spearman", e.spearman());
            }
            return n;
        }

        static State read(Path p) {
            try {
                JsonNode n = JSON.readTree(p.toFile());
                State s = new State();
                s.config = n.get("config").asText();
                s.step = n.get("step").asInt();
                s.stepAtStart = s.step;
                s.epoch = n.get("epoch").asInt();
                s.batch = n.get("batch").asInt();
                s.best = n.get("best").asDouble();
                s.bestStep = n.get("bestStep").asInt();
                for (JsonNode e : n.get("history")) {
                    s.history.add(new Evaluation(e.get("step").asInt(), e.get("spearman").asDouble()));
                }
                return s;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the training state " + p, e);
            }
        }
    }
}
