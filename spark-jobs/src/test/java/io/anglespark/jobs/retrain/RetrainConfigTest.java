package io.anglespark.jobs.retrain;

import io.anglespark.jobs.common.ConfigException;
import io.anglespark.jobs.common.JobConfigs;
import io.anglespark.jobs.evaluate.EvaluateConfig;
import io.anglespark.jobs.evaluate.Gate;
import io.anglespark.jobs.train.TrainJobConfig;
import io.anglespark.prep.SharedData;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** conf/retrain.conf, and each step's configuration as retrain derives it for a version. */
class RetrainConfigTest {
    private static final String CONF = SharedData.projectRoot().resolve("conf/retrain.conf").toString();

    private static RetrainConfig load(String... overrides) {
        List<String> all = new ArrayList<>(List.of("prepare.data-root=/data", "evaluate.data-root=/data"));
        all.addAll(List.of(overrides));
        return RetrainConfig.from(JobConfigs.load(CONF, all, new Configuration()));
    }

    @Test
    void theBundledConfigIncludesEveryJobsFileAndStatesTheCodesDefaults() {
        RetrainConfig c = load();
        assertEquals("out/registry", c.registry());
        assertEquals("sts", c.name());
        assertTrue(c.export());
        assertFalse(c.embed());
        RetrainConfig minimal = RetrainConfig.from(JobConfigs.load(CONF, List.of(), new Configuration())
                .withoutPath("retrain").withFallback(com.typesafe.config.ConfigFactory.parseString("retrain { registry = r, name = n }")));
        assertEquals(c.export(), minimal.export(), "retrain.export: conf and code");
        assertEquals(c.embed(), minimal.embed(), "retrain.embed: conf and code");
    }

    @Test
    void eachStepWritesIntoTheVersionAndTrainingCarriesTheModelsName() {
        RetrainConfig c = load("retrain.registry=hdfs://nn/models", "retrain.name=faq");
        ModelRegistry.Version v = new ModelRegistry.Version(4, "hdfs://nn/models/faq/v4");
        assertEquals("hdfs://nn/models/faq/v4/prepared", c.prepare(v).output());
        TrainJobConfig t = c.train(v, "hdfs://nn/models/faq/v3/train/model.zip");
        assertEquals("hdfs://nn/models/faq/v4/prepared", t.input());
        assertEquals("hdfs://nn/models/faq/v4/train", t.output());
        assertEquals("faq", t.name());
        assertEquals("hdfs://nn/models/faq/v3/train/model.zip", t.warmStart());
        assertNull(c.train(v, null).warmStart(), "no current version: the configuration's own start");
        assertEquals("minilm-l6-v2", c.initialModel());

        EvaluateConfig e = c.evaluate(v, "hdfs://nn/models/faq/v3/train/model.zip");
        assertEquals(List.of("hdfs://nn/models/faq/v3/train/model.zip", v.model()), e.models().stream().map(EvaluateConfig.ModelRef::label).toList());
        assertEquals(new Gate("hdfs://nn/models/faq/v3/train/model.zip", v.model(), "stsb-test", 0.0, 1.0), e.gate());
        assertNull(c.evaluate(v, null).gate(), "nothing to compare with: no gate");
        assertEquals("hdfs://nn/models/faq/v4/export", c.export(v).output());
        assertEquals(v.model(), c.export(v).model());
    }

    @Test
    void aBadValueOfAnyStepFailsOnLoadNamingItsKey() {
        assertTrue(assertThrows(ConfigException.class, () -> load("retrain.name=a/b")).getMessage().contains("retrain.name"));
        assertTrue(assertThrows(ConfigException.class, () -> load("export.check.min-cosine=5")).getMessage().contains("export.check.min-cosine"));
        assertTrue(assertThrows(ConfigException.class, () -> load("evaluate.gate.primary=nope")).getMessage().contains("evaluate.gate.primary"));
        String embed = assertThrows(ConfigException.class, () -> load("retrain.embed=true")).getMessage();
        assertTrue(embed.contains("embed.input.path"), "re-embedding needs the corpus: " + embed);
        assertTrue(assertThrows(ConfigException.class, () -> load("retrain.regsitry=x")).getMessage().contains("retrain.registry"));
    }
}
