package io.anglespark.jobs.retrain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.anglespark.jobs.TestSpark;
import io.anglespark.jobs.common.JobConfigs;
import io.anglespark.jobs.common.JobMain;
import io.anglespark.jobs.common.RunManifest;
import io.anglespark.jobs.train.TrainJob;
import io.anglespark.model.BertConfig;
import io.anglespark.model.Pooling;
import io.anglespark.model.PretrainedModel;
import io.anglespark.model.encoder.Encoder;
import io.anglespark.model.encoder.EncoderArtifact;
import io.anglespark.model.encoder.EncoderGraphFactory;
import io.anglespark.model.train.TrainingState;
import io.anglespark.prep.SharedData;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Retraining rounds on small real data (slices of STS-B train as each month's fresh data; the first 200 pairs of
 * STS-B dev as the pinned held-out set; SICK trial as a second gate set), starting from a tiny random encoder so
 * that a round takes seconds: round 1 is promoted, round 2 with a gate it cannot pass is rejected with its reasons,
 * round 3 is stopped between its version's record and its promotion, and the registry still says v1.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RetrainJobTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private SparkSession spark;
    private Path dir;
    private Path registry;
    private RetrainJob.RetrainReport round1;
    private RetrainJob.RetrainReport round2;

    /** What a kill between the version's record and its promotion leaves: nothing after that point runs. */
    private static final class Killed extends Error {
    }

    @BeforeAll
    void twoRounds() throws Exception {
        spark = TestSpark.start("retrain-job");
        dir = Files.createTempDirectory("retrain-job");
        registry = dir.resolve("registry");
        List<String> train = SharedData.lines("stsbenchmark/sts-train.csv");
        Files.write(dir.resolve("month1.csv"), train.subList(0, 400));
        Files.write(dir.resolve("month2.csv"), train.subList(400, 800));
        Files.write(dir.resolve("month3.csv"), train.subList(800, 1200));
        Files.write(dir.resolve("held-out.csv"), SharedData.lines("stsbenchmark/sts-dev.csv").subList(0, 200));
        Files.write(dir.resolve("sick.txt"), SharedData.lines("sick2014/SICK_trial.txt").subList(0, 151));
        byte[] tokenizer;
        try (InputStream in = PretrainedModel.MINILM_L6_V2.openTokenizer()) {
            tokenizer = in.readAllBytes();
        }
        BertConfig tiny = new BertConfig(1, 32, 2, 64, 30522, 64, 2, 1e-12);
        EncoderArtifact.save(new Encoder("tiny", tiny, Pooling.MEAN, 48, EncoderGraphFactory.build(tiny, Pooling.MEAN, 11), tokenizer),
                dir.resolve("start.zip").toFile());

        round1 = RetrainJob.run(spark, config("month1.csv"));
        round2 = RetrainJob.run(spark, config("month2.csv", "evaluate.gate.min-gain = 50"));
    }

    @AfterAll
    void stop() {
        spark.stop();
    }

    /** Month {@code data}'s retraining, as a user's retrain.conf and --set lines would give it. */
    private RetrainConfig config(String data, String... more) {
        List<String> sets = new ArrayList<>(List.of(
                "retrain.registry=" + registry,
                "retrain.name=faq",
                "retrain.export=false",
                "prepare.inputs=[{name=month, source=stsb, format=stsb, path=\"" + dir.resolve(data) + "\", split=hash}]",
                "prepare.split.dev-fraction=0.2",
                "prepare.split.test-fraction=0.0",
                "train.warm-start=\"" + dir.resolve("start.zip") + "\"",
                "train.spark.workers=1",
                "train.batch-per-worker=16",
                "train.max-length=48",
                "train.epochs=1",
                "train.max-steps=12",
                "train.optimizer.learning-rate=3e-3",
                "train.optimizer.warmup-steps=1",
                "train.dev.every-steps=6",
                "train.loss.preset=cosent",
                "evaluate.sets=[{name=held-out, format=stsb, path=\"" + dir.resolve("held-out.csv") + "\"}, "
                        + "{name=sick-trial, format=sick, path=\"" + dir.resolve("sick.txt") + "\"}]",
                "evaluate.plots.enabled=false"));
        sets.addAll(List.of(more));
        return RetrainConfig.from(JobConfigs.load(SharedData.projectRoot().resolve("conf/retrain.conf").toString(), sets, new Configuration()));
    }

    private JsonNode record(int version) throws Exception {
        return JSON.readTree(registry.resolve("faq/v" + version + "/" + RunManifest.FILE_NAME).toFile());
    }

    @Test
    void roundOneBeatsTheModelItStartedFromAndBecomesCurrent() throws Exception {
        assertTrue(round1.promoted(), round1.reasons().toString());
        assertEquals(1, round1.version().number());
        assertTrue(round1.modelId().startsWith("faq@"), "the model id carries the model's name: " + round1.modelId());
        ModelRegistry r = ModelRegistry.open(registry.toString(), "faq", new Configuration());
        assertEquals(1, r.promotions().get(0).version());
        JsonNode v1 = record(1);
        assertEquals("promote", v1.get("decision").asText());
        assertTrue(v1.get("parent").get("version").isNull());
        assertEquals(dir.resolve("start.zip").toString(), v1.get("compared_with").asText(), "a first version is gated against its start");
        assertTrue(v1.get("gate").get("passed").asBoolean());
        assertEquals("held-out", v1.get("gate").get("rule").get("primary").asText(), "the first set is the primary one");
        assertTrue(v1.get("data").get("pairs").size() > 0, v1.get("data").toString());
        assertTrue(Files.exists(registry.resolve("faq/v1/train/model.zip")));
        assertFalse(Files.exists(registry.resolve("faq/v1/train/checkpoints")), "a kept version needs its model, not its checkpoints");
        assertTrue(Files.exists(registry.resolve("faq/v1/evaluation/gate.json")));
        assertEquals("faq", EncoderArtifact.load(registry.resolve("faq/v1/train/model.zip").toFile()).name());
    }

    @Test
    void roundTwoStartsFromTheCurrentVersionAndIsRejectedWithItsReasons() throws Exception {
        assertFalse(round2.promoted());
        assertEquals(2, round2.version().number());
        assertEquals(1, round2.parent());
        assertEquals(1, round2.reasons().size(), round2.reasons().toString());
        assertTrue(round2.reasons().get(0).startsWith("held-out (primary): challenger ") && round2.reasons().get(0).contains("gate min-gain"),
                round2.reasons().get(0));
        JsonNode v2 = record(2);
        assertEquals("reject", v2.get("decision").asText());
        assertEquals(round2.reasons().get(0), v2.get("reasons").get(0).asText());
        assertEquals(1, v2.get("parent").get("version").asInt());
        assertEquals(round1.modelId(), v2.get("parent").get("model_id").asText(), "lineage: the parent's model id");
        JsonNode trainRun = JSON.readTree(registry.resolve("faq/v2/train/" + RunManifest.FILE_NAME).toFile());
        assertEquals(registry.resolve("faq/v1/train/model.zip").toString(), trainRun.get("config").get("warmStart").asText(),
                "warm-started from the current version");
        assertNotEquals(round1.modelId(), round2.modelId());
        ModelRegistry r = ModelRegistry.open(registry.toString(), "faq", new Configuration());
        assertEquals(1, r.current().orElseThrow().version(), "a rejected challenger is never current");
        assertEquals("rejected", r.versions().get(1).status());
        assertThrows(IllegalStateException.class, () -> r.promote(round2.version(), round2.modelId()));
    }

    @Test
    void aRunKilledBetweenItsVersionsRecordAndItsPromotionLeavesTheOldCurrent() throws Exception {
        RetrainConfig passes = config("month3.csv", "evaluate.gate.min-gain = -100");
        assertThrows(Killed.class, () -> RetrainJob.run(spark, passes, () -> {
            throw new Killed();
        }));
        ModelRegistry r = ModelRegistry.open(registry.toString(), "faq", new Configuration());
        ModelRegistry.VersionStatus v3 = r.versions().get(2);
        assertEquals("promote", record(3).get("decision").asText(), "the version is complete and passed its gate");
        assertEquals("not promoted (its run stopped before the promotion)", v3.status());
        assertEquals(1, r.current().orElseThrow().version());
        assertEquals(1, r.promotions().size());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        java.io.PrintStream stdout = System.out;
        int code;
        try {
            System.setOut(new java.io.PrintStream(out, true, StandardCharsets.UTF_8));
            code = JobMain.execute("retrain", new RetrainJob(), new String[]{"--config", SharedData.projectRoot().resolve("conf/retrain.conf").toString(),
                    "--set", "retrain.registry=" + registry, "--set", "retrain.name=faq", "--status"}, new PrintWriter(System.err));
        } finally {
            System.setOut(stdout);
        }
        assertEquals(0, code);
        String status = out.toString(StandardCharsets.UTF_8);
        assertTrue(status.contains("v1    current") && status.contains("v2    rejected: held-out (primary)")
                && status.contains("v3    not promoted") && status.contains("current: v1 " + round1.modelId()), status);
    }

    @Test
    void aChallengerThatKeptItsStartsWeightsIsNotPromotedWhateverTheGateAllows() {
        TrainJob.TrainReport keptStart = new TrainJob.TrainReport("/r/v4/train", 12, 12, true, false,
                List.of(new TrainingState.Evaluation(0, 0, 0.8123, null), new TrainingState.Evaluation(12, 1, 0.8011, 4.2)), 0.8123, 0, false, false, 100, 20, 50.0,
                "one-jvm");
        List<String> reasons = RetrainJob.reasons(null, "faq@0123456789ab", "faq@0123456789ab", keptStart);
        assertEquals(List.of("the challenger holds the weights it started from (faq@0123456789ab, as faq@0123456789ab): no dev evaluation "
                + "of its training beat its start (dev Spearman x100 81.23 at the start, best 81.23)"), reasons);
        assertEquals(1, RetrainJob.reasons(null, "minilm-l6-v2@0123456789ab", "faq@0123456789ab", keptStart).size(),
                "a first version from a pretrained model: the same weights under another name");
        assertEquals(List.of(), RetrainJob.reasons(null, "faq@0123456789ab", "faq@ba9876543210", keptStart));
    }
}
