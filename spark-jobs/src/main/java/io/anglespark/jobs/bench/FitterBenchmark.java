package io.anglespark.jobs.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anglespark.jobs.common.JobConfigs;
import io.anglespark.jobs.train.TrainJob;
import io.anglespark.jobs.train.TrainJobConfig;
import io.anglespark.model.Machine;
import io.anglespark.model.NativeBuild;
import io.anglespark.model.batch.Batcher;
import io.anglespark.model.batch.TrainingExample;
import io.anglespark.model.tokenize.WordPieceTokenizer;
import io.anglespark.model.train.ModelSpec;
import io.anglespark.model.train.TrainingGraph;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The training job's one-JVM fitter against a bare fit loop on the same batches (run by {@code bench/fitter}).
 *
 * <pre>
 * FitterBenchmark bare OUT.json CONFIG [--set KEY=VALUE ...]
 *     reads the job's training pairs and model as the job would (same configuration), builds the same training graph
 *     and plan, and times {@code graph.fit} on the plan's first stop-after-steps minibatches in a plain loop
 * FitterBenchmark report OUT.md COMMAND BARE.json JOB_OUTPUT
 *     the bare loop's pairs/s beside the job's (from its _run.json), and their ratio
 * </pre>
 */
public final class FitterBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();

    private FitterBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length >= 3 && args[0].equals("bare")) {
            List<String> overrides = new ArrayList<>();
            for (int i = 3; i < args.length; i++) {
                if (!args[i].equals("--set") || i + 1 == args.length) {
                    throw new IllegalArgumentException("expected --set KEY=VALUE, got " + args[i]);
                }
                overrides.add(args[++i]);
            }
            bare(Path.of(args[1]), TrainJobConfig.from(JobConfigs.load(args[2], overrides, new Configuration())));
        } else if (args.length == 5 && args[0].equals("report")) {
            report(Path.of(args[1]), args[2], Path.of(args[3]), Path.of(args[4]));
        } else {
            System.err.println("usage: FitterBenchmark bare OUT.json CONFIG [--set KEY=VALUE ...] | report OUT.md COMMAND BARE.json JOB_OUTPUT");
            System.exit(2);
        }
    }

    static void bare(Path out, TrainJobConfig cfg) throws Exception {
        NativeBuild.select(); // as SparkSessions does for the jobs: before ND4J's first use
        List<TrainingExample> train;
        ModelSpec spec;
        SparkSession spark = SparkSession.builder().master("local[1]").appName("bench-fitter-read").config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").getOrCreate();
        try {
            train = TrainJob.readTrain(spark, cfg, spark.sparkContext().hadoopConfiguration());
            spec = TrainJob.modelSpec(cfg, spark.sparkContext().hadoopConfiguration());
        } finally {
            spark.stop();
        }
        WordPieceTokenizer tokenizer = WordPieceTokenizer.fromJson(new ByteArrayInputStream(spec.tokenizerJson()));
        Batcher batcher = new Batcher(train, cfg.format(), tokenizer, cfg.training().maxLength(), cfg.batchPerWorker(), cfg.training().seed());
        List<int[]> plan = batcher.plan(0);
        int steps = Math.min(cfg.stopAfterSteps() > 0 ? cfg.stopAfterSteps() : plan.size(), plan.size());
        ComputationGraph graph = TrainingGraph.build(cfg.training(), spec, plan.size() * cfg.training().epochs());
        long examples = 0;
        long nanos = 0;
        for (int s = 0; s < steps; s++) {
            var mds = batcher.toMultiDataSet(plan.get(s));
            long t0 = System.nanoTime();
            graph.fit(mds);
            nanos += System.nanoTime() - t0;
            examples += plan.get(s).length;
        }
        ObjectNode r = JSON.createObjectNode();
        r.put("model", spec.name());
        r.put("steps", steps);
        r.put("examples", examples);
        r.put("seconds", nanos / 1e9);
        r.put("pairs_per_second", examples / (nanos / 1e9));
        Files.writeString(out, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r));
        System.out.printf(Locale.ROOT, "bare loop: %s, %d steps, %d pairs in %.1f s: %.2f pairs/s%n", spec.name(), steps, examples, nanos / 1e9,
                examples / (nanos / 1e9));
    }

    static void report(Path out, String command, Path bareJson, Path jobOutput) throws Exception {
        JsonNode bare = JSON.readTree(bareJson.toFile());
        JsonNode job = JSON.readTree(jobOutput.resolve("_run.json").toFile());
        double bareRate = bare.get("pairs_per_second").asDouble();
        double jobRate = job.at("/throughput/pairs_per_second").asDouble();
        StringBuilder b = new StringBuilder("# The training job's one-JVM fitter against a bare fit loop\n\n");
        b.append("- date: ").append(Instant.now()).append('\n');
        b.append("- machine: ").append(Machine.describe()).append('\n');
        b.append("- command: `").append(command).append("`\n");
        b.append("- both: the same prepared STS-B train pairs, model, batches (the job's plan of epoch 1: length-bucketed, seeded) and number "
                + "of steps; pairs/s over the fitting only (not start-up, dev scoring or checkpoints). The bare loop calls `graph.fit` on "
                + "the batches in a plain loop; the job is `submit/train --set train.spark.workers=1` in its own driver JVM ("
                + job.at("/fitter/describe").asText() + ")\n\n");
        b.append("| run | model | steps | pairs | fit s | pairs/s |\n|---|---|---|---|---|---|\n");
        b.append(String.format(Locale.ROOT, "| bare loop | %s | %d | %d | %.1f | %.2f |%n", bare.get("model").asText(), bare.get("steps").asInt(),
                bare.get("examples").asLong(), bare.get("seconds").asDouble(), bareRate));
        b.append(String.format(Locale.ROOT, "| submit/train, 1 worker | %s | %d | %d | %.1f | %.2f |%n", job.at("/training/model").asText(),
                job.at("/training/steps").asInt(), job.at("/throughput/examples_this_run").asLong(),
                job.at("/throughput/train_seconds_this_run").asDouble(), jobRate));
        b.append(String.format(Locale.ROOT, "%n**job / bare loop = %.3f**%n", jobRate / bareRate));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, b.toString(), StandardCharsets.UTF_8);
        System.out.println(b);
    }
}
