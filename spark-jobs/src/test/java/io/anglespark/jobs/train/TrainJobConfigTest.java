package io.anglespark.jobs.train;

import io.anglespark.jobs.common.ConfigException;
import io.anglespark.jobs.common.JobConfigs;
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
        assertTrue(failure("train.limits.max-run-time=soon").contains("'train.limits.max-run-time'"));
        assertTrue(failure("train.spark.storage-level=IN_THE_CLOUD").contains("'train.spark.storage-level'"));
        assertTrue(failure("train.loss.preset=fancy").contains("'train.loss.preset'"));
        assertTrue(failure("train.random.hidden=33").contains("'train.random.hidden'"));
        String m = failure("train.spark.averaging-frequncy=2");
        assertTrue(m.contains("did you mean 'train.spark.averaging-frequency'"), m);
        m = failure("train.overwrite=true", "train.resume=true");
        assertTrue(m.contains("choose one"), m);
    }
}
