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
import io.anglespark.prep.read.TargetFormat;
import org.junit.jupiter.api.Tag;
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
 * {@code finetune.steps} [40] updates of {@code finetune.batch} [16] pairs, {@code finetune.preset} [cosent],
 * learning rate {@code finetune.lr} [2e-5], warm-up 10%, max length 64, seed {@code finetune.seed} [42], dev subset
 * {@code finetune.devPairs} [300] (every 5th pair of sts-dev.csv in file order, so every genre is in), evaluated every
 * {@code finetune.evalEvery} [20] updates; the best evaluation must exceed zero-shot by {@code finetune.margin}
 * [0.001, Spearman x 1].
 *
 * <p>Measured (2 shared cores, 2.6 to 4.7 pairs/s, about 6 minutes a run): zero-shot 88.41 on the subset; cosent
 * lr 2e-5: 88.71 after 20 updates, 88.57 after 40 (rise 0.30, the margin is a third of it; one seed measured). Not
 * the defaults: cosent at lr 5e-5 fell to 88.01 and 87.39, and the default {@code angle} preset (in-batch negatives
 * with the authors' positive rule, every pair scored 1 or more a positive) at 5e-5 to 84.21 and 83.74: on STS-B
 * that rule makes dissimilar pairs positives.
 *
 * <p>Tagged {@code finetune}: excluded from the default suite (minutes on 2 cores until the encoder-speed work
 * lands). Run: {@code mvn -B -o -q -pl model test -Dtest=FineTuneStsbTest -Dsurefire.excludedGroups=benchmark}.
 */
@Tag("finetune")
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
        int steps = Integer.getInteger("finetune.steps", 40);
        int batch = Integer.getInteger("finetune.batch", 16);
        double lr = Double.parseDouble(System.getProperty("finetune.lr", "2e-5"));
        int devPairs = Integer.getInteger("finetune.devPairs", 300);
        double margin = Double.parseDouble(System.getProperty("finetune.margin", "0.001"));
        AngleLossConfig.Preset preset = AngleLossConfig.Preset.parse(System.getProperty("finetune.preset", "cosent"));
        double threshold = Double.parseDouble(System.getProperty("finetune.threshold", "1.0"));
        long seed = Long.getLong("finetune.seed", 42);
        int evalEvery = Integer.getInteger("finetune.evalEvery", 20);

        List<TrainingExample> train = sts("sts-train.csv");
        List<TrainingExample> allDev = sts("sts-dev.csv");
        List<TrainingExample> dev = new ArrayList<>();
        int stride = Math.max(1, allDev.size() / devPairs);
        for (int i = 0; i < allDev.size() && dev.size() < devPairs; i += stride) {
            dev.add(allDev.get(i));
        }
        TrainConfig c = new TrainConfig(AngleLossConfig.of(preset, TargetFormat.A, LabelScale.STS, threshold), batch, 64, 1, steps, lr,
                Math.max(1, steps / 10), 0.0, 1.0, evalEvery, 5, seed);
        long t0 = System.nanoTime();
        LocalTrainer.Result r = new LocalTrainer(c).train(ModelSpec.pretrained(PretrainedModel.MINILM_L6_V2, null), train, dev, dir,
                new LocalTrainer.Limits(0, Duration.ofMinutes(Long.getLong("finetune.maxMinutes", 30))));
        double zeroShot = r.initialSpearman();
        System.out.printf(Locale.ROOT, "MiniLM-L6, preset %s (positive threshold %.1f), seed %d, on STS-B train (%d pairs): %d updates of %d pairs, lr %.0e; dev subset %d pairs: zero-shot %.2f, "
                        + "best %.2f (step %d), history %s; training %.2f pairs/s, %.0f s training, %.0f s in all%n", preset, threshold, seed, train.size(), r.steps(), batch,
                lr, dev.size(), 100 * zeroShot, 100 * r.bestSpearman(), r.bestStep(), r.history(), r.examplesPerSecond(),
                r.trainTime().toMillis() / 1e3, (System.nanoTime() - t0) / 1e9);
        assertTrue(r.bestStep() > 0 && r.bestSpearman() > zeroShot + margin, String.format(Locale.ROOT,
                "dev Spearman x100 did not rise by %.1f over zero-shot %.2f: best %.2f at step %d", 100 * margin, 100 * zeroShot,
                100 * r.bestSpearman(), r.bestStep()));
    }
}
