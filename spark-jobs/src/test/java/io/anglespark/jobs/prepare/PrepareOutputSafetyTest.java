package io.anglespark.jobs.prepare;

import io.anglespark.jobs.common.JobMain;
import io.anglespark.prep.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The mistake from the tester's report, through the job's command line: {@code prepare --output /x --overwrite} with
 * its input under {@code /x/data/} deleted the input and then failed with a stack trace. Now it is refused with exit
 * code 2 and one line, and the input is untouched. The job starts (and stops) its own local Spark session, as
 * spark-submit would run it.
 */
class PrepareOutputSafetyTest {
    @TempDir
    Path dir;

    @Test
    void overwritingAnOutputThatHoldsTheInputIsRefusedWithExitTwoAndTheInputSurvives() throws Exception {
        Path x = dir.resolve("x");
        Path input = x.resolve("data/sts.tsv");
        Files.createDirectories(input.getParent());
        String content = "main-captions\tMSRvid\t2012test\t0001\t5.000\tA man is playing a flute.\tA man plays the flute.\n";
        Files.writeString(input, content);
        Files.writeString(x.resolve("_run.json"), "{\"producer\": \"angle-spark\", \"job\": \"prepare\"}");

        String[] args = {"--config", SharedData.projectRoot().resolve("conf/prepare.conf").toString(), "--output", x.toString(), "--overwrite",
                "--set", "prepare.inputs=[{name=sts, format=stsb, path=\"" + input + "\", split=train}]"};
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        int code;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            code = JobMain.execute("prepare", new PrepareJob(), args);
        } finally {
            System.setErr(saved);
        }
        String stderr = err.toString(StandardCharsets.UTF_8);
        String mine = stderr.lines().filter(l -> l.startsWith("prepare")).reduce("", (a, b) -> a + b + "\n");
        assertEquals(2, code, stderr);
        assertEquals(1, mine.lines().count(), stderr);
        assertTrue(mine.contains("output " + x + " contains prepare.inputs[0].path"), mine);
        assertFalse(stderr.contains("\tat "), "no stack trace: " + stderr);
        assertEquals(content, Files.readString(input));
    }
}
