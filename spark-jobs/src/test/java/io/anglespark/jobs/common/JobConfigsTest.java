package io.anglespark.jobs.common;

import io.anglespark.prep.SharedData;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --set} keys: only the job's own, and a value is never echoed when its key is a secret. */
class JobConfigsTest {
    private static final String PREPARE_CONF = SharedData.projectRoot().resolve("conf/prepare.conf").toString();

    private static String setFailure(String... sets) {
        JobCli cli = new JobCli();
        cli.overrides.addAll(List.of(sets));
        return assertThrows(ConfigException.class, () -> cli.overrides("prepare")).getMessage();
    }

    @Test
    void aSetKeyOutsideTheJobsRootFailsNamingItAndTheNearestValidKey() {
        String m = setFailure("prepar.overwrite=true");
        assertTrue(m.contains("'prepar.overwrite' is outside this job's configuration (keys under 'prepare.')")
                && m.endsWith("did you mean 'prepare.overwrite'?"), m);
        m = setFailure("prepare.cleaning.max-chars=5", "cleaning.max-chars=5");
        assertTrue(m.contains("'cleaning.max-chars'") && m.endsWith("did you mean 'prepare.cleaning.max-chars'?"), m);
    }

    @Test
    void aSparkOrHadoopSettingGivenToSetIsPointedToConfWithoutItsValue() {
        String m = setFailure("spark.hadoop.fs.s3a.access.key=AKIAEXAMPLE");
        assertTrue(m.contains("'spark.hadoop.fs.s3a.access.key' is a Spark setting") && m.contains("--conf spark.hadoop.fs.s3a.access.key=VALUE")
                && m.contains("properties file"), m);
        assertFalse(m.contains("AKIAEXAMPLE"), m);
        m = setFailure("fs.s3a.secret.key=SECRETEXAMPLE");
        assertTrue(m.contains("is a Hadoop setting") && m.contains("--conf spark.hadoop.fs.s3a.secret.key=VALUE"), m);
        assertFalse(m.contains("SECRETEXAMPLE"), m);
    }

    @Test
    void setKeysUnderTheJobsRootsAndOutputOptionsPass() {
        JobCli cli = new JobCli();
        cli.overrides.addAll(List.of("prepare.cleaning.max-chars=5", "prepare=" + "{overwrite = true}"));
        cli.output = "/tmp/x";
        assertEquals(List.of("prepare.cleaning.max-chars=5", "prepare={overwrite = true}", "prepare.output=/tmp/x"), cli.overrides("prepare"));
        cli.overrides.add("bench-prepare.rows=10");
        assertEquals(3, cli.sets("bench-prepare", "prepare").size());
    }

    @Test
    void anUnparsableValueIsShownUnlessItsKeyIsSecret() {
        String m = assertThrows(ConfigException.class,
                () -> JobConfigs.load(PREPARE_CONF, List.of("prepare.db-password={SECRETVALUE"), new Configuration())).getMessage();
        assertTrue(m.contains("prepare.db-password=" + Redaction.REDACTED), m);
        assertFalse(m.contains("SECRETVALUE"), m);
        m = assertThrows(ConfigException.class,
                () -> JobConfigs.load(PREPARE_CONF, List.of("prepare.cleaning={max-chars"), new Configuration())).getMessage();
        assertTrue(m.contains("prepare.cleaning={max-chars"), m);
    }

    @Test
    void aSetWithoutEqualsSignIsNotEchoedWhenItNamesASecret() {
        String m = setFailure("fs.s3a.secret.key:SECRETVALUE");
        assertTrue(m.contains("KEY=VALUE") && !m.contains("SECRETVALUE"), m);
        assertTrue(setFailure("prepare.overwrite").contains("'prepare.overwrite'"));
    }

    @Test
    void withoutAConfigEveryJobReadsTheDefaultsBundledInTheJarWhichEqualConf() throws Exception {
        try (var files = java.nio.file.Files.list(SharedData.projectRoot().resolve("conf"))) {
            List<java.nio.file.Path> confs = files.filter(f -> f.toString().endsWith(".conf")).sorted().toList();
            assertTrue(confs.size() >= 8, confs.toString());
            for (java.nio.file.Path conf : confs) {
                String job = conf.getFileName().toString().replace(".conf", "");
                JobCli cli = new JobCli();
                assertEquals("classpath:angle/conf/" + job + ".conf", cli.configFile(job));
                com.typesafe.config.Config bundled = JobConfigs.load(cli.configFile(job), List.of(), new Configuration());
                com.typesafe.config.Config onDisk = JobConfigs.load(conf.toString(), List.of(), new Configuration());
                assertEquals(onDisk.root(), bundled.root(), job + ": the jar's copy is conf/" + job + ".conf (includes resolved)");
            }
        }
        ConfigException missing = assertThrows(ConfigException.class, () -> JobConfigs.load("classpath:angle/conf/nope.conf", List.of(), new Configuration()));
        assertTrue(missing.getMessage().contains("classpath:angle/conf/nope.conf"), missing.getMessage());
    }
}
