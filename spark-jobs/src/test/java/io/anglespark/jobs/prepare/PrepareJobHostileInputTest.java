package io.anglespark.jobs.prepare;

import io.anglespark.jobs.TestSpark;
import io.anglespark.jobs.common.HadoopFs;
import io.anglespark.jobs.common.JobConfigs;
import io.anglespark.prep.SharedData;
import io.anglespark.prep.account.Ledger;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Input a hostile or careless user would give: truncated lines, invalid UTF-8, a 10 MB line, binary
 * garbage, wrong column counts, NaN and negative scores, empty files, malformed JSON, a Parquet file
 * with nulls. The job must finish, put each bad row in the quarantine with its reason at its
 * {@code file:line}, write the good rows, and account for every row.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrepareJobHostileInputTest {
    private SparkSession spark;
    private Path dir;
    private PrepareReport report;
    private Map<String, String> reasonByLocation;

    private static final String GOOD = "main-captions\tMSRvid\t2012test\t0001\t%s\tA man is playing a flute.\tA man plays the flute.";

    @BeforeAll
    void runOnHostileFiles() throws Exception {
        // Spark's default Java serialization here; the shared-data test runs with Kryo.
        spark = TestSpark.start("prepare-hostile", false);
        dir = Files.createTempDirectory("prepare-hostile");
        Path in = Files.createDirectories(dir.resolve("in"));

        ByteArrayOutputStream sts = new ByteArrayOutputStream();
        line(sts, String.format(GOOD, "5.000"));                                               // 1 ok
        line(sts, "main-captions\tMSRvid\t2012test\t0002\t3.2\tA truncated line");              // 2 wrong_field_count
        sts.write(String.format(GOOD, "1.0").replace("flute.\tA", "fl").getBytes(StandardCharsets.UTF_8));
        sts.write(new byte[]{(byte) 0xC3, 0x28, '\n'});                                         // 3 invalid_utf8
        line(sts, "main-captions\tMSRvid\t2012test\t0004\t2.0\t" + "x".repeat(10 * 1024 * 1024) + "\tshort"); // 4 too_long
        byte[] garbage = new byte[4096];
        new Random(7).nextBytes(garbage);
        for (int i = 0; i < garbage.length; i++) {
            if (garbage[i] == '\n' || garbage[i] == '\r') {
                garbage[i] = (byte) 0xFF;
            }
        }
        garbage[0] = (byte) 0xFF;
        sts.write(garbage);
        sts.write('\n');                                                                       // 5 invalid_utf8
        line(sts, String.format(GOOD, "NaN"));                                                 // 6 score_not_finite
        line(sts, String.format(GOOD, "-1.5"));                                                // 7 score_out_of_range
        line(sts, "\u0001\u0002\u0003 binary-looking but valid UTF-8");                        // 8 wrong_field_count
        line(sts, "");                                                                         // 9 blank_line
        line(sts, "main-captions\tMSRvid\t2012test\t0010\t4.0\t\u0007\u0008 \u00A0\tA man sings.");  // 10 empty_text
        line(sts, "main-captions\tMSRvid\t2012test\t0011\t4.0\tHe said \"hi\".\tShe said \"hello\".");  // 11 ok
        line(sts, "main-captions\tMSRvid\t2012test\t0012\tabc\tOne.\tTwo.");                   // 12 score_unparsable
        Files.write(in.resolve("sts-hostile.csv"), sts.toByteArray());

        Files.write(in.resolve("empty.csv"), new byte[0]);
        Files.write(in.resolve("empty-sick.txt"), new byte[0]);
        Files.writeString(in.resolve("semeval.tsv"), "\tAn unscored pair.\tIts other half.\n4.2\tScored.\tAlso scored.\n");
        Files.writeString(in.resolve("nli.jsonl"), String.join("\n",
                "{\"sentence1\": \"A dog runs.\", \"sentence2\": \"An animal moves.\", \"gold_label\": \"entailment\"}",
                "{\"sentence1\": \"A dog runs.\", \"sentence2\": \"A cat sleeps.\", \"gold_label\": \"contradiction\"}",
                "{\"sentence1\": \"A dog runs.\", \"sentence2\": \"A dog",
                "{\"sentence1\": \"A dog runs.\", \"sentence2\": \"Dogs exist.\", \"gold_label\": \"-\"}",
                "[1, 2, 3]",
                "{\"sentence1\": \"A dog runs.\", \"gold_label\": \"neutral\"}") + "\n");
        Files.writeString(in.resolve("user.csv"), "a,b,score\n\"Hello, world\",Hi world,0.9\n\"unbalanced,x,0.1\nq,r,NaN\n");
        StructType schema = new StructType().add("q", DataTypes.StringType).add("p", DataTypes.StringType);
        spark.createDataFrame(List.of(RowFactory.create("what is spark?", "a cluster engine"), RowFactory.create("null positive", null)), schema)
                .coalesce(1).write().parquet(in.resolve("user-b.parquet").toString());

        String inputs = "[{name=sts, source=stsb, format=stsb, path=\"" + in.resolve("sts-hostile.csv") + "\", split=train},"
                + "{name=empty, format=stsb, path=\"" + in.resolve("empty.csv") + "\", split=dev},"
                + "{name=empty-sick, format=sick, path=\"" + in.resolve("empty-sick.txt") + "\", split=dev},"
                + "{name=semeval, format=semeval-sts, path=\"" + in.resolve("semeval.tsv") + "\", split=train},"
                + "{name=nli, format=nli-jsonl, path=\"" + in.resolve("nli.jsonl") + "\", split=train},"
                + "{name=user, format=csv, path=\"" + in.resolve("user.csv") + "\", split=hash, label-range=[0, 1], columns={text1=a, text2=b, label=score}},"
                + "{name=user-b, format=parquet, target=b, path=\"" + in.resolve("user-b.parquet") + "\", split=test, columns={query=q, positive=p}}]";
        PrepareConfig cfg = PrepareConfig.from(JobConfigs.load(SharedData.projectRoot().resolve("conf/prepare.conf").toString(),
                List.of("prepare.inputs=" + inputs, "prepare.output=" + dir.resolve("out")), new Configuration()));
        report = PrepareJob.run(spark, cfg);
        reasonByLocation = new TreeMap<>();
        for (Row r : spark.read().parquet(dir.resolve("out/quarantine").toString()).collectAsList()) {
            String loc = r.getAs("location");
            reasonByLocation.put(loc.substring(loc.lastIndexOf('/') + 1), r.getAs("reason"));
        }
    }

    private static void line(ByteArrayOutputStream out, String s) {
        out.writeBytes((s + "\n").getBytes(StandardCharsets.UTF_8));
    }

    @AfterAll
    void stop() {
        spark.stop();
    }

    @Test
    void eachBadStsRowIsQuarantinedWithItsReasonAtItsLine() {
        Map<String, String> expected = new TreeMap<>(Map.of(
                "sts-hostile.csv:2", "wrong_field_count",
                "sts-hostile.csv:3", "invalid_utf8",
                "sts-hostile.csv:4", "too_long",
                "sts-hostile.csv:5", "invalid_utf8",
                "sts-hostile.csv:6", "score_not_finite",
                "sts-hostile.csv:7", "score_out_of_range",
                "sts-hostile.csv:8", "wrong_field_count",
                "sts-hostile.csv:9", "blank_line",
                "sts-hostile.csv:10", "empty_text"));
        expected.put("sts-hostile.csv:12", "score_unparsable");
        Map<String, String> actual = new TreeMap<>(reasonByLocation);
        actual.keySet().removeIf(k -> !k.startsWith("sts-hostile.csv:"));
        assertEquals(expected, actual);
        assertEquals(Map.of("written", 2L, "quarantined:wrong_field_count", 2L, "quarantined:invalid_utf8", 2L,
                        "quarantined:too_long", 1L, "quarantined:score_not_finite", 1L, "quarantined:score_out_of_range", 1L,
                        "quarantined:blank_line", 1L, "quarantined:empty_text", 1L, "quarantined:score_unparsable", 1L),
                report.ledger().fates("sts"));
    }

    @Test
    void otherFormatsQuarantineTheirBadRecords() {
        assertEquals("unscored", reasonByLocation.get("semeval.tsv:1"));
        assertEquals("invalid_json", reasonByLocation.get("nli.jsonl:3"));
        assertEquals("no_gold_label", reasonByLocation.get("nli.jsonl:4"));
        assertEquals("invalid_json", reasonByLocation.get("nli.jsonl:5"));
        assertEquals("missing_field", reasonByLocation.get("nli.jsonl:6"));
        assertEquals("malformed_record", reasonByLocation.get("user.csv:3"));
        assertEquals("score_not_finite", reasonByLocation.get("user.csv:4"));
        assertTrue(reasonByLocation.keySet().stream().anyMatch(k -> k.matches("part-.*\\.parquet:\\d+")
                && reasonByLocation.get(k).equals("missing_field")), reasonByLocation.toString());
    }

    @Test
    void quarantinedRawTextIsTruncated() {
        Dataset<Row> q = spark.read().parquet(dir.resolve("out/quarantine").toString());
        int longest = q.selectExpr("max(length(raw))").first().getInt(0);
        assertTrue(longest <= 1000, "raw kept " + longest + " chars");
        assertTrue(q.filter(col("reason").equalTo("too_long")).first().<String>getAs("detail").contains("10000"));
    }

    @Test
    void goodRowsAreWrittenAndEveryInputIsAccountedFor() {
        Ledger l = report.ledger();
        for (String in : l.inputs()) {
            assertEquals(l.read(in), l.settled(in), in);
        }
        assertEquals(12, l.read("sts"));
        assertEquals(0, l.read("empty"));
        assertEquals(0, l.read("empty-sick"));
        assertEquals(6, l.read("nli"));
        assertEquals(3, l.read("user"), "the header is not a row");
        assertEquals(2, l.read("user-b"));
        long quarantineRows = spark.read().parquet(dir.resolve("out/quarantine").toString()).count();
        assertEquals(report.quarantined(), quarantineRows);
        assertEquals(1L, report.positives().get("user-b/test"));
        Dataset<Row> pairs = spark.read().parquet(dir.resolve("out/pairs").toString());
        assertEquals(1, pairs.filter(col("text1").equalTo("He said \"hi\".")).count());
        assertEquals(1, pairs.filter(col("text1").equalTo("Hello, world")).count());
        assertEquals(1, spark.read().parquet(dir.resolve("out/triplets").toString()).count(), "one premise with an entailment and a contradiction");
    }

    @Test
    void aMissingInputPathFailsNamingTheInputAndPath() {
        String missing = dir.resolve("no-such-file.csv").toString();
        PrepareConfig cfg = PrepareConfig.from(JobConfigs.load(SharedData.projectRoot().resolve("conf/prepare.conf").toString(),
                List.of("prepare.inputs=[{name=gone, format=stsb, path=\"" + missing + "\"}]", "prepare.output=" + dir.resolve("out-missing")),
                new Configuration()));
        HadoopFs.InputException e = assertThrows(HadoopFs.InputException.class, () -> PrepareJob.run(spark, cfg));
        assertTrue(e.getMessage().contains("'gone'") && e.getMessage().contains(missing), e.getMessage());
        assertTrue(!Files.exists(dir.resolve("out-missing")), "nothing is written when an input is missing");
    }

    @Test
    void aHeaderWithoutTheMappedColumnFailsNamingFileAndColumn() throws Exception {
        Path f = Files.writeString(dir.resolve("wrong-header.tsv"), "x\ty\tz\n1\t2\t3\n");
        PrepareConfig cfg = PrepareConfig.from(JobConfigs.load(SharedData.projectRoot().resolve("conf/prepare.conf").toString(),
                List.of("prepare.inputs=[{name=w, format=tsv, path=\"" + f + "\", columns={text1=a, text2=b, label=s}}]",
                        "prepare.output=" + dir.resolve("out-header")), new Configuration()));
        HadoopFs.InputException e = assertThrows(HadoopFs.InputException.class, () -> PrepareJob.run(spark, cfg));
        assertTrue(e.getMessage().contains("wrong-header.tsv") && e.getMessage().contains("'a'"), e.getMessage());
    }
}
