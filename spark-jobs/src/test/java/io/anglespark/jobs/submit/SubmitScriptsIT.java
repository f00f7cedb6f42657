package io.anglespark.jobs.submit;

import io.anglespark.prep.SharedData;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the scripts users call, as they call them, against the jar the build just packaged: so a script
 * cannot point at a class that moved, and the local class path cannot lose a library Spark needs.
 */
class SubmitScriptsIT {
    private static final Path ROOT = SharedData.projectRoot();

    record Result(int exit, String output) {
    }

    private static Result run(String script, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ROOT.resolve(script).toString()));
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile("submit", ".log");
        Process p = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(script + " did not finish in 5 minutes");
        }
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    @Test
    void everyScriptPrintsItsHelp() throws Exception {
        for (String script : List.of("submit/prepare", "submit/issue-pairs", "submit/train", "submit/evaluate", "submit/embed", "submit/export",
                "bench/prepare", "bench/embed")) {
            Result r = run(script, "--help");
            assertEquals(0, r.exit(), script + ":\n" + r.output());
            assertTrue(r.output().contains("--config") && r.output().contains("--set") && r.output().contains("--master"), script + ":\n" + r.output());
        }
    }

    @Test
    void prepareRunsEndToEndThroughItsScript() throws Exception {
        Path out = Files.createTempDirectory("submit-prepare").resolve("out");
        Result r = run("submit/prepare", "--output", out.toString(), "--set",
                "prepare.inputs=[{name=stsb-test, source=stsb, format=stsb, path=stsbenchmark/sts-test.csv, split=test}]");
        assertEquals(0, r.exit(), r.output());
        assertTrue(Files.isRegularFile(out.resolve("_run.json")), r.output());
        assertTrue(Files.readString(out.resolve("_run.json")).contains("\"read\" : 1379"));
    }

    @Test
    void userErrorsExitWithTwoAndOneLineNamingTheProblem() throws Exception {
        Result typo = run("submit/prepare", "--set", "prepare.cleaning.max-char=5");
        assertEquals(2, typo.exit(), typo.output());
        assertTrue(typo.output().contains("did you mean 'prepare.cleaning.max-chars'"), typo.output());
        Result missing = run("submit/issue-pairs", "--output", Files.createTempDirectory("ip").resolve("o").toString(),
                "--set", "issue-pairs.github=[{name=g, issues=/no/such/issues.json}]");
        assertEquals(2, missing.exit(), missing.output());
        assertTrue(missing.output().contains("/no/such/issues.json"), missing.output());
    }
}
