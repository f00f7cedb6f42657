package io.anglespark.jobs.common;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CommonConfigurationKeysPublic;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RedactionTest {
    /** Spark's and Hadoop's defaults: no spark.* system property, Hadoop's core-default.xml. */
    private static Redaction defaults() {
        return Redaction.of(new SparkConf(false), new Configuration());
    }

    @Test
    void theKeysOfTheIssueAreSecretByHadoopsSparksOrOurRules() {
        Redaction r = defaults();
        for (String key : List.of("fs.azure.account.key.myacct.blob.core.windows.net", "fs.s3a.encryption.key", "fs.s3a.secret.key",
                "spark.authenticate.secret", "spark.hadoop.fs.s3a.access.key", "spark.hadoop.fs.s3a.encryption.key",
                "spark.hadoop.fs.azure.account.key.myacct.blob.core.windows.net", "fs.s3a.bucket.data.secret.key", "fs.s3a.session.token")) {
            assertTrue(r.isSecretKey(key), key);
        }
    }

    @Test
    void ordinaryKeysAreNotMistakenForSecrets() {
        Redaction r = defaults();
        for (String key : List.of("prepare.cleaning.max-chars", "spark.executor.memory", "fs.s3a.endpoint", "spark.hadoop.fs.s3a.endpoint",
                "spark.hadoop.fs.s3a.path.style.access", "embed.input.path", "tokenizer-of", "tokenizerOf", "train.random.tokenizer-of")) {
            assertFalse(r.isSecretKey(key), key);
        }
        // a tokenizer is no token, but a token is one however it is spelt
        for (String key : List.of("token", "accessToken", "github.token", "auth-token", "fs.s3a.session.token", "tokens")) {
            assertTrue(r.isSecretKey(key), key);
        }
    }

    @Test
    void aPatternAddedToSparksRedactionRegexMakesItsKeysSecret() {
        String key = "spark.angle.vault-role";
        assertFalse(defaults().isSecretKey(key), "no default rule knows this key");
        SparkConf spark = new SparkConf(false).set("spark.redaction.regex", "(?i)secret|password|token|access[.]key|vault-role");
        assertTrue(Redaction.of(spark, new Configuration()).isSecretKey(key));
    }

    @Test
    void aPatternAddedToHadoopsSensitiveKeysMakesItsKeysSecret() {
        String key = "my.corp.pin";
        assertFalse(defaults().isSecretKey(key), "no default rule knows this key");
        Configuration hadoop = new Configuration();
        hadoop.set(CommonConfigurationKeysPublic.HADOOP_SECURITY_SENSITIVE_CONFIG_KEYS,
                CommonConfigurationKeysPublic.HADOOP_SECURITY_SENSITIVE_CONFIG_KEYS_DEFAULT + ",pin$");
        Redaction r = Redaction.of(new SparkConf(false), hadoop);
        assertTrue(r.isSecretKey(key));
        assertTrue(r.isSecretKey("spark.hadoop." + key), "as Spark hands it to Hadoop");
    }

    @Test
    void aSparkPropertyIsRedactedWhenItsValueMatchesSparksRegexAsSparksUiDoes() {
        Redaction r = defaults();
        assertEquals(Redaction.REDACTED, r.sparkProperty("spark.executorEnv.DB_URL", "jdbc:x://db?password=hunter2"));
        assertEquals("4g", r.sparkProperty("spark.executor.memory", "4g"));
        assertEquals(Redaction.REDACTED, r.value("fs.s3a.secret.key", "s3cr3t"));
        assertEquals("/data/in", r.value("prepare.output", "/data/in"));
    }

    @Test
    void sparksStringRegexRedactsMatchesInAnyText() {
        SparkConf spark = new SparkConf(false).set("spark.redaction.string.regex", "sk-[a-z0-9]+");
        Redaction r = Redaction.of(spark, new Configuration());
        assertEquals("calls the API with <redacted> now", r.text("calls the API with sk-abc123 now"));
        assertEquals("sk-abc123", defaults().text("sk-abc123"), "unset by default");
    }

    @Test
    void userInfoInUrisIsRemoved() {
        assertEquals("s3a://<redacted>@bucket/data", defaults().text("s3a://AKIA:secret@bucket/data"));
        assertEquals("hdfs://nn:8020/data", defaults().text("hdfs://nn:8020/data"));
    }

    @Test
    void credentialKeysAreRedactedAtAnyDepthAndOtherKeysKept() throws Exception {
        JsonNode tree = new ObjectMapper().readTree("""
                {"spark.hadoop.fs.s3a.access.key":"AKIA123","spark.hadoop.fs.s3a.secret.key":"s3cr3t",
                 "spark.authenticate.secret":"hush","nested":{"db_password":"pw","api_token":"t0k","max-chars":5,
                 "fs.azure.account.key.acct.blob.core.windows.net":"azkey","fs.s3a.encryption.key":"ssekey"},
                 "spark.master":"local[2]"}""");
        String out = defaults().redact(tree).toString();
        for (String secret : new String[]{"AKIA123", "s3cr3t", "hush", "\"pw\"", "t0k", "azkey", "ssekey"}) {
            assertFalse(out.contains(secret), secret + " leaked: " + out);
        }
        assertEquals("local[2]", tree.get("spark.master").asText());
        assertEquals(5, tree.get("nested").get("max-chars").asInt());
    }
}
