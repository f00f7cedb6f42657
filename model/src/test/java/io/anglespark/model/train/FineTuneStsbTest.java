package io.anglespark.model.train;

import io.anglespark.model.PretrainedModel;
import io.anglespark.model.batch.TrainingExample;
import io.anglespark.model.loss.AngleLossConfig;
import io.anglespark.model.loss.LabelScale;
import io.anglespark.prep.Example;
import io.anglespark.prep.Outcome;
import io.anglespark.prep.SharedData;
import io.anglespark.prep.read.RecordReader;
import io.anglespark.prep.read.StsBenchmarkFormat;
import io.anglespark.prep.ExampleShape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fine-tuning works on real data: MiniLM-L6 (pretrained, mean pooling) trained on STS-B train raises the Spearman of
 * cosine vs gold on an STS-B dev subset above the zero-shot figure, measured the same way (the trainer's evaluation
 * before its first update, same subset, same code). Budget (system properties, defaults in brackets):
 * {@code finetune.steps} [60] updates of {@code finetune.batch} [32] pairs, {@code finetune.preset} [cosent],
 * learning rate {@code finetune.lr} [1e-5], warm-up 10%, max length 64, seed {@code finetune.seed} [42], dev subset
 * {@code finetune.devPairs} [300] (every 5th pair of sts-dev.csv in file order, so every genre is in), evaluated every
 * {@code finetune.evalEvery} [20] updates; the best evaluation must exceed zero-shot by {@code finetune.margin}
 * [0.0005, Spearman x 1].
 *
 * <p>Measured with the SameDiff-vertex encoder (2 shared cores, 2.6 to 4.7 pairs/s, about 6 minutes a run): zero-shot
 * 88.41 on the subset; cosent lr 2e-5: 88.71 after 20 updates, 88.57 after 40. Not the defaults: cosent at lr 5e-5
 * fell to 88.01 and 87.39, and the default {@code angle} preset (in-batch negatives with the authors' positive rule,
 * every pair scored 1 or more a positive) at 5e-5 to 84.21 and 83.74: on STS-B that rule makes dissimilar pairs
 * positives. With the hand-written encoder vertices: the same figures for seed 42 (88.41, 88.71, 88.57), 12.6
 * pairs/s. That budget (40 x 16 pairs, lr 2e-5) did not hold across seeds: seed 7 rose 0.15, seed 13 not at all
 * (88.41, 88.40, 88.32), and 120 updates made seed 13 worse (87.68). The budget now: 60 updates of 32 pairs at lr
 * 1e-5 (cosent ranks within a batch: 32 pairs give it 496 comparisons, 16 pairs 120): seed 13 88.41 -> 88.54 (best,
 * step 40), seed 7 88.41 -> 88.64 (step 60), seed 42 88.41 -> 88.60 (step 40); 22.8 pairs/s, 3 minutes a run. The margin, 0.05 x100, is below every rise measured
 * with this budget. A small rise: MiniLM-L6 (all-MiniLM-L6-v2) is already trained on sentence-similarity data.
 *
 * <p>In the default suite since the encoder-speed work (2.5 minutes on 2 cores).
 */
class FineTuneStsbTest {

    static List<TrainingExample> sts(String file) {
        RecordReader r = new StsBenchmarkFormat().bind(file, null);
        List<TrainingExample> out = new ArrayList<>();
        for (String line : SharedData.lines("stsbenchmark/" + file)) {
            Outcome<Example> o = r.read(line);
            if (o instanceof Outcome.Accepted<Example> a) {
                out.add(TrainingExample.pair(a.value().text1(), a.value().text2(), a.value().score()));
            }
        }
        return out;
    }

    @Test
    void fineTuningMiniLmOnStsbTrainRaisesDevSpearmanAboveZeroShot(@TempDir Path dir) throws IOException {
        int steps = Integer.getInteger("finetune.steps", 60);
        int batch = Integer.getInteger("finetune.batch", 32);
        double lr = Double.parseDouble(System.getProperty("finetune.lr", "1e-5"));
        int devPairs = Integer.getInteger("finetune.devPairs", 300);
        double margin = Double.parseDouble(System.getProperty("finetune.margin", "0.0005"));
        AngleLossConfig.Preset preset = AngleLossConfig.Preset.parse(System.getProperty("finetune.preset", "cosent"));
        String threshold = System.getProperty("finetune.threshold", "");
        long seed = Long.getLong("finetune.seed", 42);
        int evalEvery = Integer.getInteger("finetune.evalEvery", 20);

        List<TrainingExample> train = sts("sts-train.csv");
        List<TrainingExample> allDev = sts("sts-dev.csv");
        List<TrainingExample> dev = new ArrayList<>();
        int stride = Math.max(1, allDev.size() / devPairs);
        for (int i = 0; i < allDev.size() && dev.size() < devPairs; i += stride) {
            dev.add(allDev.get(i));
        }
        TrainConfig c = new TrainConfig(threshold.isBlank() ? AngleLossConfig.of(preset, ExampleShape.SCORED_PAIR, LabelScale.STS)
                : AngleLossConfig.of(preset, ExampleShape.SCORED_PAIR, LabelScale.STS).withPositiveThreshold(Double.parseDouble(threshold)), batch, 64, 1, steps, lr,
                Math.max(1, steps / 10), 0.0, 1.0, evalEvery, 0, 5, seed);
        long t0 = System.nanoTime();
        // the training job's loop with its one-JVM fitter (what submit/train runs with one worker)
        TrainingLoop.Settings settings = new TrainingLoop.Settings(10_000, 1, 30,
                new TrainingLoop.Limits(0, Duration.ofMinutes(Long.getLong("finetune.maxMinutes", 30))));
        TrainingLoop.Result r = new TrainingLoop(c, settings).run(ModelSpec.pretrained(PretrainedModel.MINILM_L6_V2, null), train, dev,
                LocalFitter.factory(), RunFolder.local(dir), false, "FineTuneStsbTest");
        TrainingState st = r.state();
        double zeroShot = st.initialSpearman();
        System.out.printf(Locale.ROOT, "MiniLM-L6, preset %s (positive threshold %s), seed %d, on STS-B train (%d pairs): %d updates of %d pairs, lr %.0e; dev subset %d pairs: zero-shot %.2f, "
                        + "best %.2f (step %d), history %s; training %.2f pairs/s, %.0f s training, %.0f s in all%n", preset, threshold, seed, train.size(), st.step(), batch,
                lr, dev.size(), 100 * zeroShot, 100 * st.best(), st.bestStep(), st.history(), r.examplesPerSecond(),
                r.secondsThisRun(), (System.nanoTime() - t0) / 1e9);
        assertTrue(st.bestStep() > 0 && st.best() > zeroShot + margin && st.improved(), String.format(Locale.ROOT,
                "dev Spearman x100 did not rise by %.1f over zero-shot %.2f: best %.2f at step %d", 100 * margin, 100 * zeroShot,
                100 * st.best(), st.bestStep()));
    }
}
