package io.anglespark.jobs.issues;

import io.anglespark.jobs.common.ConfigException;
import io.anglespark.jobs.common.JobConfigs;
import io.anglespark.prep.SharedData;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IssuePairsConfigTest {
    private static final String CONF = SharedData.projectRoot().resolve("conf/issue-pairs.conf").toString();

    private static IssuePairsConfig load(String... overrides) {
        return IssuePairsConfig.from(JobConfigs.load(CONF, List.of(overrides), new Configuration()));
    }

    @Test
    void theBundledConfigLoadsBothInputKinds() {
        IssuePairsConfig c = load();
        assertEquals("webcompat", c.github().get(0).name());
        assertNull(c.github().get(0).comments());
        assertEquals("hadoop", c.trackers().get(0).project());
        assertTrue(c.trackers().get(0).links().endsWith("issue-trackers/hadoop_bugs-combined.csv"));
        assertEquals("Summary", c.trackers().get(0).mapping().titleColumn());
        assertFalse(c.transitive());
        assertEquals(1, c.negatives().ratio());
    }

    @Test
    void typosAndBadValuesNameTheKey() {
        String m = assertThrows(ConfigException.class, () -> load("issue-pairs.pairs.transitiv=true")).getMessage();
        assertTrue(m.contains("did you mean 'issue-pairs.pairs.transitive'"), m);
        m = assertThrows(ConfigException.class, () -> load("issue-pairs.pairs.negative-ratio=-1")).getMessage();
        assertTrue(m.contains("issue-pairs.pairs.negative-ratio") && m.contains("-1"), m);
        m = assertThrows(ConfigException.class, () -> load("issue-pairs.trackers=[{name=t, issues=a.csv, colums={id=x}}]")).getMessage();
        assertTrue(m.contains("'issue-pairs.trackers[0].colums'") && m.contains("'issue-pairs.trackers[0].columns'"), m);
    }

    @Test
    void inputNamesMustBeUniqueIncludingTheDerivedCommentAndLinkInputs() {
        String m = assertThrows(ConfigException.class, () -> load(
                "issue-pairs.github=[{name=x, issues=a.json}]", "issue-pairs.trackers=[{name=x-comments, issues=b.csv}]")).getMessage();
        assertTrue(m.contains("'x-comments' appears twice"), m);
        m = assertThrows(ConfigException.class, () -> load("issue-pairs.github=[]", "issue-pairs.trackers=[]")).getMessage();
        assertTrue(m.contains("list no input"), m);
    }
}
