package io.anglespark.jobs.submit;

import io.anglespark.jobs.submit.Scripts.Result;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The submit scripts' command line, without running Spark: how options are routed (spark-submit's before the jar,
 * the job's after it), what a user error prints, and what cluster deploy mode sends to the driver. The scripts print
 * the command they would run with ANGLE_PRINT_COMMAND=1; ANGLE_JAR points nowhere, so nothing here needs (or builds)
 * the jar, as on a fresh clone.
 */
class LaunchScriptTest {
    private static final Path ROOT = Scripts.ROOT;
    private static final String NO_JAR = "/nonexistent/angle-spark-jobs.jar";

    private static Result run(Map<String, String> env, String script, String... args) throws IOException, InterruptedException {
        Map<String, String> all = new HashMap<>();
        all.put("SPARK_HOME", null);
        all.put("ANGLE_JAR", NO_JAR);
        all.putAll(env);
        return Scripts.run(Duration.ofMinutes(1), all, script, args);
    }

    private static Result command(Map<String, String> env, String script, String... args) throws IOException, InterruptedException {
        Map<String, String> all = new HashMap<>(env);
        all.put("ANGLE_PRINT_COMMAND", "1");
        Result r = run(all, script, args);
        assertEquals(0, r.exit(), r.output());
        return r;
    }

    /** The arguments after the jar: the job's. */
    private static List<String> jobArgs(Result r) {
        List<String> l = r.lines();
        return l.subList(l.indexOf(NO_JAR) + 1, l.size());
    }

    /** The arguments before the jar: spark-submit's. */
    private static List<String> submitArgs(Result r) {
        List<String> l = r.lines();
        return l.subList(0, l.indexOf(NO_JAR));
    }

    @Test
    void helpAndVersionAnswerInSecondsWithoutTheJar() throws Exception {
        String pom = Files.readString(ROOT.resolve("pom.xml"));
        String version = pom.substring(pom.indexOf("<version>") + 9, pom.indexOf("</version>"));
        for (String script : List.of("submit/prepare", "submit/issue-pairs", "submit/train", "submit/evaluate", "submit/embed", "submit/export",
                "submit/pipeline", "submit/retrain", "bench/prepare", "bench/embed")) {
            Result help = run(Map.of(), script, "--help");
            assertEquals(0, help.exit(), script + ":\n" + help.output());
            assertTrue(help.output().contains("--master") && help.output().contains("--conf"), script + ":\n" + help.output());
            assertFalse(help.output().contains("building the job jar"), script + ":\n" + help.output());
            assertTrue(help.millis() < 10_000, script + " --help took " + help.millis() + " ms");
            Result v = run(Map.of(), script, "--version");
            assertEquals(List.of("angle-spark " + version), v.lines(), script);
        }
        Result train = run(Map.of(), "submit/train", "--help");
        for (String option : List.of("--config", "--set", "--output", "--overwrite", "--resume", "--deploy-mode", "--num-executors",
                "--executor-memory", "--queue", "--files")) {
            assertTrue(train.output().contains(option), option + " in:\n" + train.output());
        }
    }

    @Test
    void anOptionWithoutItsValueExitsTwoWithOneLine() throws Exception {
        for (String[] args : List.of(new String[] {"--master"}, new String[] {"--set"}, new String[] {"--conf"}, new String[] {"--output", "--overwrite"},
                new String[] {"--num-executors"}, new String[] {"--deploy-mode="})) {
            Result r = run(Map.of(), "submit/train", args);
            assertEquals(2, r.exit(), String.join(" ", args) + ":\n" + r.output());
            assertEquals(List.of("train: " + args[0].replace("=", "") + " needs a value (see --help)"), r.lines());
        }
        Result pipeline = run(Map.of(), "submit/pipeline", "--master");
        assertEquals(2, pipeline.exit());
        assertEquals(List.of("pipeline: --master needs a value (see --help)"), pipeline.lines());
    }

    @Test
    void unknownOptionsAndSparkSubmitsShortConfAreRefusedWithoutEchoingValues() throws Exception {
        Result unknown = run(Map.of(), "submit/prepare", "--bogus=SECRET123");
        assertEquals(2, unknown.exit());
        assertEquals(List.of("prepare: unknown option '--bogus' (see --help)"), unknown.lines());
        Result shortConf = run(Map.of(), "submit/prepare", "-c", "spark.hadoop.fs.s3a.secret.key=SECRET123");
        assertEquals(2, shortConf.exit());
        assertEquals(List.of("prepare: -c is this job's --config; for a Spark property write --conf KEY=VALUE"), shortConf.lines());
        Result positional = run(Map.of(), "submit/prepare", "SECRET123");
        assertEquals(2, positional.exit());
        assertFalse(positional.output().contains("SECRET123"), positional.output());
    }

