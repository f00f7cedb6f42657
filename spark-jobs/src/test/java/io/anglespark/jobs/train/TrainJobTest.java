package io.anglespark.jobs.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.anglespark.jobs.TestSpark;
import io.anglespark.jobs.common.Outputs;
import io.anglespark.jobs.common.HadoopRunFolder;
import io.anglespark.jobs.common.RunManifest;
import io.anglespark.model.train.Checkpoints;
import io.anglespark.model.train.TrainingState;
import io.anglespark.prep.Example;
import io.anglespark.prep.Outcome;
import io.anglespark.prep.SharedData;
import io.anglespark.prep.read.RecordReader;
import io.anglespark.prep.read.StsBenchmarkFormat;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TrainJob} in Spark local mode (2 cores, Kryo with the project's registrator) on real STS-B pairs written as
 * the prepare job writes them: a tiny encoder trained with parameter averaging over 2 workers raises the dev
 * Spearman; a run stopped by its step limit and resumed continues from its checkpoint (same step counter, no round or
 * epoch trained twice); a warm-started run starts from the previous model's dev score.
 */
class TrainJobTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static SparkSession spark;
    @TempDir
    static Path data;

    @BeforeAll
    static void start() {
        spark = TestSpark.start("train-job-test");
        int trainPairs = Integer.getInteger("trainjob.trainPairs", 640);
        List<Row> rows = new ArrayList<>();
        rows.addAll(sts("sts-train.csv", "train", trainPairs));
        rows.addAll(sts("sts-dev.csv", "dev", Integer.MAX_VALUE));
        spark.createDataFrame(rows, Outputs.PAIRS).coalesce(2).write().parquet(data.resolve("prepared/pairs").toString());
        List<Row> small = new ArrayList<>(sts("sts-train.csv", "train", 256));
        small.addAll(sts("sts-dev.csv", "dev", Integer.MAX_VALUE));
        spark.createDataFrame(small, Outputs.PAIRS).coalesce(2).write().parquet(data.resolve("small/pairs").toString());
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** STS-B rows as prepared pairs (the first {@code max} of the file), source stsb. */
    static List<Row> sts(String file, String split, int max) {
        RecordReader r = new StsBenchmarkFormat().bind(file, null);
        List<Row> out = new ArrayList<>();
        for (String line : SharedData.lines("stsbenchmark/" + file)) {
            Outcome<Example> o = r.read(line);
            if (o instanceof Outcome.Accepted<Example> a && out.size() < max) {
                out.add(RowFactory.create(String.format(Locale.ROOT, "%s-%05d", split, out.size()), a.value().text1(), a.value().text2(),
                        a.value().score(), "stsb", split));
            }
        }
        return out;
    }

    /** The test configuration: a random 1-layer encoder (hidden 32, MiniLM's vocabulary), 2 workers, 16 pairs each. */
    static TrainJobConfig config(Path out, String... overrides) {
        StringBuilder s = new StringBuilder("""
                train {
                  input = "%s"
                  output = "%s"
                  dev { source = stsb, max-pairs = %d }
                  model = random
                  random { layers = 1, hidden = %d, heads = 2, intermediate = 64 }
                  loss.preset = cosent
                  batch-per-worker = 16
                  max-length = 48
                  epochs = %d
                  optimizer { learning-rate = %s, warmup-steps = 2 }
                  seed = %d
                  spark { workers = 2, averaging-frequency = 1, collect-stats = true }
                  checkpoint.every-steps = 4
                  progress-interval-s = 5
                }
                """.formatted(data.resolve("prepared"), out, Integer.getInteger("trainjob.devPairs", 400), Integer.getInteger("trainjob.hidden", 32),
                Integer.getInteger("trainjob.epochs", 2), System.getProperty("trainjob.lr", "3e-3"), Long.getLong("trainjob.seed", 42)));
        for (String o : overrides) {
            s.append(o).append('\n');
        }
        return TrainJobConfig.from(ConfigFactory.parseString(s.toString()).resolve());
    }

    static JsonNode manifest(Path out) throws IOException {
        return JSON.readTree(out.resolve(RunManifest.FILE_NAME).toFile());
    }

    @Test
    void parameterAveragingOverTwoWorkersRaisesDevSpearmanOnStsb(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("run");
        TrainJob.TrainReport r = TrainJob.run(spark, config(out));
        assertTrue(r.finished());
        double start = r.initialSpearman();
        double end = r.history().get(r.history().size() - 1).spearman();
        System.out.printf(Locale.ROOT, "dev Spearman x100: start %.2f, epochs %s, best %.2f; %.1f pairs/s%n", 100 * start,
                r.history().stream().map(e -> String.format(Locale.ROOT, "%.2f", 100 * e.spearman())).toList(), 100 * r.bestSpearman(),
                r.examplesPerSecond());
        assertTrue(end > start + 0.02, "dev Spearman rose by more than 2 points: " + start + " -> " + end);
        assertEquals(r.totalSteps(), r.steps());
        assertTrue(Files.exists(out.resolve(TrainJob.MODEL)));
        JsonNode m = manifest(out);
        assertEquals(r.steps(), m.at("/training/steps").asInt());
        assertEquals(3, m.at("/training/evaluations").size(), "start + 2 epochs in _run.json");
        assertEquals("parameter-averaging", m.at("/fitter/kind").asText());
        assertTrue(m.at("/fitter/reason").asText().contains("train.spark.workers = 2"), m.at("/fitter").toString());
        assertEquals(r.improved(), m.at("/training/improved").asBoolean());
        assertTrue(r.improved());
        assertEquals(r.bestStep(), m.at("/training/best_step").asInt());
        assertTrue(Files.size(out.resolve("curves.png")) > 1000 && Files.size(out.resolve("metrics.jsonl")) > 0, "curves written");
        assertEquals(2L * r.steps(), m.at("/throughput/spark_training_stats_ms/ParameterAveragingWorkerFitTimesMs/events").asLong(),
                "one fit per worker and step, each counted once");
        double fit = m.at("/throughput/worker_fit_ms_mean_per_worker").asDouble();
        double overhead = m.at("/throughput/averaging_and_other_overhead_ms").asDouble();
        assertTrue(fit > 0 && overhead > 0, "computing and averaging time recorded: " + fit + ", " + overhead);
        assertEquals(1000 * m.at("/throughput/train_seconds_this_run").asDouble(), fit + overhead, 1.0, "the two add up to the rounds' time");
    }

    /** 256 train pairs, one epoch: 8 rounds of 2 x 16 pairs. */
    static TrainJobConfig small(Path out, String... overrides) {
        List<String> all = new ArrayList<>(List.of("train.input = \"" + data.resolve("small") + "\"", "train.epochs = 1"));
        all.addAll(List.of(overrides));
        return config(out, all.toArray(String[]::new));
    }

    @Test
    void aStoppedRunResumesFromItsCheckpointAndEndsLikeAnUninterruptedRunAndAWarmStartBeginsAtItsModelsScore(@TempDir Path dir)
            throws IOException {
        Path whole = dir.resolve("whole");
        TrainJob.TrainReport uninterrupted = TrainJob.run(spark, small(whole));
        Path out = dir.resolve("run");
        TrainJob.TrainReport first = TrainJob.run(spark, small(out, "train.limits.stop-after-steps = 3"));
        assertFalse(first.finished());
        assertEquals(3, first.steps());
        assertEquals(List.of(0), first.history().stream().map(TrainingState.Evaluation::epochs).toList());
        TrainJob.TrainReport resumed = TrainJob.run(spark, small(out, "train.resume = true"));
        assertTrue(resumed.finished());
        assertTrue(resumed.resumed());
        assertEquals(uninterrupted.totalSteps(), resumed.steps(), "the step counter continued from 3 to the end, not from 0");
        // one evaluation at the start, one after the only epoch: no epoch trained twice
        assertEquals(List.of(0, 1), resumed.history().stream().map(TrainingState.Evaluation::epochs).toList());
        assertEquals(List.of(0, resumed.totalSteps()), resumed.history().stream().map(TrainingState.Evaluation::step).toList());
        assertEquals((long) resumed.totalSteps() * 2 * 16, manifest(out).at("/counts/examples_fitted").asLong(), "each round's pairs fitted once");
        assertEquals(uninterrupted.history(), resumed.history(), "same dev scores as the uninterrupted run");
        assertArrayEquals(newestParameters(whole), newestParameters(out), "resumed parameters equal the uninterrupted run's");
        try (Stream<Path> s = Files.list(out.resolve(Checkpoints.DIR))) {
            assertTrue(s.allMatch(p -> p.getFileName().toString().startsWith("step-")), "no temporary checkpoint left");
        }

        // warm start from the finished run's model.zip: a new run whose first evaluation is that model's score
        TrainJob.TrainReport warm = TrainJob.run(spark, small(dir.resolve("warm"), "train.warm-start = \"" + out.resolve(TrainJob.MODEL) + "\"",
                "train.limits.stop-after-steps = 1", "train.seed = 7"));
        assertEquals(resumed.bestSpearman(), warm.initialSpearman(), 1e-9, "a warm start begins at the previous model's dev Spearman");
        assertNotEquals(first.initialSpearman(), warm.initialSpearman(), "and not at a fresh model's");
    }

    static float[] newestParameters(Path out) throws IOException {
        Checkpoints c = new Checkpoints(new HadoopRunFolder(out.toString(), new Configuration()));
        return c.readModel(c.newest().orElseThrow()).graph().params().data().asFloat();
    }

    @Test
    void oneWorkerFitsInTheDriversJvmAndAStoppedRunResumesToTheUninterruptedResult(@TempDir Path dir) throws IOException {
        TrainJob.TrainReport whole = TrainJob.run(spark, small(dir.resolve("whole"), "train.spark.workers = 1", "train.dev.every-steps = 5"));
        Path out = dir.resolve("run");
        TrainJob.TrainReport first = TrainJob.run(spark, small(out, "train.spark.workers = 1", "train.dev.every-steps = 5",
                "train.limits.stop-after-steps = 7"));
        assertFalse(first.finished());
        assertEquals(7, first.steps());
        TrainJob.TrainReport resumed = TrainJob.run(spark, small(out, "train.spark.workers = 1", "train.dev.every-steps = 5", "train.resume = true"));
        assertTrue(resumed.finished() && resumed.resumed());
        assertEquals(16, whole.totalSteps(), "256 pairs in minibatches of 16, one a step");
        assertEquals(whole.totalSteps(), resumed.steps());
        assertEquals(List.of(0, 5, 10, 15, 16), whole.history().stream().map(TrainingState.Evaluation::step).toList(),
                "dev every 5 steps and at the end");
        assertEquals(whole.history(), resumed.history());
        assertArrayEquals(newestParameters(dir.resolve("whole")), newestParameters(out), "resumed parameters equal the uninterrupted run's");
        JsonNode m = manifest(out);
        assertEquals("one-jvm", m.at("/fitter/kind").asText());
        assertTrue(m.at("/fitter/reason").asText().contains("train.spark.workers = 1"), m.at("/fitter").toString());
        assertTrue(m.at("/training/improved").isBoolean() && m.at("/training/best_step").isInt(), m.at("/training").toString());
        List<String> metrics = Files.readAllLines(out.resolve("metrics.jsonl"));
        assertEquals(5, metrics.stream().filter(l -> l.contains("\"type\":\"dev\"")).count(), "the resumed run's curves hold every evaluation once");
        assertTrue(Files.size(out.resolve("curves.png")) > 1000);
    }

    @Test
    void aStepBudgetEndsTheRunInWholeRoundsWithADevScoreAndAModel(@TempDir Path dir) throws IOException {
        // 256 pairs, 2 epochs of 8 rounds; a budget of 5 steps at averaging frequency 2 is 3 whole rounds = 6 steps
        TrainJob.TrainReport r = TrainJob.run(spark, small(dir.resolve("run"), "train.epochs = 2", "train.max-steps = 5",
                "train.spark.averaging-frequency = 2"));
        assertTrue(r.finished(), "a budget is the end of the plan, not a stop to resume");
        assertEquals(6, r.totalSteps());
        assertEquals(6, r.steps());
        assertEquals(List.of(0, 6), r.history().stream().map(TrainingState.Evaluation::step).toList(), "scored at the start and at the budget's end");
        assertTrue(Files.exists(dir.resolve("run").resolve(TrainJob.MODEL)));
        assertEquals(0, manifest(dir.resolve("run")).at("/counts/examples_repeated_to_fill_minibatches").asLong(),
                "a cut plan repeats no example (its topped-up last minibatch is cut away)");
    }
}
