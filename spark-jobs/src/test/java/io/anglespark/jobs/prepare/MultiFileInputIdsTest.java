package io.anglespark.jobs.prepare;

import io.anglespark.jobs.TestSpark;
import io.anglespark.jobs.common.JobConfigs;
import io.anglespark.prep.SharedData;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** An input that is a folder of files: rows at the same line of different files still get distinct ids, in every output. */
class MultiFileInputIdsTest {

    @Test
    void idsOfPairsPositivesAndTripletsAreUniqueAcrossTheFilesOfOneInput() throws Exception {
        Path dir = Files.createTempDirectory("multi-file");
        Path a = Files.createDirectories(dir.resolve("a"));
        Path b = Files.createDirectories(dir.resolve("b"));
        Path c = Files.createDirectories(dir.resolve("c"));
        for (String f : List.of("part-1.jsonl", "part-2.jsonl")) {
            Files.writeString(a.resolve(f), "{\"s1\": \"first " + f + "\", \"s2\": \"second " + f + "\", \"y\": 1}\n");
            Files.writeString(b.resolve(f), "{\"q\": \"query " + f + "\", \"p\": \"positive " + f + "\"}\n");
            Files.writeString(c.resolve(f), "{\"q\": \"query " + f + "\", \"p\": \"positive " + f + "\", \"n\": \"negative " + f + "\"}\n");
        }
        String inputs = "[{name=a, format=jsonl, target=a, path=\"" + a + "\", columns={text1=s1, text2=s2, label=y}},"
                + "{name=b, format=jsonl, target=b, path=\"" + b + "\", columns={query=q, positive=p}},"
                + "{name=c, format=jsonl, target=c, path=\"" + c + "\", columns={query=q, positive=p, negative=n}}]";
        PrepareConfig cfg = PrepareConfig.from(JobConfigs.load(SharedData.projectRoot().resolve("conf/prepare.conf").toString(),
                List.of("prepare.inputs=" + inputs, "prepare.output=" + dir.resolve("out")), new Configuration()));
        SparkSession spark = TestSpark.start("multi-file-ids");
        try {
            PrepareJob.run(spark, cfg);
            for (String[] out : new String[][]{{"pairs", "pair_id"}, {"positives", "id"}, {"triplets", "id"}}) {
                Dataset<Row> d = spark.read().parquet(dir.resolve("out").resolve(out[0]).toString());
                assertEquals(2, d.count(), out[0]);
                assertEquals(2, d.select(out[1]).distinct().count(), out[0] + " ids must differ between part-1 and part-2");
            }
        } finally {
            spark.stop();
        }
    }
}