    @Test
    void sparkSubmitOptionsGoBeforeTheJarUnchangedAndTheJobsAfterIt() throws Exception {
        Result r = command(Map.of(), "submit/train", "--conf", "spark.executor.memory=3g", "--num-executors", "2", "--executor-cores=2",
                "--set", "train.max-steps=3", "--queue", "q1", "-o", "/tmp/out", "--resume", "--verbose", "--name", "nightly");
        List<String> before = submitArgs(r);
        String submit = String.join(" ", before);
        for (String expected : List.of("--conf spark.executor.memory=3g", "--num-executors 2", "--executor-cores 2", "--queue q1", "--verbose",
                "--name nightly", "--class io.anglespark.jobs.train.TrainJob")) {
            assertTrue(submit.contains(expected), expected + " in " + submit);
        }
        assertEquals(List.of("--config", ROOT.resolve("conf/train.conf").toString(), "--set", "train.max-steps=3", "-o", "/tmp/out", "--resume"),
                jobArgs(r), "client mode: the user's conf/train.conf, then the job's options in order");
        // each job's own flags reach it: the evaluate job's --gate, the retraining job's --status
        assertEquals(List.of("--config", ROOT.resolve("conf/evaluate.conf").toString(), "--gate"), jobArgs(command(Map.of(), "submit/evaluate", "--gate")));
        Result retrain = command(Map.of(), "submit/retrain", "--status", "--set", "retrain.name=faq");
        assertEquals(List.of("--config", ROOT.resolve("conf/retrain.conf").toString(), "--status", "--set", "retrain.name=faq"), jobArgs(retrain));
        assertTrue(String.join(" ", submitArgs(retrain)).contains("--class io.anglespark.jobs.retrain.RetrainJob"), retrain.output());
    }

    @Test
    void jvmOptionsFromTheUserAreAddedToTheProjectsNotPutInTheirPlace() throws Exception {
        Result r = command(Map.of("SPARK_HOME", "/opt/spark-3.5", "ANGLE_JAVA_OPTIONS", "-Dall=1"), "submit/train", "--master", "yarn",
                "--driver-java-options", "-Ddriver=2", "--conf", "spark.executor.extraJavaOptions=-Dexecutor=3");
        List<String> submit = submitArgs(r);
        List<String> driver = submit.stream().filter(a -> a.startsWith("spark.driver.extraJavaOptions=")).toList();
        List<String> executor = submit.stream().filter(a -> a.startsWith("spark.executor.extraJavaOptions=")).toList();
        assertEquals(1, driver.size(), "one driver option set, not a second that replaces the first: " + submit);
        assertEquals(1, executor.size(), submit.toString());
        assertTrue(driver.get(0).contains("--add-opens=java.base/java.nio=ALL-UNNAMED") && driver.get(0).endsWith(" -Dall=1 -Ddriver=2"), driver.get(0));
        assertTrue(executor.get(0).contains("--add-opens=java.base/java.nio=ALL-UNNAMED") && executor.get(0).endsWith(" -Dall=1 -Dexecutor=3"),
                executor.get(0));
        assertFalse(submit.contains("--driver-java-options"), "spark-submit's own flag would replace the merged options: " + submit);
    }

    @Test
    void theEmbedJobsOwnJitFlagsReachItsDriverAndExecutorsAndItsBenchmarkButNoOtherJob() throws Exception {
        java.util.Properties jvm = new java.util.Properties();
        try (var in = Files.newInputStream(ROOT.resolve("conf/jvm.properties"))) {
            jvm.load(in);
        }
        String embedFlags = jvm.getProperty("jvm.job.embed", "");
        assertTrue(embedFlags.startsWith("-XX:"), "conf/jvm.properties gives the embed job JIT flags: " + embedFlags);
        assertTrue(Files.readString(ROOT.resolve("README.md")).contains("`" + embedFlags + "` (`conf/jvm.properties`, key `jvm.job.embed`)"),
                "the README states the embed job's flags as conf/jvm.properties gives them");
        for (String script : List.of("submit/embed", "bench/embed")) {
            List<String> submit = submitArgs(command(Map.of("ANGLE_JAVA_OPTIONS", "-Duser=1"), script));
            for (String side : List.of("spark.driver.extraJavaOptions=", "spark.executor.extraJavaOptions=")) {
                String opts = submit.stream().filter(a -> a.startsWith(side)).findFirst().orElseThrow();
                assertTrue(opts.contains(" " + embedFlags + " ") && opts.endsWith(" -Duser=1"),
                        script + ": the job's flags after the project's, the user's last (they win): " + opts);
            }
        }
        for (String script : List.of("submit/train", "submit/evaluate")) {
            String submit = String.join(" ", submitArgs(command(Map.of(), script)));
            assertFalse(submit.contains(embedFlags), script + " runs with the JVM's own JIT settings: " + submit);
        }
    }

