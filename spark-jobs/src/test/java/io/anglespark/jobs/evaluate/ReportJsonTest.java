package io.anglespark.jobs.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** report.json from the hand-built run of {@link ReportMarkdownTest}: valid JSON, undefined metrics as null plus a reason. */
class ReportJsonTest {

    @Test
    void undefinedMetricsAreNullWithTheReasonBesideThemAndTheTextParsesAsStrictJson() throws Exception {
        String text = ReportJson.JSON.writeValueAsString(ReportJson.render(ReportMarkdownTest.report()));
        assertFalse(text.contains("NaN"), text);
        JsonNode root = new ObjectMapper().readTree(text); // strict parser: no NaN tokens allowed
        JsonNode flat = root.get("results").get(2);
        assertEquals("m2", flat.get("model").asText());
        JsonNode cos = flat.get("metrics").get("cosine");
        assertTrue(cos.get("spearman").isNull());
        assertEquals("predicted scores are constant (1.0 for all 3 pairs)", cos.get("spearman_undefined").asText());
        assertFalse(cos.has("auc"), "not a binary set");
        JsonNode dups = root.get("results").get(1).get("metrics").get("cosine");
        assertEquals(1.0, dups.get("auc").asDouble(), 1e-12);
        JsonNode set = root.get("sets").get(0);
        assertEquals(4, set.get("rows_read").asLong());
        assertEquals(3, set.get("pairs").asLong());
        assertEquals(1, set.get("rejected").get("by_reason").get("wrong_field_count").asLong());
    }
}
