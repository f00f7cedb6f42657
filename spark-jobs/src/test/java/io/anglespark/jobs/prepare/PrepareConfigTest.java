package io.anglespark.jobs.prepare;

import com.typesafe.config.Config;
import io.anglespark.jobs.common.ConfigException;
import io.anglespark.jobs.common.JobConfigs;
import io.anglespark.prep.SharedData;
import io.anglespark.prep.clean.CleaningRules;
import io.anglespark.prep.pair.DuplicateResolver;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrepareConfigTest {
    private static final String CONF = SharedData.projectRoot().resolve("conf/prepare.conf").toString();

    private static PrepareConfig load(String... overrides) {
        List<String> o = new ArrayList<>(List.of(overrides));
        Config c = JobConfigs.load(CONF, o, new Configuration());
        return PrepareConfig.from(c);
    }

    private static String failure(String... overrides) {
        return assertThrows(ConfigException.class, () -> load(overrides)).getMessage();
    }

    @Test
    void theBundledConfigLoadsWithItsDocumentedDefaults() {
        PrepareConfig c = load();
        assertEquals(10, c.inputs().size());
        assertEquals(10_000, c.cleaning().maxChars());
        assertEquals(CleaningRules.OverMaxPolicy.REJECT, c.cleaning().overMax());
        assertEquals(DuplicateResolver.ConflictPolicy.MEAN, c.conflictPolicy());
        assertTrue(c.removeOverlapFromTrain());
        assertNull(c.neutralLabel());
        assertTrue(c.inputs().get(0).path().endsWith("stsbenchmark/sts-train.csv"), c.inputs().get(0).path());
    }

    @Test
    void overridesReplaceValuesAndTakeHadoopUrisUnquoted() {
        PrepareConfig c = load("prepare.cleaning.max-chars=500", "prepare.output=hdfs://nn:8020/x/y",
                "prepare.dedup.conflict-policy=reject-both", "prepare.nli.neutral-label=0.5");
        assertEquals(500, c.cleaning().maxChars());
        assertEquals("hdfs://nn:8020/x/y", c.output());
        assertEquals(DuplicateResolver.ConflictPolicy.REJECT_BOTH, c.conflictPolicy());
        assertEquals(0.5, c.neutralLabel());
    }

    @Test
    void aTypoInAKeyFailsNamingTheNearestValidKey() {
        String m = failure("prepare.cleaning.max-char=500");
        assertTrue(m.contains("'prepare.cleaning.max-char'") && m.contains("did you mean 'prepare.cleaning.max-chars'"), m);
        m = failure("prepare.dedupe.conflict-policy=mean");
        assertTrue(m.contains("did you mean 'prepare.dedup'"), m);
    }

    @Test
    void aTypoInsideAnInputFailsNamingTheInputAndTheKey() {
        String m = failure("prepare.inputs=[{name=x, formt=stsb, path=a.csv}]");
        assertTrue(m.contains("prepare.inputs[0]"), m);
        m = failure("prepare.inputs=[{name=x, format=stsb, path=a.csv, splitt=dev}]");
        assertTrue(m.contains("'prepare.inputs[0].splitt'") && m.contains("'prepare.inputs[0].split'"), m);
    }

    @Test
    void badValuesFailNamingTheKeyAndTheValue() {
        String m = failure("prepare.cleaning.max-chars=0");
        assertTrue(m.contains("prepare.cleaning.max-chars") && m.contains("0"), m);
        m = failure("prepare.cleaning.over-max=trim");
        assertTrue(m.contains("prepare.cleaning.over-max") && m.contains("'trim'") && m.contains("reject"), m);
        m = failure("prepare.split.dev-fraction=0.6", "prepare.split.test-fraction=0.5");
        assertTrue(m.contains("dev-fraction + test-fraction must be < 1"), m);
        m = failure("prepare.inputs=[{name=x, format=xml, path=a.xml}]");
        assertTrue(m.contains("prepare.inputs[0].format") && m.contains("'xml'") && m.contains("stsb"), m);
        m = failure("prepare.inputs=[{name=x, format=stsb, path=a.csv, split=validation}]");
        assertTrue(m.contains("prepare.inputs[0].split") && m.contains("validation"), m);
        m = failure("prepare.cleaning.repair-mojibake=maybe");
        assertTrue(m.contains("prepare.cleaning.repair-mojibake") && m.contains("true or false"), m);
    }

    @Test
    void duplicateInputNamesAndEmptyInputListsAreRefused() {
        assertTrue(failure("prepare.inputs=[{name=x, format=stsb, path=a}, {name=x, format=sick, path=b}]").contains("'x' appears twice"));
        assertTrue(failure("prepare.inputs=[]").contains("at least one input"));
    }

    @Test
    void normalisingUserScoresNeedsTheirRange() {
        String m = failure("prepare.scores.normalize=true",
                "prepare.inputs=[{name=u, format=csv, path=u.csv, columns={text1=a, text2=b, label=s}}]");
        assertTrue(m.contains("label-range") && m.contains("'u'"), m);
        PrepareConfig ok = load("prepare.scores.normalize=true",
                "prepare.inputs=[{name=u, format=csv, path=u.csv, label-range=[1, 7], columns={text1=a, text2=b, label=s}}]");
        assertEquals(7.0, ok.inputs().get(0).fields().mapping().labelRange().max());
    }

    @Test
    void relativeInputPathsAreUnderTheDataRootAndUrisAreKept() {
        PrepareConfig c = load("prepare.data-root=/data/root",
                "prepare.inputs=[{name=a, format=stsb, path=x/a.csv}, {name=b, format=stsb, path=\"s3a://bucket/b.csv\"}, {name=c, format=stsb, path=/abs/c.csv}]");
        assertEquals("/data/root/x/a.csv", c.inputs().get(0).path());
        assertEquals("s3a://bucket/b.csv", c.inputs().get(1).path());
        assertEquals("/abs/c.csv", c.inputs().get(2).path());
    }

    @Test
    void aMissingConfigFileIsNamed() {
        String m = assertThrows(ConfigException.class, () -> JobConfigs.load("/no/such/prepare.conf", List.of(), new Configuration())).getMessage();
        assertTrue(m.contains("/no/such/prepare.conf"), m);
    }
}
