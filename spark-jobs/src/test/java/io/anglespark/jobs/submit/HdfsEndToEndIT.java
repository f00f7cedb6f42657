package io.anglespark.jobs.submit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.anglespark.jobs.common.HadoopRunFolder;
import io.anglespark.jobs.submit.Scripts.Result;
import io.anglespark.model.train.Checkpoints;
import io.anglespark.prep.SharedData;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole flow on a real HDFS (Hadoop's MiniDFSCluster, in this JVM, at Spark's Hadoop client version), every job
 * submitted through its script as a user would, reading and writing only {@code hdfs://} paths: prepare -> train (a
 * tiny random encoder, checkpoints on HDFS; then two steps of MiniLM-L6) -> embed -> evaluate -> export. One training run's driver is killed
 * (SIGKILL, no clean-up) after its first HDFS checkpoint and resumed with {@code --resume}: it ends with the
 * parameters of a run that was never interrupted.
 */
class HdfsEndToEndIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static MiniDFSCluster dfs;
    private static FileSystem fs;
    private static String hdfs;
    private static final int STEPS = 120;

    @BeforeAll
    static void startHdfs() throws IOException {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, Files.createTempDirectory("minidfs").toString());
        dfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        dfs.waitActive();
        fs = dfs.getFileSystem();
        hdfs = fs.getUri().toString();
        // The corpora the jobs read, on HDFS: the first lines of STS-B train, dev and test.
        for (String f : List.of("sts-train.csv", "sts-dev.csv", "sts-test.csv")) {
            try (OutputStream out = fs.create(new Path("/data/stsbenchmark/" + f))) {
                List<String> lines = SharedData.lines("stsbenchmark/" + f).stream().limit(f.equals("sts-train.csv") ? 400 : 200).toList();
                out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    @AfterAll
    static void stopHdfs() {
        if (dfs != null) {
            dfs.shutdown();
        }
    }

    /** Nothing may be read from this machine's disk: relative input paths would resolve to a folder that does not exist. */
    private static final Map<String, String> ENV = Map.of("ANGLE_DATA_ROOT", "/nonexistent/local-data");

    private static Result run(String script, List<String> args) throws IOException, InterruptedException {
        Result r = Scripts.run(Duration.ofMinutes(8), ENV, script, args.toArray(String[]::new));
        assertEquals(0, r.exit(), script + ":\n" + r.output());
        return r;
    }

    private static Result run(String script, String... args) throws IOException, InterruptedException {
        return run(script, List.of(args));
    }

    private static JsonNode manifest(String dir) throws IOException {
        try (var in = fs.open(new Path(dir, "_run.json"))) {
            return JSON.readTree(in);
        }
    }

    /** submit/train's arguments for the small random-encoder run. */
    private static List<String> train(String out, String... extra) {
        List<String> cmd = new ArrayList<>(List.of("--driver-memory", "2g", "--output", out,
                "--set", "train.input=" + hdfs + "/prepared", "--set", "train.model=random", "--set", "train.max-length=32",
                "--set", "train.spark.workers=1", "--set", "train.batch-per-worker=16", "--set", "train.epochs=5", "--set", "train.max-steps=" + STEPS,
                "--set", "train.checkpoint.every-steps=10", "--set", "train.dev.every-steps=0", "--set", "train.dev.max-pairs=100",
                "--set", "train.optimizer.learning-rate=1e-3"));
        cmd.addAll(List.of(extra));
        return cmd;
    }

    private static float[] newestParameters(String out) throws IOException {
        Checkpoints c = new Checkpoints(new HadoopRunFolder(out, fs.getConf()));
        return c.readModel(c.newest().orElseThrow()).graph().params().data().asFloat();
    }

    @Test
    void everyJobReadsAndWritesHdfsAndAKilledDriverResumesFromItsHdfsCheckpointToTheUninterruptedResult() throws Exception {
        run("submit/prepare", "--output", hdfs + "/prepared", "--set", "prepare.data-root=" + hdfs + "/data", "--set",
                "prepare.inputs=[{name=stsb-train, source=stsb, format=stsb, path=stsbenchmark/sts-train.csv, split=train},"
                        + "{name=stsb-dev, source=stsb, format=stsb, path=stsbenchmark/sts-dev.csv, split=dev},"
                        + "{name=stsb-test, source=stsb, format=stsb, path=stsbenchmark/sts-test.csv, split=test}]");
        assertTrue(fs.exists(new Path("/prepared/pairs")) && manifest(hdfs + "/prepared").at("/counts").size() > 0);

        // An uninterrupted run, then the same run killed after its first checkpoint and resumed.
        String whole = hdfs + "/train-whole";
        run("submit/train", train(whole));
        String out = hdfs + "/train";
        java.nio.file.Path log = Files.createTempFile("hdfs-train", ".log");
        Process p = Scripts.start(log, ENV, Scripts.command("submit/train", train(out)));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(6);
        while (!fs.exists(new Path("/train/checkpoints"))
                || java.util.Arrays.stream(fs.listStatus(new Path("/train/checkpoints"))).noneMatch(st -> st.getPath().getName().startsWith("step-"))) {
            assertTrue(p.isAlive() && System.nanoTime() < deadline, "no checkpoint before the run ended:\n" + Files.readString(log));
            Thread.sleep(200);
        }
        Scripts.kill(p); // SIGKILL: no shutdown hook, no clean-up
        int reached = java.util.Arrays.stream(fs.listStatus(new Path("/train/checkpoints"))).map(st -> st.getPath().getName())
                .filter(n -> n.matches("step-\\d+")).mapToInt(n -> Integer.parseInt(n.substring(5))).max().orElseThrow();
        assertTrue(reached < STEPS, "killed before the end (newest checkpoint step " + reached + "):\n" + Files.readString(log));
        Result resumed = run("submit/train", train(out, "--resume"));
        JsonNode m = manifest(out);
        assertTrue(m.at("/training/finished").asBoolean() && m.at("/training/resumed").asBoolean(), m.toString());
        assertEquals(STEPS, m.at("/training/steps").asInt(), "every step counted once over both runs: " + m.at("/training"));
        assertArrayEquals(newestParameters(whole), newestParameters(out), "resumed from HDFS to the uninterrupted run's parameters");
        for (FileStatus st : fs.listStatus(new Path("/train/checkpoints"))) {
            assertTrue(st.getPath().getName().startsWith("step-"), "no half-written checkpoint left: " + st.getPath() + "\n" + resumed.output());
        }

        // embed, evaluate and export a model fine-tuned from a pretrained one (export needs the ONNX its weights came from)
        String tuned = hdfs + "/train-minilm";
        run("submit/train", "--driver-memory", "4g", "--output", tuned, "--set", "train.input=" + hdfs + "/prepared", "--set", "train.model=minilm-l6-v2",
                "--set", "train.max-length=32", "--set", "train.spark.workers=1", "--set", "train.batch-per-worker=16", "--set", "train.max-steps=2",
                "--set", "train.dev.max-pairs=50");
        String model = tuned + "/model.zip";
        run("submit/embed", "--output", hdfs + "/embed", "--set", "embed.model=" + model, "--set", "embed.input.path=" + hdfs + "/prepared/pairs",
                "--set", "embed.input.format=parquet", "--set", "embed.input.id-column=pair_id", "--set", "embed.input.text-columns=[text1, text2]",
                "--set", "embed.input.where=\"split = 'test'\"");
        run("submit/evaluate", "--output", hdfs + "/evaluate", "--set", "evaluate.data-root=" + hdfs + "/data",
                "--set", "evaluate.models=[\"" + model + "\"]",
                "--set", "evaluate.sets=[{ name = stsb-test, format = stsb, path = \"stsbenchmark/sts-test.csv\" }]");
        run("submit/export", "--output", hdfs + "/onnx", "--set", "export.model=" + model);

        for (String dir : List.of("/prepared", "/train", "/train-minilm", "/embed", "/evaluate", "/onnx")) {
            JsonNode run = manifest(hdfs + dir);
            assertEquals("finished", run.path("status").asText(), dir + ": " + run);
            assertTrue(run.toString().contains(hdfs + dir), dir + " records its HDFS output: " + run);
        }
        assertTrue(fs.exists(new Path("/embed/embeddings")) && fs.exists(new Path("/evaluate/report.json")) && fs.exists(new Path("/onnx/onnx/model.onnx")));
        assertTrue(manifest(hdfs + "/embed").toString().contains(hdfs + "/prepared/pairs"), "the embed job read the HDFS pairs");
    }
}
