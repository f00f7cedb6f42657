package io.anglespark.jobs.evaluate;

import io.anglespark.jobs.common.ConfigException;
import io.anglespark.jobs.common.JobConfigs;
import io.anglespark.model.Pooling;
import io.anglespark.model.metrics.Similarity;
import io.anglespark.prep.SharedData;
import io.anglespark.prep.Split;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvaluateConfigTest {

    private static EvaluateConfig load(String... overrides) {
        List<String> all = new ArrayList<>(List.of("evaluate.data-root=/data"));
        all.addAll(List.of(overrides));
        return EvaluateConfig.from(JobConfigs.load(SharedData.projectRoot().resolve("conf/evaluate.conf").toString(), all, new Configuration()));
    }

    private static String failure(String... overrides) {
        return assertThrows(ConfigException.class, () -> load(overrides)).getMessage();
    }

    @Test
    void theBundledConfigScoresBgeSmallOnTheRawEvaluationCorporaOfSharedData() {
        EvaluateConfig c = load();
        assertEquals(List.of("bge-small-en-v1.5"), c.models().stream().map(EvaluateConfig.ModelRef::label).toList());
        assertTrue(c.models().get(0).registered());
        assertEquals(List.of("stsb-test", "sick-trial", "semeval2012-msrpar", "semeval2012-europarl"),
                c.sets().stream().map(EvaluateConfig.SetSpec::name).toList());
        assertEquals("/data/stsbenchmark/sts-test.csv", c.sets().get(0).path());
        assertEquals(EvaluateConfig.Format.SICK, c.sets().get(1).format());
        assertNull(c.encoder().pooling());
        assertEquals(io.anglespark.model.serve.Engine.DL4J, c.encoder().engine());
        assertNull(c.encoder().maxLength(), "each model's own maximum length, as the embed job uses it");
        assertFalse(c.overwrite());
        assertEquals(Similarity.COSINE, c.plots().similarity());
        // As _run.json records it (Jackson over the records): the model's name, not a flag.
        com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(c);
        assertEquals("bge-small-en-v1.5", json.get("models").get(0).get("pretrained").asText());
        assertEquals("stsb-test", json.get("sets").get(0).get("name").asText());
    }

    @Test
    void modelsArePretrainedNamesOrModelPathsOnEitherEngine() {
        EvaluateConfig c = load("evaluate.models=[BGE-small-en-v1.5, \"hdfs://nn/runs/x/model.zip\", model.zip]", "evaluate.encoder.pooling=mean");
        assertEquals("bge-small-en-v1.5", c.models().get(0).pretrained());
        assertEquals("hdfs://nn/runs/x/model.zip", c.models().get(1).path());
        assertFalse(c.models().get(2).registered());
        assertEquals(Pooling.MEAN, c.encoder().pooling());
        assertEquals(io.anglespark.model.serve.Engine.ONNXRUNTIME, load("evaluate.encoder.engine=onnxruntime").encoder().engine());
        String typo = failure("evaluate.models=[bge-smal]");
        assertTrue(typo.contains("evaluate.models") && typo.contains("bge-small-en-v1.5"), typo);
        assertTrue(failure("evaluate.models=[]").contains("at least one model"));
        assertTrue(failure("evaluate.models=[minilm-l6-v2, MINILM-L6-V2]").contains("listed twice"));
        EvaluateConfig int8 = load("evaluate.models=[\"/exports/faq\", \"/exports/faq#int8\"]", "evaluate.encoder.engine=onnxruntime");
        assertEquals(List.of(io.anglespark.model.serve.Precision.FP32, io.anglespark.model.serve.Precision.INT8),
                int8.models().stream().map(EvaluateConfig.ModelRef::precision).toList());
        assertEquals("/exports/faq", int8.models().get(1).path(), "the folder, without the suffix");
        assertEquals("/exports/faq#int8", int8.models().get(1).label());
    }

    @Test
    void parquetSetsTakeSourceAndSplitFiltersAndRawCorporaRefuseThem() {
        EvaluateConfig c = load("evaluate.sets=[{name=p, format=pairs, path=\"/out/pairs\", sources=[stsb, sick], split=TEST}]");
        EvaluateConfig.SetSpec s = c.sets().get(0);
        assertEquals(List.of("stsb", "sick"), s.sources());
        assertEquals(Split.TEST, s.split());
        assertEquals("/out/pairs", s.path());
        String raw = failure("evaluate.sets=[{name=s, format=stsb, path=x.csv, split=test}]");
        assertTrue(raw.contains("evaluate.sets[0].split") && raw.contains("Parquet"), raw);
        assertTrue(failure("evaluate.sets=[{name=p, format=issue-pairs, path=p, split=holdout}]").contains("train, dev or test"));
    }

    @Test
    void badValuesFailNamingTheKeyAndUnknownKeysNameTheNearestOne() {
        String format = failure("evaluate.sets=[{name=s, format=csv, path=x}]");
        assertTrue(format.contains("evaluate.sets[0].format") && format.contains("issue-pairs"), format);
        assertTrue(failure("evaluate.sets=[{name=\"a b\", format=stsb, path=x}]").contains("evaluate.sets[0].name"));
        assertTrue(failure("evaluate.sets=[{name=a, format=stsb, path=x}, {name=a, format=sick, path=y}]").contains("appears twice"));
        assertTrue(failure("evaluate.encoder.max-length=1000").contains("evaluate.encoder.max-length"));
        assertTrue(failure("evaluate.encoder.pooling=sum").contains("evaluate.encoder.pooling"));
        String engine = failure("evaluate.encoder.engine=tensorrt");
        assertTrue(engine.contains("evaluate.encoder.engine") && engine.contains("onnxruntime"), engine);
        assertTrue(failure("evaluate.plots.similarity=jaccard").contains("evaluate.plots.similarity"));
        String unknown = failure("evaluate.encoder.batchsize=8");
        assertTrue(unknown.contains("did you mean 'evaluate.encoder.batch-size'"), unknown);
        String unknownInSet = failure("evaluate.sets=[{name=p, format=pairs, path=p, source=[stsb]}]");
        assertTrue(unknownInSet.contains("did you mean 'evaluate.sets[0].sources'"), unknownInSet);
    }

    @Test
    void theGateIsOffByDefaultAndOnItComparesTheLastModelWithTheFirstOnTheFirstSet() {
        assertNull(load().gate(), "off unless --gate or evaluate.gate.enabled");
        Gate g = load("evaluate.models=[bge-small-en-v1.5, \"/r/v2/model.zip\"]", "evaluate.gate.enabled=true").gate();
        assertEquals(new Gate("bge-small-en-v1.5", "/r/v2/model.zip", "stsb-test", 0.0, 1.0), g, "the defaults conf/evaluate.conf states");
        Gate named = load("evaluate.models=[a/m.zip, b/m.zip, minilm-l6-v2]", "evaluate.gate.enabled=true", "evaluate.gate.baseline=b/m.zip",
                "evaluate.gate.challenger=MINILM-L6-V2", "evaluate.gate.primary=sick-trial", "evaluate.gate.min-gain=-0.25",
                "evaluate.gate.max-loss=2").gate();
        assertEquals(new Gate("b/m.zip", "minilm-l6-v2", "sick-trial", -0.25, 2.0), named);
    }

    @Test
    void aGateThatCannotBeDecidedFailsNamingItsKey() {
        String one = failure("evaluate.gate.enabled=true");
        assertTrue(one.contains("evaluate.gate.enabled") && one.contains("two models"), one);
        String unknown = failure("evaluate.models=[a/m.zip, b/m.zip]", "evaluate.gate.enabled=true", "evaluate.gate.baseline=c/m.zip");
        assertTrue(unknown.contains("evaluate.gate.baseline") && unknown.contains("a/m.zip"), unknown);
        assertTrue(failure("evaluate.models=[a/m.zip, b/m.zip]", "evaluate.gate.enabled=true", "evaluate.gate.challenger=a/m.zip")
                .contains("evaluate.gate.challenger"));
        String set = failure("evaluate.models=[a/m.zip, b/m.zip]", "evaluate.gate.enabled=true", "evaluate.gate.primary=stsb-dev");
        assertTrue(set.contains("evaluate.gate.primary") && set.contains("stsb-test"), set);
        assertTrue(failure("evaluate.gate.max-loss=-1").contains("evaluate.gate.max-loss"));
    }
}
