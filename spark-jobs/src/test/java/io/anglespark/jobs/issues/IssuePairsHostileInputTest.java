package io.anglespark.jobs.issues;

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

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GitHub API objects and tracker exports a careless dump or a hostile user gives: a malformed JSON line,
 * a blank line, an issue without a title or without a body key, a pull request, comments of absent
 * issues, a 1 MB body, a links file with missing ids, a self-link, a cycle, an unterminated quote. The
 * job finishes, every bad record is quarantined with its reason, and every row is accounted for.
 * The GitHub fixtures (API schema) are data-prep's, under io/anglespark/prep/issues.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IssuePairsHostileInputTest {
    private SparkSession spark;
    private Path dir;
    private IssuePairsReport report;
    private Dataset<Row> pairs;
    private Dataset<Row> quarantine;

    @BeforeAll
    void run() throws Exception {
        spark = TestSpark.start("issue-pairs-hostile", false);
        dir = Files.createTempDirectory("issue-pairs-hostile");
        Path issues = copy("github-issues.jsonl");
        Path comments = copy("github-comments.jsonl");
        Path links = copy("links-hostile.csv");
        StringBuilder csv = new StringBuilder("Summary,Issue id,Status,Priority,Resolution,Created,Resolved,Affects Version/s,Description\n");
        for (int id : new int[]{101, 102, 103, 105, 106, 107, 109, 110, 111, 112, 113, 114}) {
            csv.append("\"Report ").append(id).append(", with a comma\",").append(id)
                    .append(",Open,Major,,,,,\"Line one of ").append(id).append("\nline \"\"two\"\"\"\n");
        }
        csv.append("Huge,120,Open,Major,,,,,\"").append("y".repeat(1 << 20)).append("\"\n");
        csv.append("Broken,121,Open,Major,,,,,\"starts here\nand never ends\n");
        Path tracker = Files.writeString(dir.resolve("tracker.csv"), csv);
        String c = "issue-pairs.github=[{name=gh, issues=\"" + issues + "\", comments=\"" + comments + "\"}]";
        String t = "issue-pairs.trackers=[{name=jira, project=demo, issues=\"" + tracker + "\", links=\"" + links + "\"}]";
        IssuePairsConfig cfg = IssuePairsConfig.from(JobConfigs.load(SharedData.projectRoot().resolve("conf/issue-pairs.conf").toString(),
                List.of(c, t, "issue-pairs.output=" + dir.resolve("out"), "issue-pairs.pairs.transitive=true"), new Configuration()));
        report = IssuePairsJob.run(spark, cfg);
        pairs = spark.read().parquet(dir.resolve("out/pairs").toString()).cache();
        quarantine = spark.read().parquet(dir.resolve("out/quarantine").toString()).cache();
    }

    private Path copy(String fixture) throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/io/anglespark/prep/issues/" + fixture)) {
            Path p = dir.resolve(fixture);
            Files.copy(in, p);
            return p;
        }
    }

    @AfterAll
    void stop() {
        spark.stop();
    }

    @Test
    void everyRowEndsInOneBucket() {
        Ledger l = report.ledger();
        for (String in : l.inputs()) {
            assertEquals(l.read(in), l.settled(in), in + " " + l.fates(in));
        }
        assertEquals(quarantine.count(), report.quarantined());
    }

    @Test
    void githubIssuesTheirPullRequestAndTheirBadLinesAreSorted() {
        Ledger l = report.ledger();
        assertEquals(14, l.read("gh"));
        assertEquals(Map.of("written", 9L, "dropped:pull_request", 1L, "quarantined:invalid_json", 1L,
                "quarantined:blank_line", 1L, "quarantined:missing_field", 2L), l.fates("gh"));
        assertEquals(6, l.read("gh-comments"));
        assertEquals(Map.of("written", 3L, "dropped:comment_orphan", 2L, "quarantined:missing_field", 1L), l.fates("gh-comments"));
    }

    @Test
    void textSignalsInBodiesAndCommentsBecomePairsAndFlagsAloneDoNot() {
        Set<String> duplicates = new HashSet<>();
        pairs.filter(col("label").equalTo(1.0)).select("pair_id").collectAsList().forEach(r -> duplicates.add(r.getString(0)));
        // 15 says "Duplicate of #12", 17 links issue 12 by URL, comment 5001 on 20 says "Duplicate of #12".
        assertTrue(duplicates.containsAll(List.of("acme/widgets:12~15", "acme/widgets:12~17", "acme/widgets:12~20")), duplicates.toString());
        // "Duplicate of #3" inside a code fence on issue 18 is no link.
        assertTrue(duplicates.stream().noneMatch(d -> d.startsWith("acme/widgets:") && d.contains("18")), duplicates.toString());
        // Issue 23 carries a duplicate milestone, issue 24 a marked_as_duplicate event; neither names a target.
        assertEquals(Map.of("milestone:Duplicate", 1L, "event:marked_as_duplicate", 1L), report.flaggedWithoutTarget());
        assertEquals(2L, report.flaggedIssuesWithoutTarget());
        assertTrue(report.links().getOrDefault("body:target_absent", 0L) >= 1, "other/repo#5 is not in the corpus: " + report.links());
    }

    @Test
    void trackerLinksSurviveMissingIdsSelfLinksAndCycles() {
        Ledger l = report.ledger();
        assertEquals(1L, l.count("jira-links", "dropped:link_target_absent"), "103 -> 999: " + l.fates("jira-links"));
        assertTrue(l.count("jira-links", "quarantined:self_link") >= 1, l.fates("jira-links").toString());
        assertTrue(l.count("jira-links", "quarantined:missing_field") >= 2, l.fates("jira-links").toString());
        assertTrue(report.clusterSizes().keySet().stream().anyMatch(size -> Integer.parseInt(size) >= 3),
                "110 -> 111 -> 112 -> 110 is one cluster: " + report.clusterSizes());
        for (String p : List.of("demo:110~111", "demo:111~112", "demo:110~112", "demo:101~102", "demo:106~107")) {
            assertEquals(1, pairs.filter(col("pair_id").equalTo(p).and(col("label").equalTo(1.0))).count(), p);
        }
    }

    @Test
    void theTextPolicyQuarantinesInvalidUtf8AndUnpairedSurrogatesAndALoneCrSplitsNoRecord() throws Exception {
        Path in = Files.createDirectories(dir.resolve("policy"));
        java.io.ByteArrayOutputStream csv = new java.io.ByteArrayOutputStream();
        csv.writeBytes("Summary,Issue id,Status,Priority,Resolution,Created,Resolved,Affects Version/s,Description\n".getBytes(UTF_8));
        csv.writeBytes("Fine,201,Open,Major,,,,,\"A fine report.\"\n".getBytes(UTF_8));                           // line 2
        csv.writeBytes("Bad bytes,202,Open,Major,,,,,\"Broken ".getBytes(UTF_8));
        csv.writeBytes(new byte[]{(byte) 0xC3, '(', '"', '\n'});                                                     // line 3
        csv.writeBytes("A lone\rCR,203,Open,Major,,,,,Unquoted\rtoo\r\n".getBytes(UTF_8));                            // line 4
        csv.writeBytes("Last,204,Open,Major,,,,,\"The last report.\"\n".getBytes(UTF_8));                           // line 5
        Path tracker = Files.write(in.resolve("tracker.csv"), csv.toByteArray());
        java.io.ByteArrayOutputStream gh = new java.io.ByteArrayOutputStream();
        String repo = "\"repository_url\":\"https://api.github.com/repos/acme/gadgets\"";
        gh.writeBytes(("{" + repo + ",\"number\":1,\"title\":\"One\",\"body\":\"Fine.\"}\n").getBytes(UTF_8));
        gh.writeBytes(("{" + repo + ",\"number\":2,\"title\":\"Two\",\"body\":\"Half \\ud800 a pair.\"}\n").getBytes(UTF_8));
        gh.writeBytes(("{" + repo + ",\"number\":3,\"title\":\"Three\",\"body\":\"Bad ").getBytes(UTF_8));
        gh.writeBytes(new byte[]{(byte) 0xFF, '"', '}', '\n'});
        gh.writeBytes(("{" + repo + ",\"number\":4,\"title\":\"Four\",\"body\":\"NUL\\u0000between.\"}\n").getBytes(UTF_8));
        Path issues = Files.write(in.resolve("issues.jsonl"), gh.toByteArray());
        IssuePairsConfig cfg = IssuePairsConfig.from(JobConfigs.load(SharedData.projectRoot().resolve("conf/issue-pairs.conf").toString(),
                List.of("issue-pairs.github=[{name=gh, issues=\"" + issues + "\"}]",
                        "issue-pairs.trackers=[{name=jira, project=demo, issues=\"" + tracker + "\", links=null}]",
                        "issue-pairs.output=" + in.resolve("out")), new Configuration()));
        IssuePairsReport r = IssuePairsJob.run(spark, cfg);
        Ledger l = r.ledger();
        assertEquals(4, l.read("jira"), "four records: the lone CRs end none");
        assertEquals(Map.of("written", 3L, "quarantined:invalid_utf8", 1L), l.fates("jira"));
        assertEquals(Map.of("written", 2L, "quarantined:invalid_utf8", 1L, "quarantined:unpaired_surrogate", 1L), l.fates("gh"));
        for (String input : l.inputs()) {
            assertEquals(l.read(input), l.settled(input), input);
        }
        Dataset<Row> q = spark.read().parquet(in.resolve("out/quarantine").toString());
        assertEquals(r.quarantined(), q.count());
        Row bad = q.filter(col("input").equalTo("jira")).first();
        assertTrue(bad.<String>getAs("location").endsWith("tracker.csv:3"), bad.toString());
        assertEquals("field 'Description' (9): invalid UTF-8 byte 0xC3 at character 8", bad.getAs("detail"));
        assertTrue(bad.<String>getAs("raw").contains("Broken \uFFFD("), "the preview shows the bad byte as U+FFFD: " + bad.getAs("raw"));
        assertEquals("record: invalid UTF-8 byte 0xFF at character 102",
                q.filter(col("location").endsWith("issues.jsonl:3")).first().getAs("detail"));
        assertEquals("unpaired_surrogate", q.filter(col("location").endsWith("issues.jsonl:2")).first().getAs("reason"));
        Dataset<Row> docs = spark.read().parquet(in.resolve("out/issues").toString());
        assertEquals("A lone CR Unquoted too", docs.filter(col("id").equalTo("203")).first().getAs("text"));
        assertEquals("Four NUL between.", docs.filter(col("id").equalTo("4")).first().getAs("text"));
    }

    @Test
    void anInputThatYieldsNoRowsFailsNamingItUnlessWarn() throws Exception {
        Path in = Files.createDirectories(dir.resolve("empty"));
        Path tracker = Files.writeString(in.resolve("header-only.csv"), "Summary,Issue id,Description\n");
        Path issues = dir.resolve("github-issues.jsonl"); // copied by run()
        List<String> o = new java.util.ArrayList<>(List.of("issue-pairs.github=[{name=gh, issues=\"" + issues + "\"}]",
                "issue-pairs.trackers=[{name=jira, project=demo, issues=\"" + tracker + "\", links=null}]",
                "issue-pairs.output=" + in.resolve("out")));
        String conf = SharedData.projectRoot().resolve("conf/issue-pairs.conf").toString();
        io.anglespark.jobs.common.HadoopFs.InputException e = org.junit.jupiter.api.Assertions.assertThrows(
                io.anglespark.jobs.common.HadoopFs.InputException.class,
                () -> IssuePairsJob.run(spark, IssuePairsConfig.from(JobConfigs.load(conf, o, new Configuration()))));
        assertTrue(e.getMessage().contains("input 'jira'") && e.getMessage().contains("header-only.csv")
                && e.getMessage().contains("issue-pairs.empty-input"), e.getMessage());
        assertTrue(!Files.exists(in.resolve("out/_run.json")));
        o.add("issue-pairs.empty-input=warn");
        IssuePairsReport r = IssuePairsJob.run(spark, IssuePairsConfig.from(JobConfigs.load(conf, o, new Configuration())));
        assertEquals(0, r.ledger().read("jira"));
        assertTrue(r.ledger().read("gh") > 0);
    }

    @Test
    void aOneMegabyteBodyAndAnUnterminatedQuoteAreQuarantined() {
        assertEquals(1, quarantine.filter(col("reason").equalTo("too_long").and(col("location").endsWith("tracker.csv:" + 26))).count(),
                quarantine.select("location", "reason").collectAsList().toString());
        assertEquals(1, quarantine.filter(col("reason").equalTo("malformed_record").and(col("input").equalTo("jira"))).count(),
                quarantine.select("input", "location", "reason").collectAsList().toString());
        assertEquals(Map.of("written", 12L, "quarantined:too_long", 1L, "quarantined:malformed_record", 1L), report.ledger().fates("jira"));
        int longest = quarantine.selectExpr("max(length(raw))").first().getInt(0);
        assertTrue(longest <= 1000, "raw kept " + longest);
        // Quoted commas, doubled quotes and newlines inside fields survive.
        Dataset<Row> issues = spark.read().parquet(dir.resolve("out/issues").toString());
        Row r = issues.filter(col("id").equalTo("101")).first();
        assertEquals("Report 101, with a comma", r.getString(2));
        assertTrue(r.getString(4).contains("Line one of 101\nline \"two\""), r.getString(4));
    }
}
