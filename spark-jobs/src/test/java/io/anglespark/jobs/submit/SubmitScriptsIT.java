package io.anglespark.jobs.submit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.anglespark.jobs.submit.Scripts.Result;
import io.anglespark.model.NativeBuild;
import io.anglespark.prep.SharedData;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the scripts users call, as they call them, against the jar the build just packaged: so a script
 * cannot point at a class that moved, and the local class path cannot lose a library Spark needs.
 */
class SubmitScriptsIT {
    private static final Path ROOT = Scripts.ROOT;
    private static final String ANGLE_VERSION = java.util.Objects.requireNonNull(System.getProperty("angle.version"), "angle.version (failsafe sets it from the pom)");

    private static Result run(String script, String... args) throws IOException, InterruptedException {
        return run(Map.of(), script, args);
    }

    private static Result run(Map<String, String> env, String script, String... args) throws IOException, InterruptedException {
        return Scripts.run(Duration.ofMinutes(5), env, script, args);
    }

    /** The ND4J build a job JVM on this machine must load (the fastest the jar carries that this CPU runs). */
    private static String expectedBuild() {
        return NativeBuild.choose(null, "test", true, NativeBuild.thisCpuFlags(), EnumSet.allOf(NativeBuild.Build.class)).platform();
    }

    private static JsonNode nativeBuilds(Path output) throws IOException {
        return new ObjectMapper().readTree(output.resolve("_run.json").toFile()).path("native_builds");
    }

    @Test
    void theJobJarCarriesBothNativeBuildsAndAJvmThatNeverChoseLoadsThePortableOne() throws Exception {
        String cp = ROOT.resolve("spark-jobs/target/angle-spark-jobs-" + ANGLE_VERSION + ".jar") + ":"
                + Files.readString(ROOT.resolve("spark-jobs/target/spark-classpath.txt")).trim();
        Result unchosen = run(Map.of(), "java", "-cp", cp, NativeBuild.class.getName(), "--no-choice");
        assertEquals(0, unchosen.exit(), unchosen.output());
        assertTrue(unchosen.output().contains("builds on the class path: linux-x86_64-onednn-avx512, linux-x86_64"), unchosen.output());
        assertTrue(unchosen.output().contains("loaded: linux-x86_64\n"), "JavaCPP alone would take the AVX-512 build on any CPU:\n" + unchosen.output());
        Result chosen = run(Map.of(), "java", "-cp", cp, NativeBuild.class.getName());
        assertEquals(0, chosen.exit(), chosen.output());
        assertTrue(chosen.output().contains("loaded: " + expectedBuild() + "\n"), chosen.output());
    }

    @Test
    void aJobOnACpuWithoutAvx512ChoosesThePortableBuildEvenWhenAskedForTheOther() throws Exception {
        Path out = Files.createTempDirectory("submit-native").resolve("out");
        Result r = run(Map.of("ANGLE_CPUINFO", ROOT.resolve("spark-jobs/src/test/resources/cpuinfo/avx2-only.txt").toString(),
                        "ANGLE_ND4J_BUILD", "onednn-avx512"), "submit/prepare", "--output", out.toString(), "--set",
                "prepare.inputs=[{name=stsb-dev, source=stsb, format=stsb, path=stsbenchmark/sts-dev.csv, split=dev}]");
        assertEquals(0, r.exit(), r.output());
        JsonNode nb = nativeBuilds(out);
        assertEquals("linux-x86_64", nb.path("driver").asText(), nb.toString());
        assertEquals("ANGLE_ND4J_BUILD asks for onednn-avx512 but this CPU lacks avx512f and avx512bw (it would crash)", nb.path("driver_reason").asText());
        assertEquals("linux-x86_64", nb.at("/executors/driver/build").asText(), "local mode's executor reported its choice: " + nb);
        assertTrue(r.output().contains("ND4J native build linux-x86_64 (ANGLE_ND4J_BUILD asks"), "the choice is logged once at start:\n" + r.output());
    }

    @Test
    void everyScriptPrintsItsHelp() throws Exception {
        for (String script : List.of("submit/prepare", "submit/issue-pairs", "submit/train", "submit/evaluate", "submit/embed", "submit/export",
                "submit/retrain", "bench/prepare", "bench/embed")) {
            Result r = run(script, "--help");
            assertEquals(0, r.exit(), script + ":\n" + r.output());
            assertTrue(r.output().contains("--config") && r.output().contains("--set") && r.output().contains("--master"), script + ":\n" + r.output());
        }
    }

