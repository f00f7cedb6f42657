package io.anglespark.model.train;

import io.anglespark.model.BertConfig;
import io.anglespark.model.PretrainedModel;
import io.anglespark.model.loss.AngleLossConfig;
import io.anglespark.model.loss.LabelScale;
import io.anglespark.model.tokenize.WordPieceTokenizer;
import io.anglespark.prep.SharedData;
import io.anglespark.prep.ExampleShape;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The quality benchmark (run by {@code bench/quality}, never by the test suite): bge-small-en-v1.5 fine-tuned on
 * STS-B train with the {@code cosent} preset, the AnglE default and the {@code paper} preset, same seed, same
 * budget, and STS-B test Spearman x100 (all raw test pairs, cosine of CLS vectors) of each trained model and of the
 * zero-shot model, plus training pairs/s and the share of the machine's sgemm rate training reaches. Budget (system
 * properties): {@code quality.steps} [90] updates of {@code quality.batch} [32] pairs (half an epoch), learning rate
 * {@code quality.lr} [2e-5], 10% warm-up, max length 64, seed {@code quality.seed} [42]. Training FLOPs are counted
 * on the texts' real token counts (3 x forward; padding not counted), so the share is a lower bound. Writes
 * {@code bench/results/quality.md} after every model.
 */
@Tag("benchmark")
class AngleQualityBenchmark {

    record Row(String config, double testSpearman, double pairsPerS, double gflops, int steps, double seconds) {
    }

    @Test
    void benchmark(@TempDir Path dir) throws Exception {
        int steps = Integer.getInteger("quality.steps", 90);
        int batch = Integer.getInteger("quality.batch", 32);
        double lr = Double.parseDouble(System.getProperty("quality.lr", "2e-5"));
        long seed = Long.getLong("quality.seed", 42);
        int maxLength = 64;
        PretrainedModel m = PretrainedModel.BGE_SMALL_EN_V15;
        List<io.anglespark.model.batch.TrainingExample> train = FineTuneStsbTest.sts("sts-train.csv");
        List<io.anglespark.model.batch.TrainingExample> test = FineTuneStsbTest.sts("sts-test.csv");
        List<io.anglespark.model.batch.TrainingExample> dev = FineTuneStsbTest.sts("sts-dev.csv").subList(0, 100);
        ModelSpec spec = ModelSpec.pretrained(m, null);
        WordPieceTokenizer tok = WordPieceTokenizer.fromJson(new ByteArrayInputStream(spec.tokenizerJson()));
        DevEvaluator testEval = new DevEvaluator(test, maxLength);
        double sgemm = io.anglespark.model.MachineRate.sgemmGflops();
        double flopsPerPair = flopsPerPair(m.config(), train, tok, maxLength);
        List<Row> rows = new ArrayList<>();

        TrainConfig base = new TrainConfig(AngleLossConfig.of(AngleLossConfig.Preset.COSENT, ExampleShape.SCORED_PAIR, LabelScale.STS), batch, maxLength,
                1, steps, lr, Math.max(1, steps / 10), 0.0, 1.0, 0, 0, 20, seed);
        ComputationGraph zero = TrainingGraph.build(base, spec, steps);
        rows.add(new Row("zero-shot", 100 * testEval.spearman(encoder(spec, zero, maxLength)), Double.NaN, Double.NaN, 0, 0));
        write(rows, sgemm, steps, batch, lr, seed, train.size(), test.size());
        for (AngleLossConfig.Preset preset : List.of(AngleLossConfig.Preset.COSENT, AngleLossConfig.Preset.ANGLE, AngleLossConfig.Preset.PAPER)) {
            TrainConfig c = new TrainConfig(AngleLossConfig.of(preset, ExampleShape.SCORED_PAIR, LabelScale.STS), batch, maxLength, 1, steps, lr,
                    Math.max(1, steps / 10), 0.0, 1.0, 0, 0, 20, seed);
            long t0 = System.nanoTime();
            // the training job's loop with its one-JVM fitter (what submit/train runs with one worker)
            TrainingLoop.Result r = new TrainingLoop(c, new TrainingLoop.Settings(100_000, 1, 30, TrainingLoop.Limits.NONE))
                    .run(spec, train, dev, LocalFitter.factory(), RunFolder.local(dir.resolve(preset.name())), false, "bench/quality");
            double seconds = (System.nanoTime() - t0) / 1e9;
            double pairsPerS = r.examplesPerSecond();
            rows.add(new Row(preset.name().toLowerCase(Locale.ROOT), 100 * testEval.spearman(encoder(spec, r.graph(), maxLength)), pairsPerS,
                    pairsPerS * flopsPerPair / 1e9, r.state().step(), seconds));
            write(rows, sgemm, steps, batch, lr, seed, train.size(), test.size());
        }
    }

