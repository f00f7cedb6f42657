package io.anglespark.jobs.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.anglespark.model.Machine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes bench/results/spark.md from the training runs bench/spark made: one row per run (the same data and budget
 * of pairs, each run in its own JVM through submit/train), with pairs/s and its ratio to the one-JVM fitter (the mean
 * of its seeds), the time workers spent computing and the rest of the rounds (parameter broadcast and averaging,
 * scheduling, serialisation, tokenising), and the dev Spearman at the end beside the one-JVM fitter's seed spread,
 * read from each run's {@code _run.json}.
 *
 * <pre>
 * TrainScalingReport OUT.md "COMMAND" LABEL|MODEL|MASTER|WORKERS|AVERAGING_FREQUENCY|SEED|RUN_DIR ...
 * </pre>
 */
public final class TrainScalingReport {
    private TrainScalingReport() {
    }

    /** One run as bench/spark describes it. */
    record Run(String label, String model, String master, int workers, int averagingFrequency, long seed, Path dir) {
        static Run parse(String spec) {
            String[] f = spec.split("\\|", -1);
            if (f.length != 7) {
                throw new IllegalArgumentException("run spec '" + spec + "': want LABEL|MODEL|MASTER|WORKERS|AVERAGING_FREQUENCY|SEED|RUN_DIR");
            }
            return new Run(f[0], f[1], f[2], Integer.parseInt(f[3]), Integer.parseInt(f[4]), Long.parseLong(f[5]), Path.of(f[6]));
        }

        boolean oneJvm() {
            return workers == 1;
        }
    }

    /**
     * The figures of one run; {@code devSpearman} is the last dev evaluation's (NaN without one); {@code stats}: DL4J's
     * training statistics as total ms and events per key (empty for the one-JVM fitter).
     */
    record Row(Run run, long parameters, long examples, double seconds, double pairsPerSecond, double computeSeconds, double overheadSeconds,
               int steps, double devSpearman, Map<String, long[]> stats) {
        double overheadShare() {
            return seconds == 0 ? Double.NaN : overheadSeconds / seconds;
        }

        /** The key's total ms (0 when absent). */
        double ms(String key) {
            long[] v = stats.get(key);
            return v == null ? 0 : v[0];
        }

        /** Averaging rounds: the driver's aggregations (0 without statistics). */
        long rounds() {
            long[] v = stats.get("ParameterAveragingMasterAggregateTimesMs");
            return v == null ? 0 : v[1];
        }
    }

    /**
     * One averaging round taken apart, ms per round (means over the rounds; worker phases also over the workers, who run
     * in parallel): the driver publishing the round's network (a broadcast on a cluster, a reference in local mode),
     * counting the round's minibatches, the workers getting their network (broadcast read and copy into the kept one),
     * fitting and the rest of their task, the driver's wait beyond the mean worker's task (scheduling, the slower worker,
     * results to the driver, the sum), applying the average to the driver's graph, and the rest of the round.
     */
    record Round(double total, double publish, double count, double getNetwork, double fit, double workerOther, double resultsAndSum,
                 double apply, double rest) {
        static Round of(Row r) {
            long rounds = r.rounds();
            if (rounds == 0) {
                return null;
            }
            double workerEvents = Math.max(1, r.stats().getOrDefault("WorkerFlatMapTotalTimeMs", new long[] {0, 1})[1]);
            double total = 1000 * r.seconds() / rounds;
            double publish = r.ms("ParameterAveragingMasterBroadcastCreateTimesMs") / rounds;
            double count = r.ms("ParameterAveragingMasterCountRddSizeTimesMs") / rounds;
            double getNetwork = (r.ms("ParameterAveragingWorkerBroadcastGetValueTimeMs") + r.ms("ParameterAveragingWorkerInitTimeMs")) / workerEvents;
            double fit = r.ms("ParameterAveragingWorkerFitTimesMs") / workerEvents;
            double task = r.ms("WorkerFlatMapTotalTimeMs") / workerEvents;
            double aggregate = r.ms("ParameterAveragingMasterAggregateTimesMs") / rounds;
            double apply = r.ms("ParameterAveragingMasterProcessParamsUpdaterTimesMs") / rounds;
            return new Round(total, publish, count, getNetwork, fit, Math.max(0, task - getNetwork - fit), Math.max(0, aggregate - task), apply,
                    Math.max(0, total - publish - count - aggregate - apply));
        }
    }

    static Row read(Run run) throws IOException {
        Path manifest = run.dir().resolve("_run.json");
        if (!Files.isRegularFile(manifest)) {
            throw new IOException("run '" + run.label() + "': no " + manifest + " (did the training run fail? see its log)");
        }
        JsonNode m = new ObjectMapper().readTree(manifest.toFile());
        JsonNode t = m.path("throughput");
        double seconds = t.path("train_seconds_this_run").asDouble(Double.NaN);
        double compute = t.path("worker_fit_ms_mean_per_worker").asDouble(Double.NaN) / 1000;
        double overhead = t.path("averaging_and_other_overhead_ms").asDouble(Double.NaN) / 1000;
        JsonNode evaluations = m.path("training").path("evaluations");
        double dev = Double.NaN;
        for (JsonNode e : evaluations) {
            dev = e.path("dev_spearman").asDouble(Double.NaN);
        }
        Map<String, long[]> stats = new TreeMap<>();
        t.path("spark_training_stats_ms").fields().forEachRemaining(e -> stats.put(e.getKey(),
                new long[] {e.getValue().path("total_ms").asLong(), e.getValue().path("events").asLong()}));
        return new Row(run, m.path("counts").path("parameters").asLong(), t.path("examples_this_run").asLong(), seconds,
                t.path("pairs_per_second").asDouble(Double.NaN), compute, overhead, m.path("training").path("steps").asInt(-1), dev, stats);
    }

