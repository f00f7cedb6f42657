package io.anglespark.jobs.bench;

import com.typesafe.config.Config;
import io.anglespark.jobs.common.ConfigReader;
import io.anglespark.jobs.common.JobCli;
import io.anglespark.jobs.common.JobConfigs;
import io.anglespark.jobs.common.JobMain;
import io.anglespark.jobs.common.SparkSessions;
import io.anglespark.jobs.embed.EmbedConfig;
import io.anglespark.jobs.embed.EmbedJob;
import io.anglespark.jobs.embed.EmbedReport;
import io.anglespark.jobs.embed.EngineCache;
import io.anglespark.model.serve.Engine;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.memory.AllocationsTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmark of the embed job on both engines: for each corpus size (default 10,000 and 100,000 texts drawn from
 * ../shared/data's STS-B sentences, each made unique by a number, so every row is embedded), runs
 * {@link EmbedJob#run} with {@code dl4j} and with {@code onnxruntime} in this JVM, and writes a Markdown report with
 * rows/s, the ONNX Runtime / DL4J ratio, and the executor's peak memory during each run: resident set (VmHWM from
 * /proc/self/status, reset before each run through /proc/self/clear_refs), heap in use, ND4J's off-heap bytes
 * (AllocationsTracker) and JavaCPP's physical bytes (the last three sampled every 100 ms). The benchmark runs in local mode, where the executors are this JVM, so
 * these are the executor's figures.
 */
@Command(name = "bench-embed", description = "Embeds synthetic corpora through the DL4J and ONNX Runtime engines and reports rows/s and peak executor memory.")
public final class EmbedBenchmark implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(EmbedBenchmark.class);

    @CommandLine.Mixin
    JobCli cli = new JobCli();

    public static void main(String[] args) {
        System.exit(JobMain.execute("bench-embed", new EmbedBenchmark(), args));
    }

    record Settings(List<Long> sizes, List<Engine> engines, long seed, String dataRoot, String workDir, String report) {
        static Settings from(Config c) {
            ConfigReader r = ConfigReader.of(c, "bench-embed");
            List<Double> sizes = r.optionalDoubleList("sizes");
            List<String> engines = r.optionalStringList("engines");
            Settings s = new Settings(sizes == null ? List.of(10_000L, 100_000L) : sizes.stream().map(Double::longValue).toList(),
                    (engines == null ? List.of("dl4j", "onnxruntime") : engines).stream().map(Engine::parse).toList(),
                    r.longIn("seed", 7, Long.MIN_VALUE, Long.MAX_VALUE), r.string("data-root", "../shared/data"),
                    r.requiredString("work-dir"), r.requiredString("report"));
            r.rejectUnknownKeys();
            if (s.sizes().isEmpty() || s.sizes().stream().anyMatch(n -> n < 1)) {
                throw r.invalid("sizes", s.sizes(), "must list positive corpus sizes");
            }
            return s;
        }
    }

    /** One run's figures. */
    record Run(long texts, Engine engine, String modelId, double embedSeconds, double wallSeconds, long written, long tokens,
               long peakRss, long peakHeap, long peakOffHeap, long peakPhysical) {
        double rowsPerSecond() {
            return written / embedSeconds;
        }
    }

    @Override
    public Integer call() throws Exception {
        String configPath = cli.configFile("bench-embed");
        Settings s = Settings.from(JobConfigs.load(configPath, cli.overrides, new Configuration()));
        Path work = Paths.get(s.workDir()).toAbsolutePath();
        List<String> sentences = sentences(s.dataRoot());
        List<Run> runs = new ArrayList<>();
        SparkSession spark = SparkSessions.create("angle-spark bench-embed");
        EmbedConfig last = null;
        try {
            for (long n : s.sizes()) {
                Path corpus = work.resolve("corpus-" + n + ".jsonl");
                generate(corpus, n, sentences, s.seed());
                for (Engine engine : s.engines()) {
                    List<String> overrides = new ArrayList<>(cli.overrides);
                    overrides.add("embed.input.path=" + corpus);
                    overrides.add("embed.input.format=jsonl");
                    overrides.add("embed.output=" + work.resolve("out-" + n + "-" + engine.label()));
                    overrides.add("embed.overwrite=true");
                    overrides.add("embed.engine=" + engine.label());
                    EmbedConfig cfg = EmbedConfig.from(JobConfigs.load(configPath, overrides, new Configuration()));
                    last = cfg;
                    EngineCache.clear();
                    System.gc();
                    runs.add(measure(spark, cfg, n));
                    Run r = runs.get(runs.size() - 1);
                    LOG.info("{} texts on {}: {} rows/s, peak RSS {} MB, heap {} MB, off-heap {} MB", n, engine.label(),
                            Math.round(r.rowsPerSecond()), r.peakRss() >> 20, r.peakHeap() >> 20, r.peakOffHeap() >> 20);
                }
            }
        } finally {
            spark.stop();
        }
        String md = report(s, last, runs, spark.version());
        Path out = Paths.get(s.report());
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, md);
        System.out.println(md);
        return 0;
    }

    private static Run measure(SparkSession spark, EmbedConfig cfg, long n) throws IOException, InterruptedException {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        // Executors are this JVM in local mode; the probe job runs there all the same, so the code path is the cluster's.
        sc.parallelize(List.of(1), 1).map(x -> MemoryProbe.resetPeaks()).collect();
        Sampler sampler = new Sampler();
        Thread t = new Thread(sampler, "bench-embed-memory-sampler");
        t.setDaemon(true);
        t.start();
        long t0 = System.nanoTime();
        EmbedReport r;
        try {
            r = EmbedJob.run(spark, cfg);
        } finally {
            sampler.stop = true;
            t.join();
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        long rss = sc.parallelize(List.of(1), 1).map(x -> MemoryProbe.peakRss()).collect().get(0);
        return new Run(n, cfg.engine(), r.modelId(), r.embedSeconds(), wall, r.written(), r.tokens(), rss, sampler.heap.get(),
                sampler.offHeap.get(), sampler.physical.get());
    }

    /** Executor-side memory readings (static: they run in the executor JVM). */
    static final class MemoryProbe implements Serializable {
        private MemoryProbe() {
        }

        /** Resets the process's peak resident set (Linux: "5" to /proc/self/clear_refs) and the heap pools' peaks. */
        static boolean resetPeaks() {
            for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
                p.resetPeakUsage();
            }
            try {
                Files.writeString(Paths.get("/proc/self/clear_refs"), "5");
                return true;
            } catch (IOException e) {
                LOG.warn("cannot reset the peak resident set ({}); VmHWM is the peak since the JVM started", e.toString());
                return false;
            }
        }

        /** VmHWM in bytes, -1 without /proc. */
        static long peakRss() {
            try {
                for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
                    if (line.startsWith("VmHWM:")) {
                        return Long.parseLong(line.replaceAll("\\D+", "")) << 10;
                    }
                }
            } catch (IOException | NumberFormatException e) {
                LOG.debug("no /proc/self/status: {}", e.toString());
            }
            return -1;
        }
    }

    /** Samples heap in use, ND4J's off-heap bytes (its AllocationsTracker) and JavaCPP's physical bytes every 100 ms, keeping the maxima. */
    private static final class Sampler implements Runnable {
        volatile boolean stop;
        final AtomicLong heap = new AtomicLong();
        final AtomicLong offHeap = new AtomicLong();
        final AtomicLong physical = new AtomicLong();

        @Override
        public void run() {
            while (!stop) {
                long h = 0;
                for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
                    if (p.getType() == MemoryType.HEAP) {
                        h += p.getUsage().getUsed();
                    }
                }
                heap.accumulateAndGet(h, Math::max);
                offHeap.accumulateAndGet(AllocationsTracker.getInstance().bytesOnDevice(0), Math::max);
                physical.accumulateAndGet(Pointer.physicalBytes(), Math::max);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** STS-B sentences (train, dev, test) as the vocabulary of the synthetic corpus. */
    static List<String> sentences(String dataRoot) throws IOException {
        List<String> out = new ArrayList<>();
        for (String f : List.of("sts-train.csv", "sts-dev.csv", "sts-test.csv")) {
            Path p = Paths.get(dataRoot, "stsbenchmark", f);
            if (!Files.isRegularFile(p)) {
                throw new IOException("benchmark texts come from " + p + ", which is missing (set bench-embed.data-root)");
            }
            for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                String[] fields = line.split("\t", -1);
                if (fields.length >= 7) {
                    out.add(fields[5].strip());
                    out.add(fields[6].strip());
                }
            }
        }
        return out;
    }

    /** {@code n} JSON lines {@code {"id": "t<i>", "text": "<sentence> (<i>)"}}, sentences drawn at random (seeded). */
    static void generate(Path file, long n, List<String> sentences, long seed) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Random rnd = new Random(seed);
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (long i = 0; i < n; i++) {
                String text = sentences.get(rnd.nextInt(sentences.size())) + " (" + i + ")";
                w.write(json.createObjectNode().put("id", "t" + i).put("text", text).toString());
                w.write('\n');
            }
        }
    }

    private static String report(Settings s, EmbedConfig cfg, List<Run> runs, String sparkVersion) {
        StringBuilder b = new StringBuilder();
        b.append("# Embedding benchmark\n\n");
        b.append(String.format(Locale.ROOT, "- date: %s%n- machine: %d cores (%s), JVM max heap %d MB, Java %s, Spark %s, local mode "
                        + "(the executors are the driver JVM)%n", Instant.now(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.arch"), Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.version"), sparkVersion));
        b.append("- command: `bench/embed` (class io.anglespark.jobs.bench.EmbedBenchmark, conf/bench-embed.conf)");
        if (!s.sizes().equals(List.of(10_000L, 100_000L))) {
            b.append(" with sizes ").append(s.sizes());
        }
        b.append('\n');
        if (cfg != null) {
            b.append(String.format(Locale.ROOT, "- model %s, %s, batch %d, bucket %d texts, slices of %,d rows, %s partitions, ORT threads %s%n",
                    cfg.model(), cfg.policy().describe(), cfg.batchSize(), cfg.bucketTexts(), cfg.sliceRows(),
                    cfg.partitions() == 0 ? "default" : String.valueOf(cfg.partitions()), cfg.ortThreads() == 0 ? "default" : cfg.ortThreads()));
        }
        b.append("- corpus: STS-B train/dev/test sentences drawn at random (seed ").append(s.seed())
                .append("), each made unique by its number, JSON lines; every text is embedded\n");
        b.append("- rows/s: rows written / time of the embed-and-commit stage (model already loaded); wall: the whole job run\n\n");
        b.append("| texts | engine | rows/s | ORT / DL4J | embed s | wall s | tokens | peak RSS (VmHWM) | peak heap used (sampled) | peak ND4J off-heap (sampled) | peak JavaCPP physical (sampled) |\n");
        b.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Run r : runs) {
            String ratio = "";
            if (r.engine() == Engine.ONNXRUNTIME) {
                for (Run d : runs) {
                    if (d.texts() == r.texts() && d.engine() == Engine.DL4J) {
                        ratio = String.format(Locale.ROOT, "%.2f", r.rowsPerSecond() / d.rowsPerSecond());
                    }
                }
            }
            b.append(String.format(Locale.ROOT, "| %,d | %s | %,.1f | %s | %.1f | %.1f | %,d | %,d MB | %,d MB | %,d MB | %,d MB |%n", r.texts(),
                    r.engine().label(), r.rowsPerSecond(), ratio, r.embedSeconds(), r.wallSeconds(), r.tokens(), r.peakRss() >> 20,
                    r.peakHeap() >> 20, r.peakOffHeap() >> 20, r.peakPhysical() >> 20));
        }
        if (s.sizes().size() > 1) {
            b.append("\nPeak RSS, largest corpus / smallest, per engine: ");
            for (Engine e : s.engines()) {
                Run small = null, big = null;
                for (Run r : runs) {
                    if (r.engine() == e && (small == null || r.texts() < small.texts())) {
                        small = r;
                    }
                    if (r.engine() == e && (big == null || r.texts() > big.texts())) {
                        big = r;
                    }
                }
                if (small != null && big != null) {
                    b.append(String.format(Locale.ROOT, "%s %.2f (%,d -> %,d texts); ", e.label(), (double) big.peakRss() / small.peakRss(),
                            small.texts(), big.texts()));
                }
            }
            b.append('\n');
        }
        if (runs.stream().allMatch(r -> r.peakOffHeap() == 0)) {
            b.append("\nND4J's AllocationsTracker counted no bytes in these runs; "
                    + "the off-heap memory of both engines shows in the resident set and JavaCPP's physical bytes.\n");
        }
        b.append("\nModel ids: ");
        runs.stream().map(r -> r.engine().label() + " " + r.modelId()).distinct().forEach(x -> b.append(x).append("; "));
        b.append('\n');
        return b.toString();
    }
}
