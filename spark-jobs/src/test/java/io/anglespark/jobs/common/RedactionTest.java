package io.anglespark.jobs.common;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RedactionTest {

    @Test
    void credentialKeysAreRedactedAtAnyDepthAndOtherKeysKept() throws Exception {
        JsonNode tree = new ObjectMapper().readTree("""
                {"spark.hadoop.fs.s3a.access.key":"AKIA123","spark.hadoop.fs.s3a.secret.key":"s3cr3t",
                 "spark.authenticate.secret":"hush","nested":{"db_password":"pw","api_token":"t0k","max-chars":5},
                 "spark.master":"local[2]"}""");
        String out = Redaction.redact(tree).toString();
        for (String secret : new String[]{"AKIA123", "s3cr3t", "hush", "\"pw\"", "t0k"}) {
            assertFalse(out.contains(secret), secret + " leaked: " + out);
        }
        assertEquals("local[2]", tree.get("spark.master").asText());
        assertEquals(5, tree.get("nested").get("max-chars").asInt());
    }

    @Test
    void userInfoInUrisIsRemoved() {
        assertEquals("s3a://<redacted>@bucket/data", Redaction.redactUri("s3a://AKIA:secret@bucket/data"));
        assertEquals("hdfs://nn:8020/data", Redaction.redactUri("hdfs://nn:8020/data"));
    }

    @Test
    void ordinaryKeysAreNotMistakenForSecrets() {
        assertFalse(Redaction.isSecretKey("prepare.cleaning.max-chars"));
        assertFalse(Redaction.isSecretKey("spark.executor.memory"));
        assertTrue(Redaction.isSecretKey("fs.s3a.session.token"));
    }
}
