package io.anglespark.jobs.issues;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.anglespark.jobs.TestSpark;
import io.anglespark.jobs.common.JobConfigs;
import io.anglespark.prep.SharedData;
import io.anglespark.prep.account.Ledger;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The issue-pairs job on the real files of {@code ../shared/data} (the webcompat GitHub issues and the
 * Hadoop Jira export with its duplicate links), with the bundled {@code conf/issue-pairs.conf}. Link
 * and cluster figures are SOURCES.md's; the job must reproduce them from the raw files.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IssuePairsJobTest {
    private static final String TITLE_13478269 = "Upgrade Maven Surefire plugin to 3.0.0-M7";
    private static final String TITLE_13478452 = "Don't fail when using -DNoUnitTests";
    private SparkSession spark;
    private Path dir;
    private IssuePairsReport direct;
    private IssuePairsReport transitive;

    @BeforeAll
    void runTwice() throws Exception {
        spark = TestSpark.start("issue-pairs");
        dir = Files.createTempDirectory("issue-pairs");
        direct = IssuePairsJob.run(spark, config("direct", "issue-pairs.pairs.transitive=false"));
        transitive = IssuePairsJob.run(spark, config("transitive", "issue-pairs.pairs.transitive=true"));
    }

    private IssuePairsConfig config(String out, String... more) {
        List<String> o = new java.util.ArrayList<>(List.of("issue-pairs.data-root=" + SharedData.dataRoot(),
                "issue-pairs.output=" + dir.resolve(out)));
        o.addAll(List.of(more));
        return IssuePairsConfig.from(JobConfigs.load(SharedData.projectRoot().resolve("conf/issue-pairs.conf").toString(), o, new Configuration()));
    }

    @AfterAll
    void stop() {
        spark.stop();
    }

    @Test
    void everyRowOfEveryInputIsAccountedFor() {
        Ledger l = direct.ledger();
        assertEquals(100, l.read("webcompat"));
        assertEquals(100, l.count("webcompat", "written"));
        assertEquals(2503, l.read("hadoop"));
        assertEquals(2503, l.count("hadoop", "written"), "every Hadoop report is in the corpus (the longest is 73,213 code points)");
        assertEquals(126, l.read("hadoop-links"));
        assertEquals(126, l.count("hadoop-links", "written"), "every link row joins two reports");
        for (String in : l.inputs()) {
            assertEquals(l.read(in), l.settled(in), in);
        }
        assertEquals(0, direct.quarantined());
    }

    @Test
    void hadoopLinksGiveSourcesFiguresDirectAndTransitive() {
        assertEquals(127L, direct.links().get("links_file:joined"), "127 directed links, one row holding two ids");
        assertEquals(66, direct.undirectedLinks());
        assertEquals(66, direct.duplicatePairs());
        assertEquals(Map.of("2", 60L, "3", 3L), direct.clusterSizes());
        assertEquals(69, transitive.duplicatePairs(), "3 clusters of 3 add one pair each");
        assertEquals(direct.duplicatePairs(), direct.negativePairs(), "negative-ratio 1");
        assertEquals(transitive.duplicatePairs(), transitive.negativePairs());
    }

    @Test
    void githubDuplicateFlagsWithoutTargetAreCountedAndInventNoPair() {
        assertEquals(4L, direct.flaggedWithoutTarget().get("milestone:duplicate"));
        assertEquals(3L, direct.flaggedWithoutTarget().get("event:marked_as_duplicate"));
        Dataset<Row> pairs = spark.read().parquet(dir.resolve("direct/pairs").toString());
        assertEquals(0, pairs.filter(col("source").equalTo("webcompat/web-bugs")).count());
        assertFalse(direct.links().keySet().stream().anyMatch(k -> k.startsWith("body:") || k.startsWith("comment:")),
                "no title or body of the webcompat file mentions a duplicate: " + direct.links());
    }

    @Test
    void noIssueAppearsInTwoSplits() {
        Dataset<Row> pairs = spark.read().parquet(dir.resolve("transitive/pairs").toString());
        Map<String, String> splitOf = new HashMap<>();
        java.util.Set<String> linked = new java.util.HashSet<>();
        for (Row r : pairs.select("pair_id", "split", "label").collectAsList()) {
            String id = r.getString(0);
            String project = id.substring(0, id.indexOf(':'));
            for (String issue : id.substring(id.indexOf(':') + 1).split("~")) {
                String prev = splitOf.put(project + ":" + issue, r.getString(1));
                if (r.getDouble(2) > 0) {
                    linked.add(issue);
                }
                assertTrue(prev == null || prev.equals(r.getString(1)), issue + " is in " + prev + " and " + r.getString(1));
            }
        }
        assertEquals(60 * 2 + 3 * 3, linked.size(), "every issue of the 63 clusters is in a duplicate pair");
        Dataset<Row> issues = spark.read().parquet(dir.resolve("transitive/issues").toString());
        assertEquals(2603, issues.count());
        for (Row r : issues.filter(col("project").equalTo("hadoop")).select("id", "split").collectAsList()) {
            String s = splitOf.get("hadoop:" + r.getString(0));
            assertTrue(s == null || s.equals(r.getString(1)), r.getString(0));
        }
    }

    @Test
    void duplicatePairsAreLinkedIssuesAndNonDuplicatesAreNot() {
        Dataset<Row> pairs = spark.read().parquet(dir.resolve("direct/pairs").toString());
        assertEquals(132, pairs.count());
        // The first row of the links file, 13478269 -> 13478452, is a duplicate pair of those two reports.
        Row known = pairs.filter(col("pair_id").equalTo("hadoop:13478269~13478452")).first();
        assertEquals(1.0, known.getDouble(3));
        assertTrue(known.getString(1).startsWith(TITLE_13478269) && known.getString(2).startsWith(TITLE_13478452), known.toString());
        // A report resolved as Duplicate without a link is counted, not paired.
        assertEquals(0, pairs.filter(col("pair_id").contains("13404344").and(col("label").equalTo(1.0))).count());
        assertTrue(direct.flaggedWithoutTarget().get("resolution:Duplicate") > 0, direct.flaggedWithoutTarget().toString());
        // Two Hadoop reports were filed with the same text, and linked: a valid duplicate pair.
        assertEquals(1, pairs.filter("text1 = text2 and label = 1").count());
        assertEquals(0, pairs.filter("text1 = text2 and label = 0").count(), "a non-duplicate never has identical texts");
    }

    @Test
    void runJsonHasTheLengthDistributionOfThePairs() throws Exception {
        JsonNode run = new ObjectMapper().readTree(Files.readString(dir.resolve("direct/_run.json")));
        JsonNode lengths = run.get("result").get("pair_text_lengths");
        assertEquals(264, lengths.get("count").asLong(), "two texts per pair");
        assertTrue(lengths.get("max").asLong() > 2000 && lengths.get("median").asLong() > 100, lengths.toString());
        assertTrue(lengths.has("p90") && lengths.has("share_over_2000"), lengths.toString());
        assertEquals(2503, run.get("counts").get("hadoop").get("read").asLong());
        for (String in : List.of("webcompat", "hadoop", "hadoop-links")) {
            assertFalse(run.get("counts").get(in).has("quarantined:invalid_utf8"), "the real files are valid UTF-8: " + in);
        }
    }
}
