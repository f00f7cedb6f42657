package io.anglespark.jobs.submit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.anglespark.jobs.submit.Scripts.Result;
import io.anglespark.model.NativeBuild;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The training job on a real Spark standalone cluster: a master and two workers started from Spark's own
 * jars on 127.0.0.1 with authentication on (spark-jobs/src/test/cluster/local-cluster.sh), the job submitted
 * through submit/train (Spark's submit class, client mode) with the shaded jar. One run finishes; in a second
 * run one worker (and its executor) is killed mid-training and the job still finishes on the other, its model
 * written. Small on purpose: a one-layer random encoder, so the suite stays within its time.
 */
class StandaloneClusterIT {
    private static final Path ROOT = Scripts.ROOT;
    private static final Path CLUSTER = ROOT.resolve("spark-jobs/src/test/cluster/local-cluster.sh");
    private static Path prepared;

    private Path clusterDir;

    private static Result run(Path log, long minutes, String... cmd) throws IOException, InterruptedException {
        return Scripts.run(log, Duration.ofMinutes(minutes), Map.of(), cmd[0], Arrays.copyOfRange(cmd, 1, cmd.length));
    }

    /** STS-B train and dev through the prepare job, once (local mode). */
    @BeforeAll
    static void prepare() throws Exception {
        prepared = Files.createTempDirectory("cluster-it").resolve("prepared");
        Result r = run(Files.createTempFile("prepare", ".log"), 5, ROOT.resolve("submit/prepare").toString(), "--output", prepared.toString(),
                "--set", "prepare.inputs=[{name=stsb-train, source=stsb, format=stsb, path=stsbenchmark/sts-train.csv, split=train},"
                        + "{name=stsb-dev, source=stsb, format=stsb, path=stsbenchmark/sts-dev.csv, split=dev}]");
        assertEquals(0, r.exit(), r.output());
    }

    private void startCluster() throws Exception {
        startCluster(true);
    }

    private void startCluster(boolean authenticate) throws Exception {
        clusterDir = Files.createTempDirectory("standalone");
        Result r = run(Files.createTempFile("cluster", ".log"), 3, CLUSTER.toString(), "start", clusterDir.toString(), "2", "1", "2g",
                authenticate ? "on" : "off");
        assertEquals(0, r.exit(), r.output());
        String props = Files.readString(clusterDir.resolve("spark.properties"));
        assertEquals(authenticate, props.contains("spark.authenticate               true") && props.contains("spark.authenticate.secret"), props);
    }

    @AfterEach
    void stopCluster() throws Exception {
        if (clusterDir != null) {
            run(Files.createTempFile("cluster-stop", ".log"), 1, CLUSTER.toString(), "stop", clusterDir.toString());
            // Each executor copies the job jar (500 MB) into its work folder: drop the copies, keep the logs.
            if (Files.isDirectory(clusterDir.resolve("work"))) {
                try (var files = Files.walk(clusterDir.resolve("work"))) {
                    for (Path jar : files.filter(f -> f.toString().endsWith(".jar")).toList()) {
                        Files.deleteIfExists(jar);
                    }
                }
            }
        }
    }

    private String[] train(Path out, String... extra) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("submit/train").toString(),
                "--master", Files.readString(clusterDir.resolve("master-url")).trim(),
                "--properties", clusterDir.resolve("spark.properties").toString(), "--driver-memory", "2g",
                "--output", out.toString(),
                "--set", "train.input=" + prepared,
                "--set", "train.model=random",
                "--set", "train.max-length=32",
                "--set", "train.dev.max-pairs=200",
                "--set", "train.progress-interval-s=1"));
        cmd.addAll(List.of(extra));
        return cmd.toArray(String[]::new);
    }

    private static JsonNode manifest(Path out) throws IOException {
        return new ObjectMapper().readTree(out.resolve("_run.json").toFile());
    }

    @Test
    void trainingJobSubmittedToAnAuthenticatedTwoWorkerClusterFinishesAndWritesItsModel() throws Exception {
        startCluster();
        Path out = clusterDir.resolve("out");
        // The executors are told they run on an AVX2-only CPU (a cpuinfo fixture); the driver reads the real one.
        Result r = run(clusterDir.resolve("train.log"), 8, train(out, "--set", "train.optimizer.learning-rate=1e-3",
                "--set", "train.max-steps=40", "--conf", "spark.executorEnv.ANGLE_CPUINFO=" + ROOT.resolve("spark-jobs/src/test/resources/cpuinfo/avx2-only.txt"),
                // spark-submit's own options pass through the script unchanged (the cluster's properties file says 2g;
                // --num-executors is YARN's and Kubernetes', standalone sizes by cores)
                "--conf", "spark.executor.memory=1536m", "--total-executor-cores", "2", "--executor-cores", "1"));
        assertEquals(0, r.exit(), r.output());
        assertTrue(Files.isRegularFile(out.resolve("model.zip")), r.output());
        JsonNode m = manifest(out);
        assertTrue(m.path("master").asText().startsWith("spark://127.0.0.1:"), "the manifest records the standalone master: " + m);
        assertTrue(m.at("/training/finished").asBoolean(), m.toString());
        assertEquals(40, m.at("/training/steps").asInt(), m.toString());
        assertEquals("1536m", m.at("/spark_conf/spark.executor.memory").asText(), "--conf reached the job: " + m.path("spark_conf"));
        assertEquals("2", m.at("/spark_conf/spark.cores.max").asText(), "--total-executor-cores reached the job: " + m.path("spark_conf"));
        assertEquals("1", m.at("/spark_conf/spark.executor.cores").asText(), "--executor-cores reached the job: " + m.path("spark_conf"));
        // Each JVM chose its ND4J build for its own CPU: the executors the portable one, the driver the fastest its CPU runs.
        JsonNode nb = m.path("native_builds");
        assertEquals(2, nb.path("executors").size(), "both executors reported their build: " + nb);
        for (JsonNode e : nb.path("executors")) {
            assertEquals("linux-x86_64", e.path("build").asText(), nb.toString());
            assertEquals("this CPU lacks avx512f and avx512bw", e.path("reason").asText(), nb.toString());
        }
        String driverBuild = NativeBuild.choose(null, "test", true, NativeBuild.thisCpuFlags(), EnumSet.allOf(NativeBuild.Build.class)).platform();
        assertEquals(driverBuild, nb.path("driver").asText(), nb.toString());
        // Both workers ran executors for this application.
        for (String w : List.of("worker-1", "worker-2")) {
            try (var apps = Files.list(clusterDir.resolve("work").resolve(w))) {
                assertTrue(apps.findAny().isPresent(), w + " ran no executor:\n" + r.output());
            }
        }
    }

    @Test
    void trainingSurvivesAWorkerKilledMidRunAndStillWritesTheModel() throws Exception {
        startCluster();
        Path out = clusterDir.resolve("out");
        Path log = clusterDir.resolve("train.log");
        long t0 = System.nanoTime();
        Process p = Scripts.start(log, Map.of(), List.of(train(out, "--set", "train.optimizer.learning-rate=1e-3", "--set", "train.max-steps=120",
                "--set", "train.checkpoint.every-steps=10", "--set", "train.dev.every-steps=0")));
        // Kill worker-2 (and its executor) once training is under way: after the first checkpoint.
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(6);
        while (!Files.readString(log).contains("checkpoint ") && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        assertTrue(p.isAlive(), "the job ended before a worker could be killed:\n" + Files.readString(log));
        Result kill = run(Files.createTempFile("kill", ".log"), 1, CLUSTER.toString(), "kill-worker", clusterDir.toString(), "worker-2");
        assertEquals(0, kill.exit(), kill.output());
        Result trained = Scripts.await(p, log, Duration.ofMinutes(10), t0);
        String output = trained.output();
        assertEquals(0, trained.exit(), output);
        assertTrue(Files.isRegularFile(out.resolve("model.zip")), output);
        Result workers = run(Files.createTempFile("workers", ".log"), 1, CLUSTER.toString(), "workers", clusterDir.toString());
        assertTrue(!workers.output().contains("worker-2") && workers.output().contains("worker-1"), workers.output());
        assertTrue(output.contains("Lost executor"), "the driver saw the executor go:\n" + output);
        JsonNode m = manifest(out);
        assertTrue(m.at("/training/finished").asBoolean(), "the run finished its plan: " + m);
        assertEquals(120, m.at("/training/steps").asInt(), "every step ran, none twice: " + m);
        assertEquals(2, m.at("/training/evaluations").size(), "scored at the start and at the end of the budget: " + m);
    }

    @Test
    void inClusterDeployModeTheDriverRunsOnAWorkerFromTheJarAloneWithItsBundledConfig() throws Exception {
        // Without authentication: Spark 3.5's standalone master strips the secret from the driver it launches (SPARK-25078).
        startCluster(false);
        Path out = clusterDir.resolve("out-cluster-mode");
        List<String> cmd = new ArrayList<>(List.of(train(out, "--deploy-mode", "cluster", "--driver-memory", "1g",
                "--conf", "spark.executor.memory=1g", "--conf", "spark.standalone.submit.waitAppCompletion=true",
                "--set", "train.spark.workers=1", "--set", "train.max-steps=6", "--set", "train.dev.every-steps=0")));
        Result r = run(clusterDir.resolve("train-cluster-mode.log"), 8, cmd.toArray(String[]::new));
        // spark-submit exits 0 here whatever the driver's end (Spark 3.5's standalone client): the output tells.
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("is FINISHED"), "the driver finished:\n" + r.output());
        // The driver ran on a worker (its folder holds the driver's logs), not in the submitting JVM.
        List<Path> drivers;
        try (var ws = Files.walk(clusterDir.resolve("work"), 2)) {
            drivers = ws.filter(d -> d.getFileName().toString().startsWith("driver-")).toList();
        }
        assertEquals(1, drivers.size(), "one driver folder on a worker:\n" + r.output());
        String driverLog = Files.readString(drivers.get(0).resolve("stderr"));
        assertTrue(driverLog.contains("ND4J native build"), driverLog);
        JsonNode m = manifest(out);
        assertTrue(m.at("/training/finished").asBoolean(), m.toString());
        assertEquals(6, m.at("/training/steps").asInt(), m.toString());
        assertEquals("cluster", m.at("/spark_conf/spark.submit.deployMode").asText(), m.path("spark_conf").toString());
        // No --config reached the driver (LaunchScriptTest checks the command): it read the defaults bundled in the jar.
        assertTrue(!m.path("spark_conf").toString().contains(ROOT.resolve("conf").toString()), m.path("spark_conf").toString());
    }
}
