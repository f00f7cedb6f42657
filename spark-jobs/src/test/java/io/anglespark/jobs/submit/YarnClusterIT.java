package io.anglespark.jobs.submit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.anglespark.jobs.submit.Scripts.Result;
import org.apache.commons.io.FileUtils;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The training and embed jobs on a real YARN: Hadoop's MiniYARNCluster (a ResourceManager and one NodeManager in this
 * JVM, from hadoop-client-minicluster at Spark's Hadoop version) with the NodeManager's memory check on. Each job is
 * submitted through its script as a user on a gateway host does: {@code --master yarn} and HADOOP_CONF_DIR naming the
 * cluster's yarn-site.xml, no Spark distribution (the script runs the build's spark-yarn and ships the build's Spark
 * jars to the containers). In cluster deploy mode the driver runs in YARN's application master container; in client
 * mode in the submitting JVM. Small on purpose (a one-layer random encoder, two averaging rounds of 5 steps), so CI stays within its time;
 * {@code .ci/run} runs it after the default suite.
 */
class YarnClusterIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration LIMIT = Duration.ofMinutes(5);
    private static MiniYARNCluster yarn;
    private static Path work;
    private static Path hadoopConf;
    private static Path prepared;

    @BeforeAll
    static void startYarn() throws Exception {
        work = Files.createTempDirectory("yarn-it");
        YarnConfiguration conf = new YarnConfiguration();
        // hadoop-client-minicluster carries no capacity-scheduler.xml: one queue, all of the cluster (as Spark's own YARN tests).
        conf.set("yarn.scheduler.capacity.root.queues", "default");
        conf.setInt("yarn.scheduler.capacity.root.default.capacity", 100);
        conf.setInt("yarn.scheduler.capacity.root.default.maximum-capacity", 100);
        conf.setFloat("yarn.scheduler.capacity.root.default.user-limit-factor", 1);
        conf.set("yarn.scheduler.capacity.root.default.state", "RUNNING");
        conf.set("yarn.scheduler.capacity.root.default.acl_submit_applications", "*");
        conf.set("yarn.scheduler.capacity.root.default.acl_administer_queue", "*");
        conf.setInt("yarn.scheduler.capacity.node-locality-delay", -1);
        conf.set("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", "100.0");
        conf.set(YarnConfiguration.RM_HOSTNAME, "127.0.0.1");
        // One node with room for an application master and two executors; containers over their memory are killed
        // (physical memory check on, as on a real cluster; the virtual one off, as most clusters run).
        conf.setInt(YarnConfiguration.YARN_MINICLUSTER_NM_PMEM_MB, 10240); // MiniYARNCluster's own key (4096 by default)
        conf.setInt(YarnConfiguration.NM_VCORES, 4);
        conf.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 256);
        conf.setInt(YarnConfiguration.RM_SCHEDULER_MAXIMUM_ALLOCATION_MB, 4096);
        conf.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, true);
        conf.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
        // A node's Java, as an administrator sets it in yarn-env.sh (this test JVM may have no JAVA_HOME to pass on).
        conf.set(YarnConfiguration.NM_ADMIN_USER_ENV, "JAVA_HOME=" + System.getProperty("java.home"));
        yarn = new MiniYARNCluster(YarnClusterIT.class.getSimpleName(), 1, 1, 1);
        yarn.init(conf);
        yarn.start();
        // start() may return before the ResourceManager has written its bound port into the configuration.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (yarn.getConfig().get(YarnConfiguration.RM_ADDRESS).endsWith(":0")) {
            assertTrue(System.nanoTime() < deadline, "the ResourceManager did not bind");
            Thread.sleep(100);
        }
        assertTrue(yarn.waitForNodeManagersToConnect(30_000), "the NodeManager did not register");
        // The client settings a gateway host has: yarn-site.xml in HADOOP_CONF_DIR.
        hadoopConf = Files.createDirectories(work.resolve("hadoop-conf"));
        try (OutputStream out = Files.newOutputStream(hadoopConf.resolve("yarn-site.xml"))) {
            yarn.getConfig().writeXml(out);
        }
        prepared = work.resolve("prepared");
        Result r = Scripts.run(Duration.ofMinutes(5), Map.of(), "submit/prepare", "--output", prepared.toString(),
                "--set", "prepare.inputs=[{name=stsb-train, source=stsb, format=stsb, path=stsbenchmark/sts-train.csv, split=train},"
                        + "{name=stsb-dev, source=stsb, format=stsb, path=stsbenchmark/sts-dev.csv, split=dev}]");
        assertEquals(0, r.exit(), r.output());
    }

    @AfterAll
    static void stopYarn() throws IOException {
        if (yarn != null) {
            Path dir = yarn.getTestWorkDir().toPath();
            yarn.stop();
            // The NodeManager's caches hold a copy of the job jar (500 MB) and Spark's jars: drop them, keep the logs.
            FileUtils.deleteQuietly(dir.resolve(YarnClusterIT.class.getSimpleName() + "-localDir-nm-0_0").toFile());
        }
        if (work != null) {
            FileUtils.deleteQuietly(work.toFile());
        }
    }

    /** Runs a script against the YARN cluster, as a gateway host's user: --master yarn, HADOOP_CONF_DIR. */
    private static Result yarn(String script, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--master", "yarn"));
        all.addAll(List.of(args));
        return Scripts.run(LIMIT, Map.of("HADOOP_CONF_DIR", hadoopConf.toString()), script, all.toArray(String[]::new));
    }

    /** {@link #yarn}, which must succeed; on failure the message carries the containers' logs. */
    private static Result submit(String script, String... args) throws Exception {
        Result r = yarn(script, args);
        assertEquals(0, r.exit(), () -> script + ":\n" + r.output() + "\ncontainer logs:\n" + containerLogs());
        return r;
    }

    /** The last lines of every container's stderr (the application master's holds a cluster-mode driver's log). */
    private static String containerLogs() {
        try (Stream<Path> files = Files.walk(yarn.getTestWorkDir().toPath())) {
            return files.filter(f -> f.getFileName().toString().equals("stderr")).map(f -> {
                try {
                    List<String> lines = Files.readAllLines(f);
                    return "== " + f + "\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
                } catch (IOException e) {
                    return "== " + f + ": " + e;
                }
            }).collect(Collectors.joining("\n"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static String[] train(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("--num-executors", "2", "--executor-cores", "1", "--conf", "spark.executor.memory=1g",
                "--conf", "spark.executor.memoryOverhead=1g", "--driver-memory", "1g", "--queue", "default",
                "--output", out.toString(), "--set", "train.input=" + prepared, "--set", "train.model=random", "--set", "train.max-length=32",
                "--set", "train.spark.workers=2", "--set", "train.max-steps=10", "--set", "train.dev.every-steps=0", "--set", "train.dev.max-pairs=100",
                "--set", "train.progress-interval-s=1"));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    private static String[] embed(Path model, Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("--num-executors", "2", "--executor-cores", "1", "--conf", "spark.executor.memory=1g",
                "--conf", "spark.executor.memoryOverhead=1g", "--driver-memory", "1g",
                "--output", out.toString(), "--set", "embed.model=" + model, "--set", "embed.max-length=32",
                "--set", "embed.input.path=" + prepared.resolve("pairs"), "--set", "embed.input.format=parquet",
                "--set", "embed.input.id-column=pair_id", "--set", "embed.input.text-columns=[text1, text2]",
                "--set", "embed.input.where=\"split = 'dev'\""));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    private static JsonNode manifest(Path out) throws IOException {
        return JSON.readTree(out.resolve("_run.json").toFile());
    }

    /** What every YARN run's manifest shows: the master, the sizing given on the command line, two executors. */
    private static void assertRanOnYarn(JsonNode m, String deployMode) {
        JsonNode conf = m.path("spark_conf");
        assertEquals("yarn", m.path("master").asText(), m.toString());
        assertEquals(deployMode, conf.path("spark.submit.deployMode").asText(), conf.toString());
        assertTrue(conf.path("spark.app.id").asText().startsWith("application_"), "a YARN application: " + conf);
        assertEquals("2", conf.path("spark.executor.instances").asText(), "--num-executors reached the job: " + conf);
        assertEquals("1g", conf.path("spark.executor.memory").asText(), "--conf spark.executor.memory reached the job: " + conf);
        assertEquals(2, m.at("/native_builds/executors").size(), "two executors in YARN containers reported: " + m.path("native_builds"));
    }

    @Test
    void inClusterDeployModeTrainAndEmbedRunTheirDriversInYarnContainers() throws Exception {
        Path trained = work.resolve("train-cluster");
        Result t = submit("submit/train", train(trained, "--deploy-mode", "cluster"));
        assertTrue(t.output().contains("final status: SUCCEEDED"), t.output());
        JsonNode m = manifest(trained);
        assertRanOnYarn(m, "cluster");
        assertEquals("default", m.at("/spark_conf/spark.yarn.queue").asText(), "--queue reached the job: " + m.path("spark_conf"));
        assertTrue(m.at("/training/finished").asBoolean() && m.at("/training/steps").asInt() == 10, m.path("training").toString());
        // The driver ran in the application master's container (YARN tells it its application id), with the job's
        // settings from the jar (no --config was given) and the logging configuration YARN put beside it.
        assertTrue(m.at("/spark_conf/spark.yarn.app.id").asText().startsWith("application_"), m.path("spark_conf").toString());
        // (Only the files spark-submit read and shipped name the submitting machine's conf/.)
        String confDir = Scripts.ROOT.resolve("conf").toString();
        m.path("spark_conf").fields().forEachRemaining(e -> assertTrue(e.getKey().equals("spark.yarn.dist.files")
                || !e.getValue().asText().contains(confDir), e.toString()));
        assertTrue(m.path("spark_conf").path("spark.yarn.dist.files").asText().contains(confDir + "/log4j2.properties"), m.path("spark_conf").toString());
        String logs = containerLogs();
        assertTrue(logs.contains("ND4J native build"), "the driver's log is in a container's stderr:\n" + logs);

        // A user error in the driver (the output exists) fails the application with the job's exit code, in one attempt.
        Result again = yarn("submit/train", train(trained, "--deploy-mode", "cluster"));
        assertTrue(again.exit() != 0 && again.output().contains("User application exited with status 2"), again.output());
        String app = again.lines().stream().filter(l -> l.contains("Submitted application ")).findFirst().orElseThrow()
                .replaceAll(".*Submitted application ", "").trim();
        try (Stream<Path> attempts = Files.walk(yarn.getTestWorkDir().toPath())) {
            assertEquals(List.of(), attempts.map(f -> f.getFileName().toString())
                    .filter(n -> n.startsWith("container_" + app.substring("application_".length()) + "_02_")).toList(), "no second attempt");
        }
        assertTrue(containerLogs().contains("already exists; pass --overwrite"), "the driver said why: " + containerLogs());

        Path vectors = work.resolve("embed-cluster");
        Result e = submit("submit/embed", embed(trained.resolve("model.zip"), vectors, "--deploy-mode", "cluster"));
        assertTrue(e.output().contains("final status: SUCCEEDED"), e.output());
        JsonNode em = manifest(vectors);
        assertRanOnYarn(em, "cluster");
        assertEquals("finished", em.path("status").asText(), em.toString());
        assertEmbeddedEveryDevText(em, vectors);
    }

    @Test
    void inClientModeTrainAndEmbedDriveYarnExecutorsFromTheSubmittingJvm() throws Exception {
        Path trained = work.resolve("train-client");
        Result t = submit("submit/train", train(trained));
        assertTrue(t.output().contains("ND4J native build"), "the driver logs on this console:\n" + t.output());
        JsonNode m = manifest(trained);
        assertRanOnYarn(m, "client");
        assertTrue(m.at("/training/finished").asBoolean() && m.at("/training/steps").asInt() == 10, m.path("training").toString());

        Path vectors = work.resolve("embed-client");
        submit("submit/embed", embed(trained.resolve("model.zip"), vectors));
        JsonNode em = manifest(vectors);
        assertRanOnYarn(em, "client");
        assertEmbeddedEveryDevText(em, vectors);
    }

    /** The STS-B dev pairs the prepare job wrote (its manifest counts them per source and split). */
    private static long devPairs() throws IOException {
        long n = manifest(prepared).at("/outputs/pairs/stsb~1dev").asLong();
        assertTrue(n > 1400, "STS-B dev's 1,500 pairs, less what prepare set aside: " + n);
        return n;
    }

    /** Each dev pair's two texts: each one written once or quarantined with a reason, none lost. */
    private static void assertEmbeddedEveryDevText(JsonNode m, Path out) throws IOException {
        JsonNode c = m.path("counts");
        assertEquals(2 * devPairs(), c.path("read").asLong(), c.toString());
        assertEquals(c.path("read").asLong(), c.path("unique_ids").asLong() + c.path("duplicate_rows_merged").asLong() + c.path("quarantined").asLong(),
                c.toString());
        assertEquals(c.path("unique_ids").asLong(), c.path("written").asLong(), "a new output: every id written: " + c);
        try (Stream<Path> files = Files.list(out.resolve("embeddings"))) {
            assertTrue(files.anyMatch(f -> f.toString().endsWith(".parquet")), "vectors written: " + out);
        }
    }
}
