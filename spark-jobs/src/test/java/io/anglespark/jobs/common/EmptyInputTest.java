package io.anglespark.jobs.common;

import com.typesafe.config.Config;
import io.anglespark.jobs.embed.EmbedConfig;
import io.anglespark.jobs.evaluate.EvaluateConfig;
import io.anglespark.jobs.issues.IssuePairsConfig;
import io.anglespark.jobs.prepare.PrepareConfig;
import io.anglespark.jobs.train.TrainJobConfig;
import io.anglespark.prep.SharedData;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code <job>.empty-input} setting of every job that reads inputs: documented in its conf file, fail by default. */
class EmptyInputTest {

    private static EmptyInput load(String job, String... overrides) {
        List<String> o = new ArrayList<>(List.of(overrides));
        if (job.equals("embed")) {
            o.add("embed.input.path=/data/texts");
        }
        Config c = JobConfigs.load(SharedData.projectRoot().resolve("conf/" + job + ".conf").toString(), o, new Configuration());
        Function<Config, EmptyInput> read = switch (job) {
            case "prepare" -> cfg -> PrepareConfig.from(cfg).emptyInput();
            case "issue-pairs" -> cfg -> IssuePairsConfig.from(cfg).emptyInput();
            case "evaluate" -> cfg -> EvaluateConfig.from(cfg).emptyInput();
            case "embed" -> cfg -> EmbedConfig.from(cfg).emptyInput();
            case "train" -> cfg -> TrainJobConfig.from(cfg).emptyInput();
            default -> throw new IllegalArgumentException(job);
        };
        return read.apply(c);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"prepare", "issue-pairs", "evaluate", "embed", "train"})
    void everyJobDefaultsToFailTakesWarnAndNamesTheKeyOfABadValue(String job) throws Exception {
        String conf = java.nio.file.Files.readString(SharedData.projectRoot().resolve("conf/" + job + ".conf"));
        assertTrue(conf.contains("\n  empty-input = fail\n"), job + ".conf documents the key with its default");
        assertEquals(EmptyInput.FAIL, load(job));
        assertEquals(EmptyInput.WARN, load(job, job + ".empty-input=warn"));
        ConfigException e = assertThrows(ConfigException.class, () -> load(job, job + ".empty-input=skip"));
        assertTrue(e.getMessage().contains(job + ".empty-input") && e.getMessage().contains("skip"), e.getMessage());
    }

    @Test
    void failNamesTheInputAndTheKeyWarnOnlyLogsAndRowsPassBoth() {
        HadoopFs.InputException e = assertThrows(HadoopFs.InputException.class,
                () -> EmptyInput.FAIL.check("input 'x' (/data/x.csv)", 0, "prepare.empty-input", LoggerFactory.getLogger(getClass())));
        assertEquals("input 'x' (/data/x.csv) yields no rows; check the path, or set prepare.empty-input = warn to accept an empty input",
                e.getMessage());
        assertTrue(JobMain.isUserError(e), "exit 2, one line");
        assertDoesNotThrow(() -> EmptyInput.WARN.check("input 'x'", 0, "prepare.empty-input", LoggerFactory.getLogger(getClass())));
        assertDoesNotThrow(() -> EmptyInput.FAIL.check("input 'x'", 1, "prepare.empty-input", LoggerFactory.getLogger(getClass())));
    }
}
