package io.anglespark.jobs.train;

import io.anglespark.jobs.common.ConfigException;
import io.anglespark.jobs.common.JobConfigs;
import io.anglespark.model.loss.AngleLossConfig;
import io.anglespark.model.loss.LabelScale;
import io.anglespark.prep.SharedData;
import io.anglespark.prep.ExampleShape;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainJobConfigTest {
    private static final String CONF = SharedData.projectRoot().resolve("conf/train.conf").toString();

    private static TrainJobConfig load(String... overrides) {
        return TrainJobConfig.from(JobConfigs.load(CONF, List.of(overrides), new Configuration()));
    }

    private static String failure(String... overrides) {
        return assertThrows(ConfigException.class, () -> load(overrides)).getMessage();
    }

    @Test
    void theBundledConfigLoadsWithItsDocumentedDefaults() {
        TrainJobConfig c = load();
        TrainJobConfig dflt = TrainJobConfig.from(JobConfigs.load(null, List.of("train.input=out/prepare", "train.output=out/train"),
                new Configuration()));
        assertEquals(dflt, c, "conf/train.conf states the defaults the parser has");
        assertEquals(ExampleShape.SCORED_PAIR, c.format());
        assertEquals(LabelScale.STS, c.labelScale());
        assertEquals("minilm-l6-v2", c.model());
        assertEquals("out/prepare", c.devInput(), "dev pairs from the train input by default");
        assertEquals(16, c.batchPerWorker());
        assertEquals(10, c.batchesPerRound(), "2 workers x averaging every 5 minibatches");
        assertEquals(0, c.maxRunSeconds());
        assertNull(c.warmStart());
        assertFalse(c.resume());
    }

    @Test
    void overridesSetDurationsAndNestedKeys() {
        TrainJobConfig c = load("train.limits.max-run-time=90m", "train.spark.workers=4", "train.spark.averaging-frequency=3",
                "train.warm-start=hdfs://nn/m/model.zip", "train.loss.preset=angle", "train.format=c");
        assertEquals(5400, c.maxRunSeconds());
        assertEquals(12, c.batchesPerRound());
        assertEquals("hdfs://nn/m/model.zip", c.warmStart());
        assertEquals(ExampleShape.TRIPLET, c.training().loss().format());
    }

    @Test
    void badValuesFailNamingTheKey() {
        assertTrue(failure("train.spark.workers=0").contains("'train.spark.workers' = 0"));
        assertTrue(failure("train.name=\"../x\"").contains("train.name"), "a model name is part of ids and registry folders");
        assertEquals("support-search", load("train.name=support-search").name());
        assertNull(load().name(), "null: the warm start's or the model's name");
        assertTrue(failure("train.limits.max-run-time=soon").contains("'train.limits.max-run-time'"));
        assertTrue(failure("train.spark.storage-level=IN_THE_CLOUD").contains("'train.spark.storage-level'"));
        assertTrue(failure("train.loss.preset=fancy").contains("'train.loss.preset'"));
        assertTrue(failure("train.random.hidden=33").contains("'train.random.hidden'"));
        String m = failure("train.spark.averaging-frequncy=2");
        assertTrue(m.contains("did you mean 'train.spark.averaging-frequency'"), m);
        m = failure("train.overwrite=true", "train.resume=true");
        assertTrue(m.contains("choose one"), m);
    }

    @Test
    void theDefaultObjectiveIsAnAngleRecipeAndTheReadmeConfAndCodeSayTheSame() throws Exception {
        AngleLossConfig loss = load().training().loss();
        assertEquals(AngleLossConfig.defaults(ExampleShape.SCORED_PAIR, LabelScale.STS), loss, "conf/train.conf's preset is the code's default");
        assertTrue(loss.angleWeight() > 0, "the default trains the angle term: " + loss);
        String readme = java.nio.file.Files.readString(SharedData.projectRoot().resolve("README.md"));
        String stated = "Default loss recipe: `" + AngleLossConfig.Preset.DEFAULT.label() + "`";
        assertTrue(readme.contains(stated), "the README states '" + stated + "'");
        assertTrue(java.nio.file.Files.readString(java.nio.file.Path.of(CONF)).contains("preset = " + AngleLossConfig.Preset.DEFAULT.label() + "\n"),
                "conf/train.conf names the default preset");
    }

    @Test
    void everyLossKnobIsAKeyAndAPresetWithAConflictingValueFailsNamingIt() {
        AngleLossConfig sts = load("train.loss.preset=sts", "train.loss.angle-weight=0.02", "train.loss.ibn-positives=angle-emb").training().loss();
        assertEquals(AngleLossConfig.of(AngleLossConfig.Preset.STS, ExampleShape.SCORED_PAIR, LabelScale.STS), sts, "values equal to the preset's are accepted");
        String m = failure("train.loss.preset=sts", "train.loss.angle-weight=1");
        assertTrue(m.contains("'train.loss.angle-weight'") && m.contains("conflicts with preset sts"), m);
        assertEquals(AngleLossConfig.IbnPositives.THRESHOLD, load("train.loss.preset=paper", "train.loss.ibn-positives=threshold").training().loss()
                .ibnPositives(), "the positive rule is the data's choice, with any preset");
        m = failure("train.loss.ibn-positives=everyone");
        assertTrue(m.contains("'train.loss.ibn-positives'") && m.contains("angle-emb, threshold, partner"), m);
        m = failure("train.loss.preset=custom", "train.loss.cosine-weight=1");
        assertTrue(m.contains("'train.loss.ibn-weight'") && m.contains("preset = custom needs every weight"), m);
        m = failure("train.loss.angle-wieght=1");
        assertTrue(m.contains("train.loss.angle-weight"), m);
        m = failure("train.loss.preset=custom", "train.loss.cosine-weight=1", "train.loss.ibn-weight=0", "train.loss.cln-weight=0",
                "train.loss.angle-weight=1", "train.loss.cosine-tau=20", "train.loss.ibn-tau=20", "train.loss.angle-tau=0");
        assertTrue(m.contains("'train.loss.angle-tau'") && m.contains("> 0"), m);
        AngleLossConfig custom = load("train.loss.preset=custom", "train.loss.cosine-weight=1", "train.loss.ibn-weight=0.5",
                "train.loss.cln-weight=0", "train.loss.angle-weight=1", "train.loss.cosine-tau=20", "train.loss.ibn-tau=10",
                "train.loss.angle-tau=1", "train.loss.ibn-positives=threshold", "train.loss.positive-threshold=3").training().loss();
        assertEquals(new AngleLossConfig(ExampleShape.SCORED_PAIR, 1, 0.5, 0, 1, 20, 10, 1, AngleLossConfig.IbnPositives.THRESHOLD, 3,
                LabelScale.STS), custom);
        assertEquals(AngleLossConfig.Preset.RETRIEVAL.config(ExampleShape.SCORED_PAIR, LabelScale.STS),
                load("train.loss.preset=angle").training().loss(), "angle: the retrieval preset's name before");
        m = failure("train.label-scale=normalized");
        assertTrue(m.contains("train.loss.ibn-positives = threshold") && m.contains("int(label)"), "the default rule on 0..1 scores is refused: " + m);
        load("train.label-scale=normalized", "train.loss.ibn-positives=threshold", "train.loss.positive-threshold=0.2");
    }
}
