package io.anglespark.model.train;

import io.anglespark.prep.ExampleShape;
import io.anglespark.model.batch.Batcher;
import io.anglespark.model.batch.TrainingExample;
import io.anglespark.model.encoder.Encoder;
import io.anglespark.model.encoder.EncoderArtifact;
import io.anglespark.model.loss.LossTerms;
import io.anglespark.model.tokenize.WordPieceTokenizer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The one training loop, whatever fits the graph ({@link Fitter}: this JVM, or Spark parameter averaging). It plans,
 * fits round after round, evaluates on dev, keeps the best model, stops early, checkpoints and resumes, and logs.
 *
 * <pre>
 * examples -> Batcher (length-bucketed minibatches, full ones when the fitter needs them) -> per epoch a RoundPlan
 *   (rounds of the fitter's minibatches; a step budget cuts the plan in whole rounds)
 * graph: new from the ModelSpec, or the newest checkpoint's (resume: same identity required)
 * per round: fitter.fit -> step += the fitter's steps per round -> metrics line (every log-every-steps steps),
 *   progress line (every progress interval)
 *   -> dev Spearman every eval-every-steps steps and at each epoch's end: the best -> model.zip; no improvement
 *      for `patience` evaluations -> stop early
 *   -> checkpoint every checkpoint-every-steps steps, at each epoch's end, on a limit and at the end
 * </pre>
 *
 * <p><b>Outputs</b>, in the run's {@link RunFolder}: {@value #MODEL} (the best model by dev Spearman, the start
 * included; without a dev set the last), {@code checkpoints/} ({@link Checkpoints}), {@value TrainingLog#METRICS} and
 * {@value TrainingLog#CURVES} ({@link TrainingLog}).
 *
 * <p><b>Resume</b> continues the newest checkpoint with the next round of the same deterministic plan: the step
 * counter, schedule, data order, dev history and best model continue, and the parameters at the end equal an
 * uninterrupted run's. A checkpoint of another identity (configuration, model, data, fitter shape) is refused.
 *
 * <p><b>Steps</b>: the graph's iteration count is the schedule's clock. A round advances it by the fitter's steps per
 * round (the updates each replica made); the loop checks after every round that the graph agrees.
 */
public final class TrainingLoop {
    public static final String MODEL = "model.zip";
    private static final Logger LOG = LoggerFactory.getLogger(TrainingLoop.class);

    /**
     * When a run stops before its end, resumable: after update {@code stopAtStep} (over all processes; 0: never), or once
     * {@code maxTime} has passed in this process (null: never).
     */
    public record Limits(int stopAtStep, Duration maxTime) {
        public static final Limits NONE = new Limits(0, null);
    }

    /**
     * How the loop keeps and reports a run: checkpoints every {@code checkpointEverySteps} steps (and at each epoch's
     * end, on a limit, at the end), the newest {@code keepCheckpoints} kept; a progress line every
     * {@code progressSeconds}.
     */
    public record Settings(int checkpointEverySteps, int keepCheckpoints, double progressSeconds, Limits limits) {
        public Settings {
            if (checkpointEverySteps < 1 || keepCheckpoints < 1 || !(progressSeconds >= 0)) {
                throw new IllegalArgumentException("checkpointEverySteps and keepCheckpoints must be >= 1 and progressSeconds >= 0, got "
                        + checkpointEverySteps + ", " + keepCheckpoints + ", " + progressSeconds);
            }
            Objects.requireNonNull(limits, "limits");
        }
    }

    /** The plan of a run: its rounds per epoch and totals. */
    public record Plan(List<RoundPlan> epochs, int totalRounds, int totalSteps, int stepsPerRound, long repeatedExamples,
                       long repeatedMinibatches) {
        public Plan {
            epochs = List.copyOf(epochs);
        }
    }

    /**
     * What a run did.
     *
     * @param graph            the graph after the last round (not the kept best model: that is {@value #MODEL})
     * @param stoppedByLimit   the run stopped at a limit and can be resumed
     * @param examplesThisRun  examples fitted by this process
     * @param secondsThisRun   seconds this process spent in rounds
     */
    public record Result(ComputationGraph graph, TrainingState state, Plan plan, boolean resumed, boolean stoppedByLimit,
                         long examplesThisRun, double secondsThisRun, String fitter) {
        public double examplesPerSecond() {
            return secondsThisRun == 0 ? 0 : examplesThisRun / secondsThisRun;
        }
    }

    /**
     * Told of each dev evaluation, after it (benchmarks measure the model there): the step and the encoder over the
     * training graph. It must not change the graph.
     */
    public interface Observer {
        void evaluated(int step, Encoder encoder) throws IOException;
    }

    private final TrainConfig config;
    private final Settings settings;
    private Observer observer = (step, encoder) -> {
    };

    public TrainingLoop(TrainConfig config, Settings settings) {
        this.config = Objects.requireNonNull(config);
        this.settings = Objects.requireNonNull(settings);
    }

    /** This loop, telling {@code o} of each dev evaluation. */
    public TrainingLoop observedBy(Observer o) {
        this.observer = Objects.requireNonNull(o);
        return this;
    }

    /**
     * Trains {@code spec} on {@code train}, evaluating on {@code dev} (may be empty), into {@code out}.
     *
     * @param resume      continue the newest checkpoint in {@code out} (none there: start from the beginning)
     * @param identity    what else a resumed run must share with its checkpoint (the job's inputs, a warm start)
     */
    public Result run(ModelSpec spec, List<TrainingExample> train, List<TrainingExample> dev, Fitter.Factory fitters, RunFolder out,
                      boolean resume, String identity) throws IOException {
        WordPieceTokenizer tokenizer = WordPieceTokenizer.fromJson(new ByteArrayInputStream(spec.tokenizerJson()));
        Batcher batcher = new Batcher(train, config.loss().format(), tokenizer, config.maxLength(), config.examplesPerBatch(), config.seed());
        Fitter.Rounds shape = fitters.rounds();
        Plan plan = plan(batcher, shape);
        String fullIdentity = String.join("; ", "training " + config, "rounds " + shape, "model " + spec.name() + (spec.ownName().equals(spec.name()) ? "" : " named " + spec.ownName()) + " " + spec.config() + " "
                + spec.pooling().label(), identity, "examples " + train.size(), "steps " + plan.totalSteps());

        Checkpoints checkpoints = new Checkpoints(out);
        Optional<String> newest = resume ? checkpoints.newest() : Optional.empty();
        if (resume && newest.isEmpty()) {
            LOG.warn("resume: {} holds no complete checkpoint; starting from the beginning", out.describe());
        }
        TrainingState state;
        ComputationGraph graph;
        if (newest.isPresent()) {
            state = checkpoints.readState(newest.get());
            if (!fullIdentity.equals(state.identity)) {
                throw new IllegalArgumentException("cannot resume " + out.describe() + ": its checkpoints were written by another "
                        + "configuration or data:\n  " + state.identity + "\nnot\n  " + fullIdentity);
            }
            graph = checkpoints.restore(newest.get(), config, plan.totalSteps(), state);
            LOG.info("resuming {} from {}: step {} of {}, epoch {} round {}; best dev Spearman so far {}", out.describe(), newest.get(),
                    state.step, plan.totalSteps(), state.epoch + 1, state.round, pct(state.best()));
        } else {
            state = new TrainingState();
            state.identity = fullIdentity;
            graph = TrainingGraph.build(config, spec, plan.totalSteps());
        }
        Encoder encoder = new Encoder(spec.name(), spec.config(), spec.pooling(), config.maxLength(), graph, spec.tokenizerJson())
                .named(spec.ownName());
        DevEvaluator evaluator = dev.isEmpty() ? null : new DevEvaluator(dev, config.maxLength());
        TrainingLog log = TrainingLog.open(out, state.step, newest.isPresent());
        try (Fitter fitter = fitters.create(graph, batcher)) {
            LOG.info("training {} ({} pooling, {} parameters) on {} {} examples: {} epoch(s) x {} rounds = {} steps; {} examples "
                            + "per minibatch, {} minibatch(es) and {} step(s) a round; fitted by {}; loss {}", spec.name(), spec.pooling().label(),
                    graph.params().length(), train.size(), config.loss().format(), plan.epochs().size(), plan.epochs().get(0).rounds(),
                    plan.totalSteps(), config.examplesPerBatch(), shape.minibatches(), shape.steps(), fitter.describe(), config.loss());
            Run run = new Run(state, plan, graph, encoder, evaluator, fitter, out, checkpoints, log, batcher,
                    new LossTerms(config.loss(), spec.config().hidden()));
            run.trainToTheEnd();
            return new Result(graph, state, plan, newest.isPresent(), run.stoppedByLimit, run.examples, run.seconds, fitter.describe());
        }
    }

    /** Each epoch's minibatches (full ones when the fitter needs them) cut into its rounds; a step budget ends the plan. */
    Plan plan(Batcher batcher, Fitter.Rounds shape) {
        int budgetRounds = config.maxSteps() > 0 ? (config.maxSteps() + shape.steps() - 1) / shape.steps() : Integer.MAX_VALUE;
        List<RoundPlan> epochs = new ArrayList<>();
        int rounds = 0;
        long repeatedExamples = 0;
        long repeatedMinibatches = 0;
        for (int e = 0; e < config.epochs() && rounds < budgetRounds; e++) {
            List<int[]> minibatches = shape.even() ? batcher.evenPlan(e) : batcher.plan(e);
            RoundPlan p = new RoundPlan(minibatches, shape.minibatches());
            if (p.rounds() > budgetRounds - rounds) {
                p = new RoundPlan(minibatches.subList(0, (budgetRounds - rounds) * shape.minibatches()), shape.minibatches());
            }
            repeatedExamples += repeated(p.batches());
            repeatedMinibatches += p.repeatedBatches();
            epochs.add(p);
            rounds += p.rounds();
        }
        return new Plan(epochs, rounds, rounds * shape.steps(), shape.steps(), repeatedExamples, repeatedMinibatches);
    }

    /** Examples a plan holds more than once (an even plan fills its short minibatches with repeats). */
    static long repeated(List<int[]> minibatches) {
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        long n = 0;
        for (int[] b : minibatches) {
            for (int i : b) {
                if (!seen.add(i)) {
                    n++;
                }
            }
        }
        return n;
    }

    /** One process's share of a run: the rounds from the state's position to the end, a limit, or early stopping. */
    private final class Run {
        private final TrainingState state;
        private final Plan plan;
        private final ComputationGraph graph;
        private final Encoder encoder;
        private final DevEvaluator evaluator;
        private final Fitter fitter;
        private final RunFolder out;
        private final Checkpoints checkpoints;
        private final TrainingLog log;
        private final Batcher batcher;
        private final LossTerms terms;
        private final WarmupLinearSchedule schedule;
        private final long started = System.nanoTime();
        private final int stepAtStart;
        private long lastProgress = System.nanoTime();
        private int lastCheckpointStep;
        private long examples;
        private double seconds;
        private boolean stoppedByLimit;

        Run(TrainingState state, Plan plan, ComputationGraph graph, Encoder encoder, DevEvaluator evaluator, Fitter fitter, RunFolder out,
            Checkpoints checkpoints, TrainingLog log, Batcher batcher, LossTerms terms) {
            this.state = state;
            this.plan = plan;
            this.graph = graph;
            this.encoder = encoder;
            this.evaluator = evaluator;
            this.fitter = fitter;
            this.out = out;
            this.checkpoints = checkpoints;
            this.log = log;
            this.batcher = batcher;
            this.terms = terms;
            this.schedule = TrainingGraph.schedule(config, plan.totalSteps());
            this.stepAtStart = state.step;
            this.lastCheckpointStep = state.step;
        }

        void trainToTheEnd() throws IOException {
            if (state.step == 0 && state.history.isEmpty()) {
                if (evaluator != null) {
                    evaluate();
                }
                log.write(out);
            }
            while (!state.finished && state.epoch < plan.epochs().size()) {
                RoundPlan epoch = plan.epochs().get(state.epoch);
                List<int[]> round = epoch.round(state.round);
                long t0 = System.nanoTime();
                double loss = fitter.fit(round);
                double s = (System.nanoTime() - t0) / 1e9;
                int fitted = 0;
                for (int[] b : round) {
                    fitted += b.length;
                }
                int stepBefore = state.step;
                state.round++;
                state.step += plan.stepsPerRound();
                state.examples += fitted;
                state.trainSeconds += s;
                state.lossSum += loss;
                state.lossRounds++;
                examples += fitted;
                seconds += s;
                if (graph.getIterationCount() != state.step) {
                    throw new IllegalStateException("the graph's iteration count " + graph.getIterationCount() + " differs from the loop's step "
                            + state.step + " (" + fitter.describe() + ")");
                }
                boolean epochEnd = state.round == epoch.rounds();
                if (epochEnd) {
                    state.epoch++;
                    state.round = 0;
                }
                boolean planDone = state.epoch == plan.epochs().size();
                if (crossed(stepBefore, state.step, config.logEverySteps()) || planDone) {
                    log.step(state.step, state.epoch, loss, terms(round.get(round.size() - 1)), schedule.valueAt(state.step - 1, 0),
                            examples / seconds);
                }
                progress(loss, planDone);
                if (evaluator != null && (epochEnd || planDone || crossed(stepBefore, state.step, config.evalEverySteps()))) {
                    evaluate();
                } else if (evaluator == null && (epochEnd || planDone)) {
                    saveModel();
                }
                state.finished = planDone || state.stoppedEarly;
                boolean limit = !state.finished && limitReached();
                if (state.finished || epochEnd || limit || state.step - lastCheckpointStep >= settings.checkpointEverySteps()) {
                    checkpoint();
                }
                if (limit) {
                    stoppedByLimit = true;
                    LOG.info("stopping at step {} of {} ({}); continue with --resume", state.step, plan.totalSteps(), settings.limits());
                    return;
                }
            }
            if (state.stoppedEarly) {
                LOG.info("stopped early at step {} of {}: dev Spearman has not improved for {} evaluations (patience); best {} at step {}",
                        state.step, plan.totalSteps(), config.patience(), pct(state.best()), state.bestStep);
            }
        }

        /** The loss's weighted terms on a minibatch, with the parameters after the round (a forward pass, no update). */
        private java.util.Map<String, Double> terms(int[] minibatch) {
            MultiDataSet mds = batcher.toMultiDataSet(minibatch);
            INDArray pooled = graph.output(false, mds.getFeatures())[0];
            return terms.values(pooled, mds.getLabels(0));
        }

        private boolean limitReached() {
            Limits l = settings.limits();
            return (l.stopAtStep() > 0 && state.step >= l.stopAtStep())
                    || (l.maxTime() != null && System.nanoTime() - started >= l.maxTime().toNanos());
        }

        private void progress(double loss, boolean last) {
            long now = System.nanoTime();
            if (!last && (now - lastProgress) / 1e9 < settings.progressSeconds()) {
                return;
            }
            lastProgress = now;
            double perStep = seconds / Math.max(1, state.step - stepAtStart);
            LOG.info(String.format(Locale.ROOT, "step %d/%d (epoch %d/%d) loss %.4f lr %.2e | %.1f %s/s | ETA %s", state.step,
                    plan.totalSteps(), Math.min(state.epoch + 1, plan.epochs().size()), plan.epochs().size(), loss,
                    schedule.valueAt(state.step - 1, 0), examples / seconds, unit(), eta((long) (perStep * (plan.totalSteps() - state.step)))));
        }

        private void evaluate() throws IOException {
            long t0 = System.nanoTime();
            double rho = evaluator.spearman(encoder);
            Double meanLoss = state.lossRounds == 0 ? null : state.lossSum / state.lossRounds;
            state.lossSum = 0;
            state.lossRounds = 0;
            int epochsDone = state.epoch;
            state.history.add(new TrainingState.Evaluation(state.step, epochsDone, rho, meanLoss));
            boolean better = state.best == null || rho > state.best;
            if (better) {
                state.best = rho;
                state.bestStep = state.step;
                state.evaluationsSinceBest = 0;
                saveModel();
            } else {
                state.evaluationsSinceBest++;
                if (config.patience() > 0 && state.evaluationsSinceBest >= config.patience()) {
                    state.stoppedEarly = true;
                }
            }
            log.evaluation(state.step, epochsDone, rho, meanLoss, better);
            LOG.info(String.format(Locale.ROOT, "dev Spearman x100 %.2f at step %d (%d pairs, %.1f s)%s%s", 100 * rho, state.step,
                    evaluator.pairs(), (System.nanoTime() - t0) / 1e9,
                    meanLoss == null ? "" : String.format(Locale.ROOT, ", mean loss since the last %.4f", meanLoss),
                    better ? ", best so far" : ""));
            observer.evaluated(state.step, encoder);
        }

        private void saveModel() throws IOException {
            out.writeAtomically(MODEL, o -> EncoderArtifact.save(encoder, o));
        }

        private void checkpoint() throws IOException {
            String c = checkpoints.write(encoder, graph, state, settings.keepCheckpoints());
            lastCheckpointStep = state.step;
            log.write(out);
            LOG.info("checkpoint {} (step {}, next: epoch {} round {})", c, state.step, state.epoch + 1, state.round);
        }
    }

    /** Whether a multiple of {@code every} lies in (from, to]. */
    static boolean crossed(int from, int to, int every) {
        return every > 0 && to / every > from / every;
    }

    private String unit() {
        return config.loss().format() == ExampleShape.TRIPLET ? "triplets" : "pairs";
    }

    /** A Spearman as the logs write it: x100, two decimals, "-" when undefined. */
    public static String pct(double rho) {
        return Double.isNaN(rho) ? "-" : String.format(Locale.ROOT, "%.2f", 100 * rho);
    }

    static String eta(long seconds) {
        return seconds >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60)
                : String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
    }
}