    @Test
    void inClusterDeployModeNoPathOfThisMachineReachesTheDriver() throws Exception {
        String home = ROOT.toString();
        // YARN: a local --config is shipped with --files and named by its file name; logging config shipped too.
        Result yarn = command(Map.of("SPARK_HOME", "/opt/spark-3.5"), "submit/train", "--master", "yarn", "--deploy-mode", "cluster",
                "--config", "conf/train.conf", "-o", "hdfs://nn/out", "--files", "/data/lexicon.txt");
        assertEquals(List.of("--config", "train.conf", "-o", "hdfs://nn/out"), jobArgs(yarn));
        List<String> submit = submitArgs(yarn);
        String files = submit.get(submit.indexOf("--files") + 1);
        assertEquals("/data/lexicon.txt," + home + "/conf/train.conf," + home + "/conf/log4j2.properties", files);
        assertEquals(1, submit.stream().filter("--files"::equals).count(), "spark-submit keeps only the last --files: one, merged");
        // What spark-submit itself reads here (its properties file, the files it ships) may be local; nothing else may.
        for (int i = 0; i < submit.size(); i++) {
            String a = submit.get(i);
            boolean readBySparkSubmit = i > 0 && (submit.get(i - 1).equals("--properties-file") || submit.get(i - 1).equals("--files"));
            assertTrue(readBySparkSubmit || i == 0 || !a.contains(home), "a local path reaches the cluster: " + a);
        }
        // Standalone: without a config, the defaults bundled in the jar; a local config is refused.
        Result standalone = command(Map.of(), "submit/embed", "--master", "spark://m:7077", "--deploy-mode", "cluster", "-o", "hdfs://nn/v");
        assertEquals(List.of("-o", "hdfs://nn/v"), jobArgs(standalone));
        assertTrue(submitArgs(standalone).stream().skip(1).filter(a -> a.contains(home)).allMatch(a -> a.endsWith("cluster.properties")),
                String.join("\n", submitArgs(standalone)));
        Result localConfig = run(Map.of(), "submit/embed", "--master", "spark://m:7077", "--deploy-mode", "cluster", "--config", "conf/embed.conf");
        assertEquals(2, localConfig.exit());
        assertTrue(localConfig.output().contains("--config must be a Hadoop path"), localConfig.output());
    }

    @Test
    void yarnWithoutASparkDistributionUsesTheClusterConfigFolderAndShipsSparksJarsUnlessTheUserNamesThem() throws Exception {
        Result noConf = run(Map.of("HADOOP_CONF_DIR", "", "YARN_CONF_DIR", ""), "submit/train", "--master", "yarn");
        assertEquals(2, noConf.exit(), noConf.output());
        assertEquals(List.of("train: --master yarn needs HADOOP_CONF_DIR (or YARN_CONF_DIR): the folder holding the cluster's yarn-site.xml and core-site.xml"),
                noConf.lines());

        Result r = command(Map.of("HADOOP_CONF_DIR", "/etc/hadoop/conf", "YARN_CONF_DIR", ""), "submit/embed", "--master", "yarn", "--deploy-mode",
                "cluster", "-o", "hdfs://nn/v");
        List<String> submit = submitArgs(r);
        assertEquals("java", submit.get(0), "Spark's submit class, no distribution: " + submit);
        assertTrue(submit.get(submit.indexOf("-cp") + 1).startsWith("/etc/hadoop/conf:"), "the cluster's settings first on the class path: " + submit);
        assertTrue(submit.contains("spark.yarn.jars=@ANGLE_SPARK_JARS@"), "the containers get the build's Spark jars: " + submit);

        for (String given : List.of("spark.yarn.archive=hdfs://nn/spark/jars.zip", "spark.yarn.jars=hdfs://nn/spark/jars/*")) {
            List<String> own = submitArgs(command(Map.of("HADOOP_CONF_DIR", "/etc/hadoop/conf"), "submit/embed", "--master", "yarn", "--conf", given));
            assertTrue(own.contains(given) && own.stream().noneMatch(a -> a.startsWith("spark.yarn.jars=@")), "the user's choice stands: " + own);
        }
        Result k8s = run(Map.of(), "submit/embed", "--master", "k8s://https://api:6443");
        assertEquals(2, k8s.exit(), k8s.output());
        assertTrue(k8s.output().contains("needs SPARK_HOME"), k8s.output());
    }
}
