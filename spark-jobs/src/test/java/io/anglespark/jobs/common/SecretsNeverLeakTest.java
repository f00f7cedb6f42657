package io.anglespark.jobs.common;

import io.anglespark.jobs.prepare.PrepareJob;
import io.anglespark.prep.SharedData;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The credentials of the issue, set on a session the way spark-submit's --conf sets them, never reach {@code _run.json}
 * nor an error message: not when given to the job by mistake (picocli's rejection), not through --set.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecretsNeverLeakTest {
    /** Each key of the issue with a value that must not appear anywhere; the last is secret only by the user's spark.redaction.regex. */
    private static final Map<String, String> SECRETS = new LinkedHashMap<>();

    static {
        SECRETS.put("spark.hadoop.fs.azure.account.key.myacct.blob.core.windows.net", "AZUREKEY0000");
        SECRETS.put("spark.hadoop.fs.s3a.encryption.key", "SSEKEY1111");
        SECRETS.put("spark.hadoop.fs.s3a.secret.key", "S3SECRET2222");
        SECRETS.put("spark.authenticate.secret", "AUTHSECRET3333");
        SECRETS.put("spark.hadoop.fs.s3a.access.key", "AKIAACCESS4444");
        SECRETS.put("spark.angle.vault-role", "VAULTROLE5555");
    }

    private static final String USER_REGEX = "(?i)secret|password|token|access[.]key|vault-role";
    private SparkSession spark;

    @BeforeAll
    void start() {
        SparkSession.Builder b = SparkSession.builder().master("local[1]").appName("secrets").config("spark.driver.host", "127.0.0.1")
                .config("spark.ui.enabled", "false").config("spark.redaction.regex", USER_REGEX);
        SECRETS.forEach(b::config);
        spark = b.getOrCreate();
    }

    @AfterAll
    void stop() {
        spark.stop();
    }

    private static void assertNoSecretIn(String text) {
        SECRETS.forEach((key, value) -> assertFalse(text.contains(value), key + " leaked:\n" + text));
    }

    record SomeConfig(String output, String apiToken) {
    }

    @Test
    void noKeyOfTheIssueReachesRunJson() throws Exception {
        String json = new RunManifest("test", spark, new SomeConfig("s3a://AKIDINURI:SECRETINURI@bucket/out", "TOKEN6666")).render();
        assertNoSecretIn(json);
        assertFalse(json.contains("TOKEN6666") || json.contains("SECRETINURI"), json);
        var conf = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).get("spark_conf");
        SECRETS.keySet().forEach(k -> assertEquals(Redaction.REDACTED, conf.get(k).asText(), k));
        assertEquals("local[1]", conf.get("spark.master").asText(), "other properties are kept");
    }

    /** Runs the prepare job's command line as main would; returns the exit code and everything it printed. */
    private static String[] cli(String... args) {
        StringWriter out = new StringWriter();
        int exit = JobMain.commandLine("prepare", new PrepareJob()).setErr(new PrintWriter(out, true)).setOut(new PrintWriter(out, true)).execute(args);
        return new String[]{String.valueOf(exit), out.toString()};
    }

    @Test
    void aSparkSubmitOptionGivenToTheJobIsNamedWithoutItsValue() {
        for (List<String> args : List.of(List.of("--conf", "spark.hadoop.fs.s3a.secret.key=S3SECRET2222"),
                List.of("--conf=spark.hadoop.fs.azure.account.key.myacct.blob.core.windows.net=AZUREKEY0000"),
                List.of("--set", "prepare.overwrite=true", "--conf", "spark.authenticate.secret=AUTHSECRET3333", "--overwrite"))) {
            String[] r = cli(args.toArray(String[]::new));
            assertEquals("2", r[0], r[1]);
            assertTrue(r[1].startsWith("prepare: unknown option '--conf' (spark-submit options go before the job's options"), r[1]);
            assertNoSecretIn(r[1]);
        }
        String[] r = cli("AKIAACCESS4444");
        assertEquals("2", r[0], r[1]);
        assertTrue(r[1].contains("unexpected argument at position 1"), r[1]);
        assertNoSecretIn(r[1]);
    }

    @Test
    void aCredentialGivenToSetIsRefusedWithoutItsValue() {
        String conf = SharedData.projectRoot().resolve("conf/prepare.conf").toString();
        for (Map.Entry<String, String> e : SECRETS.entrySet()) {
            String[] r = cli("--config", conf, "--set", e.getKey() + "=" + e.getValue());
            assertEquals("2", r[0], r[1]);
            assertTrue(r[1].contains("--conf " + e.getKey() + "=VALUE"), r[1]);
            assertNoSecretIn(r[1]);
        }
    }

    @Test
    void aKeySecretOnlyByTheUsersRedactionRegexIsHiddenInConfigMessages() {
        withUserRedactionRegex(() -> {
            String[] r = cli("--config", SharedData.projectRoot().resolve("conf/prepare.conf").toString(), "--set", "prepare.vault-role={VAULTROLE5555");
            assertEquals("2", r[0], r[1]);
            assertTrue(r[1].contains("prepare.vault-role=" + Redaction.REDACTED), r[1]);
            assertNoSecretIn(r[1]);
            var reader = ConfigReader.of(com.typesafe.config.ConfigFactory.parseString("t { vault-role = [VAULTROLE5555] }"), "t");
            String m = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, () -> reader.string("vault-role", "x")).getMessage();
            assertTrue(m.contains("'t.vault-role'") && m.contains(Redaction.REDACTED), m);
            assertNoSecretIn(m);
        });
    }

    /** Before a session exists the rules come from system properties, where spark-submit puts --conf spark.redaction.regex=... */
    private static void withUserRedactionRegex(Runnable body) {
        String key = "spark.redaction.regex";
        String before = System.getProperty(key);
        System.setProperty(key, USER_REGEX);
        try {
            body.run();
        } finally {
            if (before == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, before);
            }
        }
    }

    @Test
    void aUserErrorNamingAPathWithCredentialsPrintsItWithout() {
        String m = JobMain.userError(new HadoopFs.InputException("input 'x': path s3a://AKIAACCESS4444:S3SECRET2222@bucket/x does not exist"));
        assertEquals("input 'x': path s3a://<redacted>@bucket/x does not exist", m);
    }
}