    @Test
    void prepareRunsEndToEndThroughItsScript() throws Exception {
        Path out = Files.createTempDirectory("submit-prepare").resolve("out");
        // --conf goes to spark-submit: a credential given there reaches the job's Hadoop settings, not _run.json nor the output.
        Result r = run("submit/prepare", "--output", out.toString(), "--conf", "spark.hadoop.fs.s3a.secret.key=SCRIPTSECRET9", "--set",
                "prepare.inputs=[{name=stsb-test, source=stsb, format=stsb, path=stsbenchmark/sts-test.csv, split=test}]");
        assertEquals(0, r.exit(), r.output());
        assertTrue(Files.isRegularFile(out.resolve("_run.json")), r.output());
        String run = Files.readString(out.resolve("_run.json"));
        assertTrue(run.contains("\"read\" : 1379"));
        assertTrue(run.contains("\"spark.hadoop.fs.s3a.secret.key\" : \"<redacted>\""), run);
        assertFalse(run.contains("SCRIPTSECRET9") || r.output().contains("SCRIPTSECRET9"), r.output());
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
        Result unknownModel = run("submit/evaluate", "--output", Files.createTempDirectory("ev").resolve("o").toString(),
                "--set", "evaluate.models=[bert-huge]");
        assertEquals(2, unknownModel.exit(), unknownModel.output());
        assertTrue(unknownModel.output().contains("'bert-huge'") && unknownModel.output().contains("bge-small-en-v1.5"), unknownModel.output());
        Result exists = run("submit/evaluate", "--output", Files.createTempDirectory("existing").toString());
        assertEquals(2, exists.exit(), exists.output());
        assertTrue(exists.output().contains("--overwrite"), exists.output());
        // The default job jar has no hadoop-aws: an s3a: path says what to add.
        Result s3a = run("submit/prepare", "--output", "s3a://angle-bucket/prepared");
        assertEquals(2, s3a.exit(), s3a.output());
        assertTrue(s3a.output().contains("prepare: s3a: paths need hadoop-aws 3.3.4 on the class path: build the job jar with -Ps3a, "
                + "or pass --packages org.apache.hadoop:hadoop-aws:3.3.4"), s3a.output());
        Result sparkOption = run("submit/prepare", "--set", "spark.hadoop.fs.s3a.access.key=SCRIPTSECRET8");
        assertEquals(2, sparkOption.exit(), sparkOption.output());
        assertTrue(sparkOption.output().contains("--conf spark.hadoop.fs.s3a.access.key=VALUE") && !sparkOption.output().contains("SCRIPTSECRET8"),
                sparkOption.output());
    }

    /**
     * The first lines of every corpus the pipeline's default reads, copied at test time from ../shared/data (the
     * corpora are never committed), so that the whole pipeline runs through its scripts in a few minutes.
     */
    private static Path tinyDataRoot(int lines) throws IOException {
        Path root = Files.createTempDirectory("tiny-data");
        for (String f : List.of("stsbenchmark/sts-train.csv", "stsbenchmark/sts-dev.csv", "stsbenchmark/sts-test.csv", "sick2014/SICK_train.txt",
                "sick2014/SICK_trial.txt", "semeval-sts-2012-train/MSRpar.train.tsv", "semeval-sts-2012-train/SMTeuroparl.train.tsv",
                "nli/esnli-snli-test.jsonl", "nli/taxinli10k.tsv", "nli/esnli-snli-dev.jsonl")) {
            Path to = root.resolve(f);
            Files.createDirectories(to.getParent());
            try (var in = Files.lines(SharedData.dataRoot().resolve(f), StandardCharsets.UTF_8)) {
                Files.write(to, in.limit(lines).toList(), StandardCharsets.UTF_8);
            }
        }
        return root;
    }

