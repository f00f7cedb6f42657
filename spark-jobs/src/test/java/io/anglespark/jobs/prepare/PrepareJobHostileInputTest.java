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
 * garbage, wrong column counts, NaN and negative scores, empty files (accepted here with
 * {@code prepare.empty-input = warn}), malformed JSON, a Parquet file with nulls, a lone CR inside a field,
 * NUL bytes between words, an unpaired surrogate escaped in JSON, invalid UTF-8 in a Parquet string. The job
 * must finish, put each bad row in the quarantine with its reason at its true {@code file:line}, write the good
 * rows, and account for every row. Without {@code warn}, an empty input fails the run naming it, and a file
 * named {@code .parquet} that is not Parquet fails it in one line naming the file.
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

        // Text policy: a lone CR inside a field (lines 2 and 3) is text, not a line break: 4 good pairs, the bad
        // one quarantined at its true line 5 (a reader that also ends lines at CR saw 7 fragments). Line 4 ends
        // in CRLF and holds a NUL byte between two words.
        ByteArrayOutputStream cr = new ByteArrayOutputStream();
        line(cr, "main-forum\tf\t2012\t0001\t1.0\tA cat sits on a mat.\tA cat is on a mat.");
        line(cr, "main-forum\tf\t2012\t0002\t2.0\tA woman is\rslicing an onion.\tA woman cuts an onion.");
        line(cr, "main-forum\tf\t2012\t0003\t3.0\tA boy plays a guitar.\tA boy is\rplaying guitar.");
        cr.writeBytes("main-forum\tf\t2012\t0004\t4.0\ttwo\u0000dogs run.\tTwo dogs are running.\r\n".getBytes(StandardCharsets.UTF_8));
        line(cr, "main-forum\tf\t2012\t0005\tNaN\tA bad score.\tStill bad.");
        Files.write(in.resolve("sts-cr.csv"), cr.toByteArray());
        // An unpaired surrogate escaped in JSON is quarantined, not written as '?'; an escaped NUL is a space.
        Files.writeString(in.resolve("surrogate.jsonl"), String.join("\n",
                "{\"sentence1\": \"A bird flies.\", \"sentence2\": \"An animal moves.\", \"gold_label\": \"entailment\"}",
                "{\"sentence1\": \"A bird flies.\", \"sentence2\": \"Half a pair \\ud800 here.\", \"gold_label\": \"contradiction\"}",
                "{\"sentence1\": \"A bird flies.\", \"sentence2\": \"A bird\\u0000sleeps.\", \"gold_label\": \"contradiction\"}") + "\n");
        // Invalid UTF-8 in a Parquet string: Spark keeps the bytes; they are checked, not read as U+FFFD.
        StructType bytes = new StructType().add("q", DataTypes.BinaryType).add("p", DataTypes.StringType);
        spark.createDataFrame(List.of(RowFactory.create("valid query".getBytes(StandardCharsets.UTF_8), "a positive"),
                        RowFactory.create(new byte[]{'b', 'a', 'd', (byte) 0xC3, '('}, "another positive")), bytes)
                .select(col("q").cast(DataTypes.StringType).as("q"), col("p")).coalesce(1).write().parquet(in.resolve("user-utf8.parquet").toString());

        String inputs = "[{name=sts, source=stsb, format=stsb, path=\"" + in.resolve("sts-hostile.csv") + "\", split=train},"
                + "{name=empty, format=stsb, path=\"" + in.resolve("empty.csv") + "\", split=dev},"
                + "{name=empty-sick, format=sick, path=\"" + in.resolve("empty-sick.txt") + "\", split=dev},"
                + "{name=semeval, format=semeval-sts, path=\"" + in.resolve("semeval.tsv") + "\", split=train},"
                + "{name=nli, format=nli-jsonl, path=\"" + in.resolve("nli.jsonl") + "\", split=train},"
                + "{name=user, format=csv, path=\"" + in.resolve("user.csv") + "\", split=hash, label-range=[0, 1], columns={text1=a, text2=b, label=score}},"
                + "{name=user-b, format=parquet, target=b, path=\"" + in.resolve("user-b.parquet") + "\", split=test, columns={query=q, positive=p}},"
                + "{name=sts-cr, source=stsb, format=stsb, path=\"" + in.resolve("sts-cr.csv") + "\", split=dev},"
                + "{name=surrogate, format=nli-jsonl, path=\"" + in.resolve("surrogate.jsonl") + "\", split=test},"
                + "{name=user-utf8, format=parquet, target=b, path=\"" + in.resolve("user-utf8.parquet") + "\", split=dev, columns={query=q, positive=p}}]";
        PrepareConfig cfg = PrepareConfig.from(JobConfigs.load(SharedData.projectRoot().resolve("conf/prepare.conf").toString(),
                List.of("prepare.inputs=" + inputs, "prepare.output=" + dir.resolve("out"), "prepare.empty-input=warn"), new Configuration()));
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
        assertEquals(3, l.read("surrogate"));
        assertEquals(2, l.read("user-utf8"));
        long quarantineRows = spark.read().parquet(dir.resolve("out/quarantine").toString()).count();
        assertEquals(report.quarantined(), quarantineRows);
        assertEquals(1L, report.positives().get("user-b/test"));
        Dataset<Row> pairs = spark.read().parquet(dir.resolve("out/pairs").toString());
        assertEquals(1, pairs.filter(col("text1").equalTo("He said \"hi\".")).count());
        assertEquals(1, pairs.filter(col("text1").equalTo("Hello, world")).count());
        Dataset<Row> triplets = spark.read().parquet(dir.resolve("out/triplets").toString());
        assertEquals(1, triplets.filter(col("split").equalTo("train")).count(), "one premise with an entailment and a contradiction");
        assertEquals(List.of("A bird sleeps."), triplets.filter(col("split").equalTo("test")).select("negative").as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList(), "the quarantined contradiction is in no triplet");
    }

    @Test
    void aLoneCrInsideAFieldIsASpaceAndEveryLineKeepsItsTrueNumber() {
        Ledger l = report.ledger();
        assertEquals(5, l.read("sts-cr"), "five lines, five rows: a lone CR ends no line");
        assertEquals(Map.of("written", 4L, "quarantined:score_not_finite", 1L), l.fates("sts-cr"));
        assertEquals("score_not_finite", reasonByLocation.get("sts-cr.csv:5"), reasonByLocation.toString());
        assertTrue(reasonByLocation.keySet().stream().noneMatch(k -> k.startsWith("sts-cr.csv:") && !k.equals("sts-cr.csv:5")),
                reasonByLocation.toString());
        Dataset<Row> dev = spark.read().parquet(dir.resolve("out/pairs").toString()).filter(col("split").equalTo("dev"));
        assertEquals(1, dev.filter(col("text1").equalTo("A woman is slicing an onion.")).count());
        assertEquals(1, dev.filter(col("text2").equalTo("A boy is playing guitar.")).count());
        assertEquals(1, dev.filter(col("pair_id").equalTo("sts-cr:3")).count(), "pair ids are the true line numbers");
        assertEquals(0, dev.filter(col("text1").contains("\r").or(col("text2").contains("\r"))).count());
    }

    @Test
    void aNulBetweenWordsIsASpaceNotGlue() {
        Dataset<Row> pairs = spark.read().parquet(dir.resolve("out/pairs").toString());
        assertEquals(1, pairs.filter(col("text1").equalTo("two dogs run.")).count(), "raw NUL byte in a TSV line");
        assertEquals(1, pairs.filter(col("text2").equalTo("A bird sleeps.")).count(), "NUL escaped in JSON");
        assertEquals(0, pairs.filter(col("text1").contains("twodogs").or(col("text2").contains("birdsleeps"))).count());
    }

    @Test
    void anUnpairedSurrogateInJsonIsQuarantinedNamingFieldAndPosition() {
        assertEquals("unpaired_surrogate", reasonByLocation.get("surrogate.jsonl:2"), reasonByLocation.toString());
        assertEquals(Map.of("written", 2L, "quarantined:unpaired_surrogate", 1L), report.ledger().fates("surrogate"));
        Row q = spark.read().parquet(dir.resolve("out/quarantine").toString()).filter(col("reason").equalTo("unpaired_surrogate")).first();
        assertEquals("text2 has an unpaired surrogate U+D800 at character 13", q.getAs("detail"));
        assertEquals(0, spark.read().parquet(dir.resolve("out/pairs").toString()).filter(col("text2").contains("?")).count(),
                "no surrogate reached the output as '?'");
    }

    @Test
    void invalidUtf8InAParquetStringIsQuarantinedNamingTheColumn() {
        assertEquals(Map.of("written", 1L, "quarantined:invalid_utf8", 1L), report.ledger().fates("user-utf8"));
        Row q = spark.read().parquet(dir.resolve("out/quarantine").toString()).filter(col("input").equalTo("user-utf8")).first();
        assertEquals("invalid_utf8", q.getAs("reason"));
        assertEquals("column 'q': invalid UTF-8 byte 0xC3 at byte offset 3", q.getAs("detail"));
        assertTrue(q.<String>getAs("location").endsWith(":2"), q.<String>getAs("location"));
    }

    @Test
    void anEmptyInputFailsTheRunNamingItByDefaultAndNothingIsWritten() {
        Path out = dir.resolve("out-empty");
        String empty = dir.resolve("in/empty.csv").toString();
        PrepareConfig cfg = PrepareConfig.from(JobConfigs.load(SharedData.projectRoot().resolve("conf/prepare.conf").toString(),
                List.of("prepare.inputs=[{name=sts, format=stsb, path=\"" + dir.resolve("in/sts-cr.csv") + "\"}, {name=nothing, format=stsb, path=\""
                        + empty + "\"}]", "prepare.output=" + out), new Configuration()));
        assertEquals(io.anglespark.jobs.common.EmptyInput.FAIL, cfg.emptyInput(), "fail is the default");
        HadoopFs.InputException e = assertThrows(HadoopFs.InputException.class, () -> PrepareJob.run(spark, cfg));
        assertTrue(e.getMessage().contains("input 'nothing'") && e.getMessage().contains(empty) && e.getMessage().contains("prepare.empty-input"),
                e.getMessage());
        assertTrue(!Files.exists(out.resolve("_run.json")) && !Files.exists(out.resolve("pairs")), "nothing is written");
    }

    @Test
    void aJunkFileNamedParquetFailsInOneLineNamingTheFile() throws Exception {
        byte[] junk = new byte[2048];
        new Random(11).nextBytes(junk);
        Path file = Files.write(Files.createDirectories(dir.resolve("junk")).resolve("junk.parquet"), junk);
        PrepareConfig cfg = PrepareConfig.from(JobConfigs.load(SharedData.projectRoot().resolve("conf/prepare.conf").toString(),
                List.of("prepare.inputs=[{name=junk, format=parquet, target=b, path=\"" + file + "\", split=test, columns={query=q, positive=p}}]",
                        "prepare.output=" + dir.resolve("out-junk")), new Configuration()));
        HadoopFs.InputException e = assertThrows(HadoopFs.InputException.class, () -> PrepareJob.run(spark, cfg));
        assertTrue(e.getMessage().startsWith("input 'junk': ") && e.getMessage().contains(file.toString())
                && e.getMessage().contains("is not a readable Parquet file"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
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