    static String render(List<Row> rows, String command) {
        StringBuilder b = new StringBuilder();
        b.append("# Spark training benchmark\n\n");
        b.append("- date: ").append(Instant.now()).append('\n');
        b.append("- machine: ").append(Machine.describe()).append('\n');
        b.append("- command: `").append(command).append("`\n");
        b.append("- beside it: ").append(System.getProperty("bench.beside", "nothing else (a quiet machine)")).append('\n');
        b.append("- each run: submit/train in its own driver JVM on the same prepared STS-B train pairs with the job's defaults (loss, "
                + "16 pairs per minibatch per worker, up to 64 tokens, Adam), the same budget of pairs (a step = one minibatch on "
                + "every worker, so 2 workers take half the steps); pairs/s over the training rounds only (not start-up, not dev "
                + "scoring); / one-JVM = pairs/s over the one-JVM fitter's mean over its seeds\n");
        b.append("- compute = the workers' fit time (DL4J's ParameterAveragingWorkerFitTimesMs, mean per worker, as they run in "
                + "parallel); overhead = the rest of the rounds' wall time: parameter and updater broadcast, averaging, Spark "
                + "scheduling, serialisation, tokenising the round's pairs\n");
        b.append("- dev = Spearman x100 of cosine on all STS-B dev pairs after the last step; the one-JVM fitter's seed spread is "
                + "the range of its seeds' scores\n\n");
        b.append("| run | model | parameters | master | workers | averaging every | seed | steps | pairs | train s | pairs/s | / one-JVM "
                + "| compute s | overhead s | overhead share | dev |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            double base = rows.stream().filter(o -> o.run().oneJvm() && o.run().model().equals(r.run().model()))
                    .mapToDouble(Row::pairsPerSecond).average().orElse(Double.NaN);
            b.append(String.format(Locale.ROOT, "| %s | %s | %,d | %s | %d | %d | %d | %d | %d | %.1f | %.2f | %.2f | %s | %s | %s | %.2f |%n",
                    r.run().label(), r.run().model(), r.parameters(), r.run().master(), r.run().workers(), r.run().averagingFrequency(),
                    r.run().seed(), r.steps(), r.examples(), r.seconds(), r.pairsPerSecond(), r.pairsPerSecond() / base,
                    orBlank("%.1f", r.computeSeconds()), orBlank("%.1f", r.overheadSeconds()), orBlank("%.0f%%", 100 * r.overheadShare()),
                    100 * r.devSpearman()));
        }
        b.append('\n');
        b.append("Where a round's time goes, ms per round (DL4J's training statistics in each run's _run.json; worker phases are the mean "
                + "over workers, who run in parallel): publish = the driver publishing the round's network (a broadcast on a cluster, a "
                + "reference in local mode); count = counting the round's minibatches; get network = a worker reading the round's network "
                + "and copying it into the one it keeps; fit = the worker's steps; worker other = the rest of its task (the result); "
                + "results + sum = the driver's aggregation beyond the mean worker's task (scheduling, waiting for the slower worker, the "
                + "results to the driver, the sum); apply = the average into the driver's graph; rest = the round's other time "
                + "(tokenising and splitting the round's pairs, listeners); the phases add up to the round\n\n");
        b.append("| run | model | rounds | round ms | publish | count | get network | fit | worker other | results + sum | apply | rest |\n");
        b.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            Round d = Round.of(r);
            if (d != null) {
                b.append(String.format(Locale.ROOT, "| %s | %s | %d | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f |%n",
                        r.run().label(), r.run().model(), r.rounds(), d.total(), d.publish(), d.count(), d.getNetwork(), d.fit(),
                        d.workerOther(), d.resultsAndSum(), d.apply(), d.rest()));
            }
        }
        b.append('\n');
        rows.stream().map(r -> r.run().model()).distinct().forEach(model -> {
            double[] dev = rows.stream().filter(r -> r.run().oneJvm() && r.run().model().equals(model)).mapToDouble(Row::devSpearman).toArray();
            if (dev.length > 0) {
                b.append(String.format(Locale.ROOT, "- %s: the one-JVM fitter's dev over %d seeds: %.2f .. %.2f%n", model, dev.length,
                        100 * java.util.Arrays.stream(dev).min().getAsDouble(), 100 * java.util.Arrays.stream(dev).max().getAsDouble()));
            }
        });
        return b.toString();
    }

    /** The value formatted, or blank when there is none (the one-JVM fitter has no rounds to split). */
    private static String orBlank(String format, double value) {
        return Double.isNaN(value) ? "" : String.format(Locale.ROOT, format, value);
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println("usage: TrainScalingReport OUT.md COMMAND RUN_SPEC...");
            System.exit(2);
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            rows.add(read(Run.parse(args[i])));
        }
        Path out = Path.of(args[0]);
        Files.writeString(out, render(rows, args[1]), StandardCharsets.UTF_8);
        System.out.println(Files.readString(out));
    }
}
