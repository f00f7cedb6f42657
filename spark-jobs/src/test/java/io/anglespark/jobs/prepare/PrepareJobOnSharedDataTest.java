package io.anglespark.jobs.prepare;

import io.anglespark.jobs.common.Outputs;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.anglespark.jobs.TestSpark;
import io.anglespark.jobs.common.HadoopFs;
import io.anglespark.jobs.common.JobConfigs;
import io.anglespark.prep.SharedData;
import io.anglespark.prep.account.Ledger;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the preparation job over all of {@code ../shared/data} with the bundled {@code conf/prepare.conf}
 * in local Spark. The pinned output figures were derived independently, by a separate Python
 * implementation of the same rules over the same files (cleaning, order-insensitive keys per source and
 * split, global dev/test overlap, premise-grouped triplets); raw-row figures are SOURCES.md's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrepareJobOnSharedDataTest {
    private SparkSession spark;
    private Path out;
    private PrepareReport report;
    private PrepareConfig config;

    @BeforeAll
    void runTheJobOnce() throws Exception {
        spark = TestSpark.start("prepare-shared-data");
        out = Files.createTempDirectory("prepare-shared").resolve("out");
        config = PrepareConfig.from(JobConfigs.load(SharedData.projectRoot().resolve("conf/prepare.conf").toString(),
                List.of("prepare.data-root=" + SharedData.dataRoot(), "prepare.output=" + out), new Configuration()));
        report = PrepareJob.run(spark, config);
    }

    @AfterAll
    void stop() {
        spark.stop();
    }

    private Dataset<Row> read(String name) {
        return spark.read().parquet(out.resolve(name).toString());
    }

    @Test
    void rowsReadPerInputAreTheRawCountsOfSources() {
        Ledger l = report.ledger();
        Map<String, Long> expected = Map.of("stsb-train", 5749L, "stsb-dev", 1500L, "stsb-test", 1379L,
                "sick-train", 4500L, "sick-trial", 500L, "semeval2012-msrpar", 750L, "semeval2012-europarl", 734L,
                "esnli-test", 9824L, "taxinli", 10071L, "esnli-dev", 9842L);
        expected.forEach((input, n) -> assertEquals(n, l.read(input), input));
    }

    @Test
    void everyRowReadEndsInExactlyOneBucket() {
        Ledger l = report.ledger();
        for (String in : l.inputs()) {
            assertEquals(l.read(in), l.settled(in), in + ": " + l.fates(in));
        }
        // STS-B train: 57 rows merged into duplicates, 18 pairs also in a dev/test split, the rest written.
        assertEquals(Map.of("written", 5674L, "dropped:duplicate_merged", 57L, "dropped:eval_overlap", 18L), l.fates("stsb-train"));
        assertEquals(3235L, l.count("esnli-dev", "dropped:neutral_label"));
        assertEquals(3201L, l.count("taxinli", "dropped:neutral_label"));
        assertEquals(0L, report.quarantined(), "the real corpora hold no bad row under the default rules");
    }

    @Test
    void outputsHaveTheExplicitSchemas() {
        assertSchema(Outputs.PAIRS, read("pairs").schema());
        assertSchema(Outputs.TRIPLETS, read("triplets").schema());
        assertSchema(Outputs.POSITIVES, read("positives").schema());
        assertSchema(Outputs.QUARANTINE, read("quarantine").schema());
    }

    private static void assertSchema(StructType expected, StructType actual) {
        assertEquals(Arrays.stream(expected.fields()).map(f -> f.name() + ":" + f.dataType()).toList(),
                Arrays.stream(actual.fields()).map(f -> f.name() + ":" + f.dataType()).toList());
    }

    @Test
    void splitSizesMatchTheIndependentReference() {
        Map<String, Long> pairs = read("pairs").groupBy("source", "split").count().collectAsList().stream()
                .collect(Collectors.toMap(r -> r.getString(0) + "/" + r.getString(1), r -> r.getLong(2)));
        assertEquals(Map.of("stsb/train", 5674L, "stsb/dev", 1497L, "stsb/test", 1377L, "sick/train", 4447L,
                "sick/dev", 500L, "semeval2012/train", 1227L, "snli/train", 6605L, "snli/dev", 6605L,
                "multinli/train", 6870L), pairs);
        assertEquals(pairs, report.pairs());
        Map<String, Long> triplets = read("triplets").groupBy("source", "split").count().collectAsList().stream()
                .collect(Collectors.toMap(r -> r.getString(0) + "/" + r.getString(1), r -> r.getLong(2)));
        assertEquals(Map.of("snli/train", 3167L, "snli/dev", 3171L, "multinli/train", 1440L), triplets);
        assertEquals(0, read("positives").count());
        assertEquals(0, read("quarantine").count());
    }

    @Test
    void duplicateAndOverlapFiguresAreReported() {
        assertEquals(Map.of("duplicate_groups", 47L, "extra_rows", 57L, "conflicting_groups", 13L), report.dedup().get("stsb/train"));
        assertEquals(Map.of("duplicate_groups", 3L, "extra_rows", 3L, "conflicting_groups", 0L), report.dedup().get("stsb/dev"));
        assertEquals(Map.of("duplicate_groups", 2L, "extra_rows", 2L, "conflicting_groups", 1L), report.dedup().get("stsb/test"));
        assertEquals(Map.of("duplicate_groups", 38L, "extra_rows", 46L, "conflicting_groups", 32L), report.dedup().get("sick/train"));
        // SemEval 2012 train pairs reappear in STS-B dev/test: the overlap rule keeps them out of training.
        assertEquals(Map.of("in_eval", 252L, "removed", 252L), report.overlap().get("semeval2012/train"));
        assertEquals(Map.of("in_eval", 18L, "removed", 18L), report.overlap().get("stsb/train"));
        assertEquals(136L, report.overlap().get("stsb/dev").get("in_train"));
        assertEquals(135L, report.overlap().get("stsb/test").get("in_train"));
    }

    @Test
    void noTrainPairSharesItsTextsWithADevOrTestPair() {
        Dataset<Row> p = read("pairs");
        Dataset<Row> keys = p.selectExpr("split", "array_join(array_sort(array(text1, text2)), '\u0000') as k");
        long shared = keys.filter(col("split").equalTo("train")).select("k")
                .intersect(keys.filter(col("split").notEqual("train")).select("k")).count();
        assertEquals(0, shared);
    }

    @Test
    void stsbQuirksSurviveCleaning() {
        Dataset<Row> stsb = read("pairs").filter(col("source").equalTo("stsb"));
        // Lines holding '"' are read whole, not merged by a CSV quote parser.
        assertTrue(stsb.filter(col("text1").contains("\"").or(col("text2").contains("\""))).count() >= 350);
        // The 0x12 control byte and the Mac-Roman mojibake are gone.
        assertEquals(0, stsb.filter(col("text1").contains("\u0012").or(col("text2").contains("\u0012"))).count());
        assertEquals(0, stsb.filter(col("text1").contains("‚Äô").or(col("text2").contains("‚Äô"))).count());
        assertTrue(stsb.filter(col("text1").contains("’").or(col("text2").contains("’"))).count() > 0);
        // No text keeps leading or trailing whitespace.
        assertEquals(0, read("pairs").filter("text1 != trim(text1) or text2 != trim(text2)").count());
        // Scores stay on the corpus scale (normalisation is off by default).
        Row range = stsb.selectExpr("min(label)", "max(label)").first();
        assertEquals(0.0, range.getDouble(0));
        assertEquals(5.0, range.getDouble(1));
    }

    @Test
    void pairIdsAreUniqueAndPointAtTheirInputLine() {
        Dataset<Row> p = read("pairs");
        assertEquals(p.count(), p.select("pair_id").distinct().count());
        assertEquals(1, p.filter(col("pair_id").equalTo("stsb-test:1")).count(), "the first line of sts-test.csv is a pair");
    }

    @Test
    void runJsonRecordsConfigInputsCountsAndNoSecret() throws Exception {
        String json = Files.readString(out.resolve("_run.json"));
        assertFalse(json.contains("TOPSECRET"), "a credential leaked into _run.json");
        JsonNode run = new ObjectMapper().readTree(json);
        assertEquals("prepare", run.get("job").asText());
        assertEquals(5749, run.get("counts").get("stsb-train").get("read").asLong());
        assertEquals(10, run.get("inputs").size());
        assertTrue(run.get("inputs").get(0).get("files").get(0).get("size").asLong() > 0);
        assertEquals(10_000, run.get("config").get("cleaning").get("maxChars").asInt());
        assertTrue(run.get("timings_s").has("read"));
        assertTrue(run.has("git_revision"));
        assertEquals("<redacted>", run.get("spark_conf").get("spark.hadoop.fs.s3a.secret.key").asText());
    }

    @Test
    void anExistingOutputIsRefusedUnlessOverwriting() throws Exception {
        HadoopFs.OutputExistsException e = assertThrows(HadoopFs.OutputExistsException.class, () -> PrepareJob.run(spark, config));
        assertTrue(e.getMessage().contains(out.toString()) && e.getMessage().contains("--overwrite"), e.getMessage());
    }
}
