package io.anglespark.jobs.train;

import com.typesafe.config.ConfigFactory;
import io.anglespark.jobs.TestSpark;
import io.anglespark.jobs.common.HadoopFs;
import io.anglespark.jobs.common.Outputs;
import io.anglespark.model.batch.TrainingExample;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The training job's inputs, read before anything is trained or written: a pairs folder with no rows, dev pairs that
 * yield none ({@code train.empty-input}), and a pairs folder holding a file that is not Parquet.
 */
class TrainInputsTest {
    private static SparkSession spark;
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        spark = TestSpark.start("train-inputs-test");
        List<Row> train = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            train.add(RowFactory.create(String.format("train-%02d", i), "A text " + i, "Another text " + i, 2.5, "stsb", "train"));
        }
        spark.createDataFrame(train, Outputs.PAIRS).coalesce(1).write().parquet(dir.resolve("train-only/pairs").toString());
        spark.createDataFrame(List.of(), Outputs.PAIRS).coalesce(1).write().parquet(dir.resolve("no-rows/pairs").toString());
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static TrainJobConfig config(Path input, String... overrides) {
        StringBuilder s = new StringBuilder("train { input = \"" + input + "\", output = \"" + dir.resolve("out") + "\", model = random }\n");
        for (String o : overrides) {
            s.append(o).append('\n');
        }
        return TrainJobConfig.from(ConfigFactory.parseString(s.toString()).resolve());
    }

    @Test
    void devPairsThatYieldNoRowsFailTheRunNamingTheDevInputUnlessWarn() {
        HadoopFs.InputException e = assertThrows(HadoopFs.InputException.class,
                () -> TrainJob.readDev(spark, config(dir.resolve("train-only")), new Configuration()));
        assertTrue(e.getMessage().startsWith("dev input " + dir.resolve("train-only/pairs")) && e.getMessage().contains("split dev")
                && e.getMessage().contains("train.empty-input"), e.getMessage());
        List<TrainingExample> dev = TrainJob.readDev(spark, config(dir.resolve("train-only"), "train.empty-input = warn"), new Configuration());
        assertTrue(dev.isEmpty(), "warn: no dev evaluation");
        assertEquals(20, TrainJob.readTrain(spark, config(dir.resolve("train-only")), new Configuration()).size());
    }

    @Test
    void trainPairsThatYieldNoRowsAlwaysFailNamingTheInput() {
        for (String setting : List.of("train.empty-input = fail", "train.empty-input = warn")) {
            HadoopFs.InputException e = assertThrows(HadoopFs.InputException.class,
                    () -> TrainJob.readTrain(spark, config(dir.resolve("no-rows"), setting), new Configuration()));
            assertTrue(e.getMessage().contains(dir.resolve("no-rows/pairs").toString()) && e.getMessage().contains("yields no rows"),
                    e.getMessage());
        }
    }

    @Test
    void aFileThatIsNotParquetInThePairsFolderFailsInOneLineNamingIt() throws Exception {
        Path pairs = Files.createDirectories(dir.resolve("junk/pairs"));
        byte[] junk = new byte[4096];
        new Random(13).nextBytes(junk);
        Path file = Files.write(pairs.resolve("part-00000.parquet"), junk);
        HadoopFs.InputException e = assertThrows(HadoopFs.InputException.class,
                () -> TrainJob.readTrain(spark, config(dir.resolve("junk")), new Configuration()));
        assertTrue(e.getMessage().startsWith("train input " + pairs) && e.getMessage().contains(file.toString())
                && e.getMessage().contains("is not a readable Parquet file"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
}
