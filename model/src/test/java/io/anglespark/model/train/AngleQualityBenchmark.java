package io.anglespark.model.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anglespark.model.Pooling;
import io.anglespark.model.PretrainedModel;
import io.anglespark.model.SharedPairs;
import io.anglespark.model.batch.TrainingExample;
import io.anglespark.model.encoder.Encoder;
import io.anglespark.model.encoder.EncoderArtifact;
import io.anglespark.model.loss.AngleLossConfig;
import io.anglespark.model.loss.LabelScale;
import io.anglespark.prep.ExampleShape;
import io.anglespark.prep.read.SemEvalStsFormat;
import io.anglespark.prep.read.SickFormat;
import io.anglespark.prep.read.StsBenchmarkFormat;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One run of the quality benchmark (run by {@code bench/quality}, never by the test suite): bge-small-en-v1.5
 * fine-tuned by the training job's loop ({@link TrainingLoop} with the one-JVM fitter, what {@code submit/train} runs
 * with one worker) with one recipe, pooling and seed, then scored on STS-B test and the transfer sets. Each run appends
 * one JSON line to {@code bench/results/quality-runs.jsonl}; {@link QualityReport} then rewrites
 * {@code bench/results/quality.md} from every line (mean and spread over seeds).
 *
 * <p>System properties: {@code quality.task} {@code stsb} (train on STS-B train; the kept model is the best by STS-B dev,
 * all 1500 pairs, evaluated every {@code quality.eval-every} [60] steps), {@code sick} (train on SICK train, a fraction
 * {@code quality.fraction} [1.0] of it, the same pairs for every seed; no selection: the last model) or
 * {@code zero-shot}; {@code quality.preset} [the default], {@code quality.positives} [the preset's rule],
 * {@code quality.threshold} [none: the threshold rule at this label], {@code quality.pooling} [the model's own, cls], {@code quality.seed} [42], {@code quality.epochs} [1],
 * {@code quality.batch} [32], {@code quality.lr} [2e-5], 10% warm-up, max length 64, clipping 1.0, no weight decay;
 * {@code quality.probe} [true]: the saturation probe ({@link SaturationProbe}) at every dev evaluation.
 */
@Tag("benchmark")
class AngleQualityBenchmark {
    static final int MAX_LENGTH = 64;
    static final PretrainedModel MODEL = PretrainedModel.BGE_SMALL_EN_V15;

    /** The evaluation sets, by the name the report uses. */
    static Map<String, List<TrainingExample>> evaluationSets() {
        Map<String, List<TrainingExample>> m = new LinkedHashMap<>();
        m.put("stsb-test", SharedPairs.read(new StsBenchmarkFormat(), "stsbenchmark/sts-test.csv"));
        m.put("sick-trial", SharedPairs.read(new SickFormat(), "sick2014/SICK_trial.txt"));
        m.put("msrpar", SharedPairs.read(new SemEvalStsFormat(), "semeval-sts-2012-train/MSRpar.train.tsv"));
        m.put("smteuroparl", SharedPairs.read(new SemEvalStsFormat(), "semeval-sts-2012-train/SMTeuroparl.train.tsv"));
        return m;
    }

    @Test
    void run(@TempDir Path dir) throws Exception {
        String task = System.getProperty("quality.task", "stsb");
        String poolingName = System.getProperty("quality.pooling", "");
        Pooling pooling = poolingName.isBlank() ? null : Pooling.parse(poolingName);
        ModelSpec spec = ModelSpec.pretrained(MODEL, pooling);
        Map<String, List<TrainingExample>> sets = evaluationSets();
        ObjectNode rec = new ObjectMapper().createObjectNode();
        rec.put("date", Instant.now().toString());
        rec.put("machine", io.anglespark.model.Machine.describe());
        // what else ran on the machine during this run (-Dquality.beside=...): the rates are quiet only with nothing
        rec.put("beside", System.getProperty("quality.beside", "nothing"));
        rec.put("task", task);
        rec.put("model", spec.name());
        rec.put("pooling", spec.pooling().label());
        rec.put("max_length", MAX_LENGTH);
        long t0 = System.nanoTime();
        Encoder kept;
        if (task.equals("zero-shot")) {
            TrainConfig c = config(AngleLossConfig.cosent(ExampleShape.SCORED_PAIR, LabelScale.STS), 1, 1, 42);
            kept = new Encoder(spec.name(), spec.config(), spec.pooling(), MAX_LENGTH, TrainingGraph.build(c, spec, 1), spec.tokenizerJson());
            rec.put("recipe", "zero-shot");
        } else {
            kept = train(task, spec, dir, rec);
        }
        ObjectNode scores = rec.putObject("scores");
        for (Map.Entry<String, List<TrainingExample>> s : sets.entrySet()) {
            if (task.equals("sick") && !s.getKey().equals("sick-trial") && !s.getKey().equals("stsb-test")) {
                continue;   // the limited-label runs: SICK trial, and STS-B test for the other direction
            }
            scores.put(s.getKey(), 100 * new DevEvaluator(s.getValue(), MAX_LENGTH).spearman(kept));
        }
        rec.put("wall_s", (System.nanoTime() - t0) / 1e9);
        Path runs = QualityReport.RUNS;
        Files.createDirectories(runs.getParent());
        Files.writeString(runs, new ObjectMapper().writeValueAsString(rec) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        System.out.println(rec.toPrettyString());
        QualityReport.main(new String[0]);
    }

    private static Encoder train(String task, ModelSpec spec, Path dir, ObjectNode rec) throws Exception {
        String presetName = System.getProperty("quality.preset", "default");
        // custom: quality.weights = "cosine,ibn,cln,angle,cosine-tau,ibn-tau,angle-tau" (angle_emb's positive rule)
        AngleLossConfig.Preset preset = presetName.equals("custom") ? null : AngleLossConfig.Preset.parse(presetName);
        long seed = Long.getLong("quality.seed", 42);
        int epochs = Integer.getInteger("quality.epochs", 1);
        double fraction = Double.parseDouble(System.getProperty("quality.fraction", "1.0"));
        boolean probe = Boolean.parseBoolean(System.getProperty("quality.probe", "true"));
        List<TrainingExample> train;
        List<TrainingExample> dev;
        LabelScale scale;
        if (task.equals("stsb")) {
            train = SharedPairs.read(new StsBenchmarkFormat(), "stsbenchmark/sts-train.csv");
            dev = SharedPairs.read(new StsBenchmarkFormat(), "stsbenchmark/sts-dev.csv");
            scale = LabelScale.STS;
        } else if (task.equals("sick")) {
            train = fractionOf(SharedPairs.read(new SickFormat(), "sick2014/SICK_train.txt"), fraction);
            dev = List.of();
            scale = LabelScale.SICK;
        } else {
            throw new IllegalArgumentException("quality.task must be stsb, sick or zero-shot, got " + task);
        }
        AngleLossConfig loss;
        if (preset == null) {
            double[] w = java.util.Arrays.stream(System.getProperty("quality.weights").split(",")).mapToDouble(Double::parseDouble).toArray();
            loss = new AngleLossConfig(ExampleShape.SCORED_PAIR, w[0], w[1], w[2], w[3], w[4], w[5], w[6], AngleLossConfig.IbnPositives.ANGLE_EMB,
                    AngleLossConfig.DEFAULT_POSITIVE_THRESHOLD, scale);
        } else {
            loss = AngleLossConfig.of(preset, ExampleShape.SCORED_PAIR, scale);
        }
        String positives = System.getProperty("quality.positives", "");
        if (!positives.isBlank()) {
            loss = loss.withIbnPositives(AngleLossConfig.IbnPositives.parse(positives));
        }
        String threshold = System.getProperty("quality.threshold", "");
        if (!threshold.isBlank()) {
            loss = loss.withPositiveThreshold(Double.parseDouble(threshold));
        }
        int batch = Integer.getInteger("quality.batch", 32);
        int steps = epochs * ((train.size() + batch - 1) / batch);
        TrainConfig c = config(loss, batch, steps, seed).withSteps(epochs, 0, Math.max(1, steps / 10));
        rec.put("recipe", preset == null ? "custom " + System.getProperty("quality.weights") : preset.label());
        rec.put("ibn_positives", loss.ibnWeight() == 0 ? "-" : loss.ibnPositives() == AngleLossConfig.IbnPositives.THRESHOLD
                ? "threshold " + loss.positiveThreshold() : loss.ibnPositives().label());
        rec.put("loss", loss.toString());
        rec.put("seed", seed);
        rec.put("epochs", epochs);
        rec.put("fraction", fraction);
        rec.put("train_pairs", train.size());
        rec.put("batch", batch);
        rec.put("lr", c.learningRate());
        rec.put("steps", steps);
        ArrayNode probes = rec.putArray("saturation");
        TrainingLoop loop = new TrainingLoop(c, new TrainingLoop.Settings(100_000, 1, 60, TrainingLoop.Limits.NONE));
        if (probe && !dev.isEmpty()) {
            SaturationProbe p = new SaturationProbe(train, loss, spec.config().hidden(), MAX_LENGTH);
            loop.observedBy((step, encoder) -> probes.add(p.measure(step, encoder)));
        }
        RunFolder out = RunFolder.local(dir.resolve("run"));
        TrainingLoop.Result r = loop.run(spec, train, dev, LocalFitter.factory(), out, false, "bench/quality");
        rec.put("pairs_per_s", r.examplesPerSecond());
        rec.put("train_s", r.secondsThisRun());
        TrainingState st = r.state();
        if (!dev.isEmpty()) {
            rec.put("dev_zero_shot", 100 * st.initialSpearman());
            rec.put("dev_best", 100 * st.best());
            rec.put("best_step", st.bestStep());
            ArrayNode h = rec.putArray("dev_history");
            for (TrainingState.Evaluation e : st.history()) {
                h.addArray().add(e.step()).add(100 * e.spearman());
            }
        }
        return EncoderArtifact.load(dir.resolve("run").resolve(TrainingLoop.MODEL).toFile());
    }

    static TrainConfig config(AngleLossConfig loss, int batch, int steps, long seed) {
        double lr = Double.parseDouble(System.getProperty("quality.lr", "2e-5"));
        int evalEvery = Integer.getInteger("quality.eval-every", 60);
        return new TrainConfig(loss, batch, MAX_LENGTH, 1, 0, lr, Math.max(1, steps / 10), 0.0, 1.0, evalEvery, 0, 10, seed);
    }

    /** The same {@code fraction} of the pairs for every seed: every k-th pair. */
    static List<TrainingExample> fractionOf(List<TrainingExample> all, double fraction) {
        if (fraction >= 1) {
            return all;
        }
        List<TrainingExample> out = new ArrayList<>();
        double step = 1 / fraction;
        for (double i = 0; i < all.size(); i += step) {
            out.add(all.get((int) i));
        }
        return out;
    }
}