    private static io.anglespark.model.encoder.Encoder encoder(ModelSpec spec, ComputationGraph g, int maxLength) {
        return new io.anglespark.model.encoder.Encoder(spec.name(), spec.config(), spec.pooling(), maxLength, g, spec.tokenizerJson());
    }

    /** 3 x forward FLOPs of an average STS-B train pair at its real token counts (no padding). */
    private static double flopsPerPair(BertConfig c, List<io.anglespark.model.batch.TrainingExample> train, WordPieceTokenizer tok, int maxLength) {
        double sum = 0;
        for (io.anglespark.model.batch.TrainingExample e : train) {
            for (String t : e.texts()) {
                int n = tok.encode(t, maxLength).length;
                sum += n * (2.0 * c.nonEmbeddingParameters() + 4.0 * c.layers() * n * c.hidden());
            }
        }
        return 3 * sum / train.size();
    }

    private static void write(List<Row> rows, double sgemm, int steps, int batch, double lr, long seed, int trainPairs, int testPairs) throws Exception {
        StringBuilder b = new StringBuilder("# Quality benchmark: fine-tuning bge-small-en-v1.5 on STS-B train\n\n");
        b.append(String.format(Locale.ROOT, "- date: %s; machine: %s; command: `bench/quality` (model/src/test/java/io/anglespark/model/train/AngleQualityBenchmark.java)%n",
                Instant.now(), io.anglespark.model.Machine.describe()));
        b.append("- the training loop: `TrainingLoop` with the one-JVM fitter, what `submit/train` runs with `train.spark.workers = 1`\n");
        b.append(String.format(Locale.ROOT, "- budget: %d updates of %d pairs (%d of the %d STS-B train pairs, %.0f%% of an epoch), lr %.0e with 10%% warm-up "
                        + "and linear decay, gradient clipping 1.0 per vertex, max length 64, seed %d, same for every preset%n", steps, batch, steps * batch,
                trainPairs, 100.0 * steps * batch / trainPairs, lr, seed));
        b.append(String.format(Locale.ROOT, "- test: Spearman x100 of cosine vs gold on all %d raw STS-B test pairs, the model after the last update (no selection)%n", testPairs));
        b.append(String.format(Locale.ROOT, "- machine fp32 sgemm 1024^3: %.1f GFLOP/s; training FLOPs = 3 x forward at real token counts (padding not counted: "
                + "a lower bound)%n%n", sgemm));
        b.append("| model | STS-B test Spearman x100 | training pairs/s | GFLOP/s | share of sgemm | updates | wall s |\n|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            b.append(Double.isNaN(r.pairsPerS())
                    ? String.format(Locale.ROOT, "| %s | %.2f | | | | | |%n", r.config(), r.testSpearman())
                    : String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.1f | %.0f%% | %d | %.0f |%n", r.config(), r.testSpearman(), r.pairsPerS(),
                    r.gflops(), 100 * r.gflops() / sgemm, r.steps(), r.seconds()));
        }
        Path out = SharedData.projectRoot().resolve("bench/results/quality.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, b.toString());
        System.out.println(b);
    }
}