    @Test
    void thePipelineRunsEveryStepThroughItsScriptsAndPrintsBeforeAndAfterScores() throws Exception {
        Path out = Files.createTempDirectory("pipeline").resolve("out");
        Result r = Scripts.run(Duration.ofMinutes(15), Map.of("ANGLE_DATA_ROOT", tinyDataRoot(60).toString()), "submit/pipeline",
                "--output", out.toString(), "--model", "minilm-l6-v2", "--steps", "2");
        String output = r.output();
        assertEquals(0, r.exit(), output);
        for (String step : List.of("prepare", "train", "evaluate", "embed", "export")) {
            assertTrue(output.contains("] " + step + " done in"), step + ":\n" + output);
        }
        for (String f : List.of("prepared/_run.json", "train/model.zip", "evaluate/report.md", "embed/_run.json", "onnx/onnx/model.onnx", "onnx/config.json")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f + " is missing:\n" + output);
        }
        // before and after side by side: the pretrained model's column and the fine-tuned one's
        assertTrue(output.contains("| set |") && output.contains("| minilm-l6-v2 |") && output.contains("model.zip"), output);
        assertTrue(output.contains("| stsb-test |"), output);
        // train and embed (DL4J engine) loaded the fastest ND4J build this CPU runs, with no flag given
        for (String step : List.of("train", "embed")) {
            assertEquals(expectedBuild(), nativeBuilds(out.resolve(step)).path("driver_loaded").asText(), step + ": " + nativeBuilds(out.resolve(step)));
        }
        // what a user sees has no library noise: SameDiff's per-op lines on standard output, ND4J's autodiff warnings
        List<String> noise = output.lines().filter(l -> l.contains("Added differentiated op") || l.contains("DifferentialFunction")).toList();
        assertEquals(List.of(), noise, "library noise on the console");
        org.apache.commons.io.FileUtils.deleteDirectory(out.getParent().toFile()); // ~450 MB of models and exports
    }

    @Test
    void retrainPromotesThenRejectsThroughItsScriptWithItsExitCodesAndExportsThePromotedVersion() throws Exception {
        Path dir = Files.createTempDirectory("retrain");
        Path registry = dir.resolve("registry");
        Map<String, String> env = Map.of("ANGLE_DATA_ROOT", tinyDataRoot(60).toString());
        List<String> common = List.of("--set", "retrain.registry=" + registry, "--set", "retrain.name=sts-small",
                "--set", "prepare.inputs=[{name=stsb-train, source=stsb, format=stsb, path=stsbenchmark/sts-train.csv, split=hash}]",
                "--set", "train.model=minilm-l6-v2", "--set", "train.max-steps=2", "--set", "train.spark.workers=1", "--set", "train.batch-per-worker=8",
                "--set", "train.max-length=32", "--set", "evaluate.plots.enabled=false",
                // no dev set: the model is the last step's (on 60 lines a dev set of a few pairs may never beat the start,
                // and a version that holds its start's weights is not promoted)
                "--set", "train.dev.source=no-such-source", "--set", "train.empty-input=warn",
                "--set", "evaluate.sets=[{name=stsb-test, format=stsb, path=stsbenchmark/sts-test.csv}, {name=sick-trial, format=sick, path=sick2014/SICK_trial.txt}]");
        List<String> first = new java.util.ArrayList<>(common);
        first.addAll(List.of("--set", "evaluate.gate.min-gain=-100", "--set", "evaluate.gate.max-loss=100"));
        Result r1 = Scripts.run(Duration.ofMinutes(10), env, "submit/retrain", first.toArray(String[]::new));
        assertEquals(0, r1.exit(), "promoted:\n" + r1.output());
        Path v1 = registry.resolve("sts-small/v1");
        for (String f : List.of("_run.json", "train/model.zip", "evaluation/gate.json", "export/onnx/model.onnx", "export/config.json",
                "export/1_Pooling/config.json", "promotions/000001.json")) {
            Path p = f.startsWith("promotions") ? registry.resolve("sts-small").resolve(f) : v1.resolve(f);
            assertTrue(Files.isRegularFile(p), f + " is missing:\n" + r1.output());
        }
        String exported = Files.readString(v1.resolve("export/encoder.json"));
        assertTrue(exported.contains("\"name\" : \"sts-small\"") && exported.contains("\"model\" : \"minilm-l6-v2\""), exported);

        List<String> second = new java.util.ArrayList<>(common);
        second.addAll(List.of("--set", "evaluate.gate.min-gain=50"));
        Result r2 = Scripts.run(Duration.ofMinutes(10), env, "submit/retrain", second.toArray(String[]::new));
        assertEquals(3, r2.exit(), "rejected:\n" + r2.output());
        assertTrue(r2.output().contains("v2 rejected, current stays v1: stsb-test (primary): challenger"), r2.output());
        assertFalse(Files.exists(registry.resolve("sts-small/v2/export")), "a rejected version is not exported");

        Result status = run(env, "submit/retrain", "--set", "retrain.registry=" + registry, "--set", "retrain.name=sts-small", "--status");
        assertEquals(0, status.exit(), status.output());
        assertTrue(status.output().contains("v1    current") && status.output().contains("v2    rejected: stsb-test (primary)"), status.output());
        org.apache.commons.io.FileUtils.deleteDirectory(dir.toFile());
    }
}
