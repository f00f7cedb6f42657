package io.anglespark.jobs.common;

import io.anglespark.model.ModelFileException;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Which failures the jobs report as a user error (one line, exit 2), and which line. */
class JobMainTest {
    @Test
    void aModelFileThatCannotBeLoadedIsAUserErrorAlsoWhenWrappedAndItsOwnLineIsPrinted() {
        ModelFileException m = new ModelFileException("hdfs://nn/runs/a/model.zip", "entry 'x.bin' is not part of an encoder artifact");
        assertEquals("model file hdfs://nn/runs/a/model.zip: entry 'x.bin' is not part of an encoder artifact", JobMain.userError(m));
        assertEquals(m.getMessage(), JobMain.userError(new UncheckedIOException("cannot load model 'a'", m)));
        assertEquals(m.getMessage(), JobMain.userError(new SparkException("Job aborted due to stage failure", new RuntimeException(
                new UncheckedIOException(m)))));
        assertEquals("model file model.zip: truncated", JobMain.userError(
                new ModelFileException("/tmp/copy-123.zip", "truncated").forFile("model.zip")), "renamed to the user's path");
        assertEquals("model file a.zip: two lines", JobMain.userError(new ModelFileException("a.zip", "two\n  lines")), "always one line");
        assertEquals("model file a.zip: entry '?[31mred'", JobMain.userError(new ModelFileException("a.zip", "entry '\u001b[31mred'")),
                "of printable characters");
    }

    @Test
    void otherFailuresAreNotUserErrorsButConfigurationAndInputOnesStillAre() {
        assertNull(JobMain.userError(new IOException("disk full")));
        assertNull(JobMain.userError(new IllegalStateException("a bug", new IOException("cause"))));
        assertEquals("config key 'x' = 1: bad", JobMain.userError(new ConfigException("config key 'x' = 1: bad")));
        assertEquals("input missing", JobMain.userError(new HadoopFs.InputException("input missing")));
    }
}
