package io.anglespark.jobs.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import io.anglespark.jobs.common.ConfigReader;
import io.anglespark.jobs.common.JobCli;
import io.anglespark.jobs.common.HadoopFs;
import io.anglespark.jobs.common.JobConfigs;
import io.anglespark.jobs.common.JobMain;
import io.anglespark.jobs.common.SparkSessions;
import io.anglespark.jobs.embed.EmbedConfig;
import io.anglespark.jobs.embed.EmbedJob;
import io.anglespark.jobs.embed.EmbedReport;
import io.anglespark.jobs.embed.EngineCache;
import io.anglespark.model.serve.Engine;
import io.anglespark.model.tokenize.WordPieceTokenizer;
import io.anglespark.model.serve.Precision;
import io.anglespark.model.serve.HuggingFaceLayout;
import io.anglespark.model.serve.OnnxExporter;
import io.anglespark.model.encoder.EncoderArtifact;
import io.anglespark.model.encoder.Encoder;
import io.anglespark.model.PretrainedModel;
import io.anglespark.model.Pooling;
import io.anglespark.model.Machine;
import io.anglespark.model.NativeBuild;
import io.anglespark.jobs.export.ExportJob;
import io.anglespark.jobs.export.ExportConfig;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Serializable;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ListenerNotFoundException;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Benchmark of the embed job on both engines: for each corpus size (default 10,000 and 100,000 texts drawn from
 * ../shared/data's STS-B sentences, each made unique by a number, so every row is embedded), runs
 * {@link EmbedJob#run} with {@code dl4j} and with {@code onnxruntime} in this JVM, and writes a Markdown report with
 * rows/s, the ONNX Runtime / DL4J ratio, and the executor's memory during each run:
 * <ul>
 *   <li>peak resident set (VmHWM from /proc/self/status, reset before each run through /proc/self/clear_refs);
 *   bench/embed starts the JVM with a fixed, pre-touched heap ({@code -Xms} = {@code -Xmx},
 *   {@code -XX:+AlwaysPreTouch}), so the heap is resident from the start and a change in the resident set is
 *   off-heap memory (ND4J's arrays, ONNX Runtime's arena, Parquet's buffers), not the JVM deciding to grow its heap;</li>
 *   <li>peak live heap: the heap in use right after each garbage collection (GC notifications), the maximum over the
 *   run; heap in use between collections is mostly garbage and says nothing about what the job keeps;</li>
 *   <li>peak JavaCPP bytes: the off-heap memory JavaCPP has allocated and not yet freed (ND4J's arrays; ONNX Runtime
 *   allocates outside it), sampled every 100 ms.</li>
 * </ul>
 * The benchmark runs in local mode, where the executors are this JVM, so these are the executor's figures.
 */
@Command(name = "bench-embed", description = "Embeds synthetic corpora through the DL4J and ONNX Runtime engines and reports rows/s and peak executor memory.")
public final class EmbedBenchmark implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(EmbedBenchmark.class);

    @CommandLine.Mixin
    JobCli cli = new JobCli();

    public static void main(String[] args) {
        System.exit(JobMain.execute("bench-embed", new EmbedBenchmark(), args));
    }

    /** What one run measures: a bare ONNX Runtime loop, or the embed job on an engine and precision. */
    enum Variant {
        BARE_ONNXRUNTIME(Engine.ONNXRUNTIME, Precision.FP32, true),
        BARE_ONNXRUNTIME_INT8(Engine.ONNXRUNTIME, Precision.INT8, true),
        ONNXRUNTIME(Engine.ONNXRUNTIME, Precision.FP32, false),
        ONNXRUNTIME_INT8(Engine.ONNXRUNTIME, Precision.INT8, false),
        DL4J(Engine.DL4J, Precision.FP32, false);

        final Engine engine;
        final Precision precision;
        /** A plain ONNX Runtime loop, not the embed job. */
        final boolean bare;

        Variant(Engine engine, Precision precision, boolean bare) {
            this.engine = engine;
            this.precision = precision;
            this.bare = bare;
        }

        /** The run this one's rows/s is compared with: the bare loop of its precision (none for the bare loops and DL4J). */
        Variant bareLoop() {
            return bare || engine != Engine.ONNXRUNTIME ? null : precision == Precision.INT8 ? BARE_ONNXRUNTIME_INT8 : BARE_ONNXRUNTIME;
        }

        /** The float run of the same kind an int8 run is compared with (none for float runs). */
        Variant floatRun() {
            return precision != Precision.INT8 ? null : bare ? BARE_ONNXRUNTIME : ONNXRUNTIME;
        }

        String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        static Variant parse(String s) {
            for (Variant v : values()) {
                if (v.label().equals(s.trim().toLowerCase(Locale.ROOT))) {
                    return v;
                }
            }
            throw new IllegalArgumentException("unknown run '" + s + "' (known: bare-onnxruntime, bare-onnxruntime-int8, onnxruntime, "
                    + "onnxruntime-int8, dl4j)");
        }

        /** Runs on the model's export folder (the float file, or its int8 file) rather than its registered name. */
        boolean onExport() {
            return engine == Engine.ONNXRUNTIME;
        }
    }

    record Settings(List<Long> sizes, List<Variant> runs, int repeats, long seed, String dataRoot, String workDir, String report,
                    boolean isolate, int gcSeconds) {
        /** Repetitions of every (size, run) unless bench-embed.repeats says otherwise (conf/bench-embed.conf states the same). */
        static final int DEFAULT_REPEATS = 3;

        static Settings from(Config c) {
            ConfigReader r = ConfigReader.of(c, "bench-embed");
            List<Double> sizes = r.optionalDoubleList("sizes");
            List<String> runs = r.optionalStringList("runs");
            List<Variant> variants;
            try {
                variants = (runs == null ? List.of("bare-onnxruntime", "bare-onnxruntime-int8", "onnxruntime", "onnxruntime-int8") : runs).stream().map(Variant::parse).toList();
            } catch (IllegalArgumentException e) {
                throw r.invalid("runs", runs, e.getMessage());
            }
            Settings s = new Settings(sizes == null ? List.of(10_000L, 100_000L) : sizes.stream().map(Double::longValue).toList(), variants,
                    r.intIn("repeats", DEFAULT_REPEATS, 1, 20), r.longIn("seed", 7, Long.MIN_VALUE, Long.MAX_VALUE), r.string("data-root", "../shared/data"),
                    r.requiredString("work-dir"), r.requiredString("report"), r.bool("isolate", true),
                    r.intIn("full-gc-every-seconds", 30, 0, 3600));
            r.rejectUnknownKeys();
            if (s.sizes().isEmpty() || s.sizes().stream().anyMatch(n -> n < 1)) {
                throw r.invalid("sizes", s.sizes(), "must list positive corpus sizes");
            }
            return s;
        }
    }

    /**
     * One run's figures; {@code repeat} counts from 1 (every run of a repetition runs before the next repetition's first).
     * {@code jitSeconds}: the JVM's JIT compilation time over the run (its compiler threads' time, which on a machine with
     * few cores is taken from the run's own).
     */
    record Run(long texts, Variant variant, int repeat, String modelId, double embedSeconds, double wallSeconds, long written, long tokens,
               long startRss, long peakRss, long peakLiveHeap, int fullCollections, int collections, double gcSeconds, double jitSeconds) {
        double rowsPerSecond() {
            return written / embedSeconds;
        }
    }

    /** Set on the child JVMs of an isolated benchmark: TEXTS:RUN:REPEAT:RESULT_FILE, the one run to do and where its figures go. */
    @CommandLine.Option(names = "--one-run", hidden = true)
    String oneRun;

    @Override
    public Integer call() throws Exception {
        NativeBuild.select(); // as SparkSessions does for the jobs: before ND4J's first use (the export below loads the model)
        String configPath = cli.configFile("bench-embed");
        Settings s = Settings.from(JobConfigs.load(configPath, cli.sets("bench-embed", "embed"), HadoopFs.driverConfiguration()));
        Path work = Paths.get(s.workDir()).toAbsolutePath();
        ObjectMapper json = new ObjectMapper();
        if (oneRun != null) {
            String[] parts = oneRun.split(":", 4);
            long n = Long.parseLong(parts[0]);
            Variant v = Variant.parse(parts[1]);
            int repeat = Integer.parseInt(parts[2]);
            EmbedConfig cfg = embedConfig(configPath, work, n, v);
            Run r = v.bare ? measureBare(cfg, work, n, v, repeat, s.gcSeconds())
                    : SparkSessions.runAndStop("angle-spark bench-embed " + n + " " + parts[1], spark -> measure(spark, cfg, v, n, repeat, s.gcSeconds()));
            json.writeValue(Paths.get(parts[3]).toFile(), r);
            return 0;
        }
        if (s.runs().stream().anyMatch(Variant::onExport)) {
            export(configPath, work);
        }
        List<String> sentences = sentences(s.dataRoot());
        List<Run> runs = new ArrayList<>();
        SparkSession spark = s.isolate() ? null : SparkSessions.create("angle-spark bench-embed");
        try {
            for (long n : s.sizes()) {
                generate(corpus(work, n), n, sentences, s.seed());
                // Repetitions interleaved (every run once, then again), so a slow spell of the machine touches every run
                // alike instead of one run's repetitions.
                for (int repeat = 1; repeat <= s.repeats(); repeat++) {
                    for (Variant v : s.runs()) {
                        Run r;
                        if (spark == null) {
                            r = inFreshJvm(n, v, repeat, work, json);
                        } else {
                            EngineCache.clear();
                            System.gc();
                            EmbedConfig cfg = embedConfig(configPath, work, n, v);
                            r = v.bare ? measureBare(cfg, work, n, v, repeat, s.gcSeconds()) : measure(spark, cfg, v, n, repeat, s.gcSeconds());
                        }
                        runs.add(r);
                        LOG.info("{} texts, {}, repetition {}/{}: {} rows/s, peak RSS {} MB (at start {} MB), live heap {} MB", n, v.label(),
                                repeat, s.repeats(), Math.round(r.rowsPerSecond()), r.peakRss() >> 20, r.startRss() >> 20, r.peakLiveHeap() >> 20);
                    }
                }
            }
        } finally {
            if (spark != null) {
                spark.stop();
            }
        }
        EmbedConfig described = embedConfig(configPath, work, s.sizes().get(0), s.runs().get(0));
        String md = report(s, described, runs);
        Path out = Paths.get(s.report());
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, md);
        System.out.println(md);
        return 0;
    }

    private static Path corpus(Path work, long n) {
        return work.resolve("corpus-" + n + ".jsonl");
    }

    /**
     * The embed job's configuration for one run: conf's embed settings and the overrides, with this run's input, output,
     * engine and precision; the ONNX Runtime runs use the model's export folder ({@link #export}).
     */
    private EmbedConfig embedConfig(String configPath, Path work, long n, Variant v) {
        List<String> overrides = cli.sets("bench-embed", "embed");
        overrides.add("embed.input.path=" + corpus(work, n));
        overrides.add("embed.input.format=jsonl");
        overrides.add("embed.output=" + work.resolve("out-" + n + "-" + v.label()));
        overrides.add("embed.overwrite=true");
        overrides.add("embed.engine=" + v.engine.label());
        overrides.add("embed.precision=" + v.precision.label());
        EmbedConfig base = EmbedConfig.from(JobConfigs.load(configPath, overrides, HadoopFs.driverConfiguration()));
        if (v.onExport()) {
            overrides.add("embed.model=" + exportDir(work, base.model()));
            return EmbedConfig.from(JobConfigs.load(configPath, overrides, HadoopFs.driverConfiguration()));
        }
        return base;
    }

    private static Path exportDir(Path work, String model) {
        return work.resolve("export-" + model);
    }

    /**
     * The registered model exported with its int8 file into the work folder, once per benchmark (the export job on an
     * artifact of the pretrained weights at the run's maximum length): the float and int8 runs read the same folder.
     */
    private void export(String configPath, Path work) throws IOException {
        EmbedConfig cfg = EmbedConfig.from(JobConfigs.load(configPath, withInput(cli.sets("bench-embed", "embed")), HadoopFs.driverConfiguration()));
        PretrainedModel m = PretrainedModel.byName(cfg.model());
        Path zip = work.resolve(m.name() + ".zip");
        Files.createDirectories(work);
        int maxLength = cfg.maxLengthGiven() ? cfg.longText().maxLength() : m.maxLength();
        EncoderArtifact.save(Encoder.pretrained(m, cfg.pooling(), maxLength), zip.toFile());
        ExportConfig e = ExportConfig.from(JobConfigs.load(JobCli.bundledConfig("export"), List.of("export.model=" + zip,
                "export.output=" + exportDir(work, m.name()), "export.overwrite=true", "export.quantize=int8"), HadoopFs.driverConfiguration()));
        SparkSessions.runAndStop("angle-spark bench-embed export", spark -> ExportJob.run(spark, e));
    }

    private static List<String> withInput(List<String> overrides) {
        List<String> all = new ArrayList<>(overrides);
        all.add("embed.input.path=unused");
        return all;
    }

    /**
     * Runs one measurement in a new JVM started with this JVM's own command line plus {@code --one-run}, so that no run
     * inherits memory an earlier one left behind (native memory is returned late or never: glibc keeps freed
     * arenas, ND4J frees arrays only when their Java objects are collected).
     */
    private static Run inFreshJvm(long n, Variant v, int repeat, Path work, ObjectMapper json) throws IOException, InterruptedException {
        List<String> command = ownCommandLine();
        Path result = work.resolve("run-" + n + "-" + v.label() + "-" + repeat + ".json");
        Files.deleteIfExists(result);
        command.add("--one-run=" + n + ":" + v.label() + ":" + repeat + ":" + result);
        LOG.info("{} texts, {}, repetition {}: starting a fresh JVM", n, v.label(), repeat);
        int rc = new ProcessBuilder(command).inheritIO().start().waitFor();
        if (rc != 0 || !Files.isRegularFile(result)) {
            throw new IOException("the run of " + n + " texts, " + v.label() + ", failed (exit " + rc + "); its log is above");
        }
        return json.readValue(result.toFile(), Run.class);
    }

    /** This JVM's command line, from /proc/self/cmdline (ProcessHandle's copy is empty when the line is long). */
    private static List<String> ownCommandLine() throws IOException {
        Path cmdline = Paths.get("/proc/self/cmdline");
        if (!Files.isReadable(cmdline)) {
            throw new IOException("cannot read this JVM's command line (" + cmdline + ") to start a run in a fresh JVM; "
                    + "set bench-embed.isolate = false");
        }
        String all = new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8);
        List<String> args = new ArrayList<>(List.of(all.split("\0")));
        args.set(0, ProcessHandle.current().info().command().orElse(args.get(0)));
        return args;
    }

    /**
     * The bare ONNX Runtime loop ({@link BareOrtLoop}) over the run's corpus, on the export's float file, every core,
     * with the embed job's batch size and maximum length; the texts are read before the clock starts.
     */
    private static Run measureBare(EmbedConfig cfg, Path work, long n, Variant v, int repeat, int gcSeconds) throws IOException {
        Path dir = Paths.get(cfg.model());
        JsonNode enc = new ObjectMapper().readTree(dir.resolve("encoder.json").toFile());
        List<String> texts = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(corpus(work, n), StandardCharsets.UTF_8)) {
            texts.add(json.readTree(line).get("text").asText());
        }
        boolean int8 = v.precision == Precision.INT8;
        byte[] onnx = Files.readAllBytes(dir.resolve(int8 ? OnnxExporter.INT8_FILE : HuggingFaceLayout.ONNX_FILE));
        WordPieceTokenizer tokenizer = WordPieceTokenizer.fromJson(new java.io.ByteArrayInputStream(Files.readAllBytes(dir.resolve("tokenizer.json"))));
        int maxLength = cfg.maxLengthGiven() ? cfg.longText().maxLength() : enc.get("maxLength").asInt();
        long startRss = MemoryProbe.resetPeaks();
        GcWatch gc = new GcWatch(gcSeconds);
        long jit0 = jitMillis();
        long t0 = System.nanoTime();
        BareOrtLoop.Result r;
        try (gc) {
            r = BareOrtLoop.run(onnx, tokenizer, Pooling.parse(enc.get("pooling").asText()), texts, maxLength, cfg.batchSize(),
                    Runtime.getRuntime().availableProcessors());
        } catch (ai.onnxruntime.OrtException e) {
            throw new IOException("the bare ONNX Runtime loop failed: " + e.getMessage(), e);
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        LOG.info("bare loop: {} texts, {} tokens in {} s (checksum {})", r.texts(), r.tokens(), Math.round(r.seconds()), r.checksum());
        return new Run(n, v, repeat, (int8 ? enc.get("int8") : enc).get("model_id").asText(), r.seconds(), wall, r.texts(), r.tokens(), startRss,
                MemoryProbe.peakRss(), gc.peakLiveHeap.get(), gc.full.get(), gc.all.get(), gc.millis.get() / 1e3, (jitMillis() - jit0) / 1e3);
    }

    private static Run measure(SparkSession spark, EmbedConfig cfg, Variant v, long n, int repeat, int gcSeconds) throws IOException {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        // Executors are this JVM in local mode; the probe job runs there all the same, so the code path is the cluster's.
        long startRss = sc.parallelize(List.of(1), 1).map(x -> MemoryProbe.resetPeaks()).collect().get(0);
        GcWatch gc = new GcWatch(gcSeconds);
        long jit0 = jitMillis();
        long t0 = System.nanoTime();
        EmbedReport r;
        try (gc) {
            r = EmbedJob.run(spark, cfg);
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        long rss = sc.parallelize(List.of(1), 1).map(x -> MemoryProbe.peakRss()).collect().get(0);
        return new Run(n, v, repeat, r.modelId(), r.embedSeconds(), wall, r.written(), r.tokens(), startRss, rss,
                gc.peakLiveHeap.get(), gc.full.get(), gc.all.get(), gc.millis.get() / 1e3, (jitMillis() - jit0) / 1e3);
    }

    /** The JVM's JIT compilation time so far, ms (its compiler threads'; local mode: the executors' too). */
    static long jitMillis() {
        java.lang.management.CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
    }

    /** This JVM's -XX options that steer its JIT compiler (conf/jvm.properties jvm.job.embed), or "the JVM's defaults". */
    static String jitFlags(List<String> jvmArguments) {
        List<String> flags = jvmArguments.stream().filter(a -> a.startsWith("-XX:") && (a.contains("Compil") || a.contains("Tier"))).toList();
        return flags.isEmpty() ? "the JVM's defaults" : String.join(" ", flags);
    }

    /** Executor-side memory readings (static: they run in the executor JVM). */
    static final class MemoryProbe implements Serializable {
        private MemoryProbe() {
        }

        /**
         * Resets the process's peak resident set (Linux: "5" to /proc/self/clear_refs sets VmHWM to the current
         * resident set) and returns that resident set in bytes (-1 without /proc).
         */
        static long resetPeaks() {
            try {
                Files.writeString(Paths.get("/proc/self/clear_refs"), "5");
            } catch (IOException e) {
                LOG.warn("cannot reset the peak resident set ({}); VmHWM is the peak since the JVM started", e.toString());
            }
            return status("VmRSS:");
        }

        /** VmHWM in bytes, -1 without /proc. */
        static long peakRss() {
            return status("VmHWM:");
        }

        private static long status(String key) {
            try {
                for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
                    if (line.startsWith(key)) {
                        return Long.parseLong(line.replaceAll("\\D+", "")) << 10;
                    }
                }
            } catch (IOException | NumberFormatException e) {
                LOG.debug("no /proc/self/status: {}", e.toString());
            }
            return -1;
        }
    }

    /**
     * Garbage collections while it is open, from the collectors' notifications: how many, how long, and the heap in
     * use right after each full collection (the sum of the heap pools), keeping the maximum: the heap the job keeps
     * alive. Heap in use between collections is mostly garbage and says nothing about what the job keeps, and a
     * large heap may see no full collection in a short run, so {@link #forceEvery} asks for one at a fixed interval.
     */
    static final class GcWatch implements AutoCloseable {
        final AtomicLong peakLiveHeap = new AtomicLong();
        final AtomicInteger full = new AtomicInteger();
        final AtomicInteger all = new AtomicInteger();
        final AtomicLong millis = new AtomicLong();
        private final List<NotificationEmitter> emitters = new ArrayList<>();
        private final Set<String> heapPools = new HashSet<>();
        private final NotificationListener listener = (notification, handback) -> {
            if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                all.incrementAndGet();
                millis.addAndGet(info.getGcInfo().getDuration());
                if (info.getGcAction().contains("major")) {
                    long used = 0;
                    for (Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                        if (heapPools.contains(e.getKey())) {
                            used += e.getValue().getUsed();
                        }
                    }
                    peakLiveHeap.accumulateAndGet(used, Math::max);
                    full.incrementAndGet();
                }
            }
        };

        private final Thread collector;

        /** @param forceEverySeconds a full collection every that many seconds while open (0: only those the JVM runs) */
        GcWatch(int forceEverySeconds) {
            for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
                if (p.getType() == MemoryType.HEAP) {
                    heapPools.add(p.getName());
                }
            }
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (gc instanceof NotificationEmitter emitter) {
                    emitter.addNotificationListener(listener, null, null);
                    emitters.add(emitter);
                }
            }
            collector = forceEverySeconds > 0 ? new Thread(() -> forceEvery(forceEverySeconds), "bench-embed-full-gc") : null;
            if (collector != null) {
                collector.setDaemon(true);
                collector.start();
            }
        }

        /** A full collection every {@code seconds} until interrupted. */
        void forceEvery(int seconds) {
            try {
                while (true) {
                    Thread.sleep(seconds * 1000L);
                    System.gc();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            if (collector != null) {
                collector.interrupt();
                try {
                    collector.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            // One last full collection; its notification arrives on another thread, so wait for it (a few seconds at most).
            int before = full.get();
            System.gc();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (full.get() == before && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            for (NotificationEmitter e : emitters) {
                try {
                    e.removeNotificationListener(listener);
                } catch (ListenerNotFoundException ignored) {
                    // never added
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
        ObjectMapper json = new ObjectMapper();
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (long i = 0; i < n; i++) {
                String text = sentences.get(rnd.nextInt(sentences.size())) + " (" + i + ")";
                w.write(json.createObjectNode().put("id", "t" + i).put("text", text).toString());
                w.write('\n');
            }
        }
    }

    /** Whether the heap was fixed and pre-touched (then the resident set's changes are off-heap memory). */
    static String heapDescription() {
        long init = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getInit() >> 20;
        long max = Runtime.getRuntime().maxMemory() >> 20;
        boolean preTouched = ManagementFactory.getRuntimeMXBean().getInputArguments().contains("-XX:+AlwaysPreTouch");
        if (preTouched && init >= max) {
            return String.format(Locale.ROOT, "fixed at %,d MB and pre-touched (-Xms = -Xmx, -XX:+AlwaysPreTouch): resident from the start, "
                    + "so a change in the resident set is off-heap memory", max);
        }
        return String.format(Locale.ROOT, "initial %,d MB, max %,d MB%s: the resident set includes whatever heap the JVM chose to grow into",
                init, max, preTouched ? ", pre-touched" : ", not pre-touched");
    }

    /** {@code r}'s rows/s over the {@code base} run's of the same corpus and repetition, NaN without one (or no base). */
    static double ratio(List<Run> runs, Run r, Variant base) {
        if (base == null) {
            return Double.NaN;
        }
        return runs.stream().filter(o -> o.texts() == r.texts() && o.repeat() == r.repeat() && o.variant() == base).findFirst()
                .map(o -> r.rowsPerSecond() / o.rowsPerSecond()).orElse(Double.NaN);
    }

    /** The repetitions of one (corpus size, run). */
    static List<Run> repetitions(List<Run> runs, long texts, Variant v) {
        return runs.stream().filter(r -> r.texts() == texts && r.variant() == v).toList();
    }

    /** The median of {@code values} (Commons Math's estimate: the middle value of an odd count); NaN when empty. */
    static double median(double[] values) {
        return values.length == 0 ? Double.NaN : org.apache.commons.math3.stat.StatUtils.percentile(values, 50);
    }

    /**
     * A cell of the summary: the ratio of the two runs' median rows/s, then the range of the ratio within each
     * repetition (same corpus, same repetition: the two runs minutes apart) when there are several; blank without a base.
     */
    static String ratioCell(List<Run> runs, long texts, Variant v, Variant base) {
        if (base == null || repetitions(runs, texts, base).isEmpty()) {
            return "";
        }
        double over = median(repetitions(runs, texts, v).stream().mapToDouble(Run::rowsPerSecond).toArray())
                / median(repetitions(runs, texts, base).stream().mapToDouble(Run::rowsPerSecond).toArray());
        double[] each = repetitions(runs, texts, v).stream().mapToDouble(r -> ratio(runs, r, base)).filter(x -> !Double.isNaN(x)).toArray();
        if (each.length < 2) {
            return String.format(Locale.ROOT, "%.2f", over);
        }
        return String.format(Locale.ROOT, "%.2f (%.2f .. %.2f)", over, java.util.Arrays.stream(each).min().getAsDouble(),
                java.util.Arrays.stream(each).max().getAsDouble());
    }

    private static String cell(double ratio) {
        return Double.isNaN(ratio) ? "" : String.format(Locale.ROOT, "%.2f", ratio);
    }

    private static String report(Settings s, EmbedConfig cfg, List<Run> runs) {
        String sparkVersion = org.apache.spark.package$.MODULE$.SPARK_VERSION();
        StringBuilder b = new StringBuilder();
        b.append("# Embedding benchmark\n\n");
        b.append(String.format(Locale.ROOT, "- date: %s%n- machine: %s; ONNX Runtime %s; Spark %s, local mode (the executors are the "
                        + "driver JVM)%n- heap: %s%n- JIT compiler: %s (every run's JVM; JIT s: its compilation time during the run)%n", Instant.now(),
                Machine.describe(), ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion(), sparkVersion, heapDescription(),
                jitFlags(ManagementFactory.getRuntimeMXBean().getInputArguments())));
        b.append("- command: `bench/embed` (class io.anglespark.jobs.bench.EmbedBenchmark, conf/bench-embed.conf)");
        if (!s.sizes().equals(List.of(10_000L, 100_000L))) {
            b.append(" with sizes ").append(s.sizes());
        }
        b.append('\n');
        if (cfg != null) {
            b.append(String.format(Locale.ROOT, "- model %s, %s, batch %d, bucket %d texts, slices of %,d rows, %s partitions, ORT threads %s%n",
                    cfg.model(), cfg.policy().describe(), cfg.batchSize(), cfg.bucketTexts(), cfg.sliceRows(),
                    cfg.partitions() == 0 ? "default" : String.valueOf(cfg.partitions()), cfg.ortThreads() == 0 ? "spark.task.cpus" : cfg.ortThreads()));
            b.append("- runs: bare-onnxruntime / bare-onnxruntime-int8 = a plain ONNX Runtime loop in one JVM on the float / int8 file "
                    + "(same texts and tokenizer, one session with every core, texts sorted by length, batches of the job's size, pooled from "
                    + "the output buffer; no Spark, no files); onnxruntime / onnxruntime-int8 = the embed job on the model's export folder, "
                    + "its float / int8 file (export.quantize = int8); dl4j = the embed job on DL4J\n");
            b.append("- / bare loop: rows/s over the bare loop's on the same file; / fp32: an int8 run's rows/s over the float run of its "
                    + "kind (bare loop or job)\n");
        }
        b.append("- corpus: STS-B train/dev/test sentences drawn at random (seed ").append(s.seed())
                .append("), each made unique by its number, JSON lines; every text is embedded\n");
        b.append(s.isolate() ? "- each run in a fresh JVM (this command line again, one run each): no run inherits another's memory\n"
                : "- every run in this one JVM, one after the other (peak resident set reset before each)\n");
        b.append(String.format(Locale.ROOT, "- repetitions: %d of every run, interleaved (all runs of a corpus once, then again); the summary "
                + "gives the median rows/s and its range, and each ratio as the ratio of the medians with, in brackets, its range over "
                + "the repetitions (each repetition's run over the same repetition's base run)%n", s.repeats()));
        b.append("- rows/s: rows written / time of the embed-and-commit stage (model already loaded); wall: the whole job run\n");
        b.append("- RSS at start: resident set with Spark up, before the job; peak RSS: VmHWM at its end; live heap: heap in use right "
                + "after a full collection, the most of the run");
        b.append(s.gcSeconds() > 0 ? " (a full collection is asked for every " + s.gcSeconds() + " s and at the end; their pauses are in the rows/s)\n\n"
                : " (only the full collections the JVM chose to run, and one at the end)\n\n");
        b.append("## Summary\n\n| texts | run | rows/s, median | range | / bare loop | / fp32 |\n|---:|---|---:|---:|---:|---:|\n");
        for (long n : s.sizes()) {
            for (Variant v : s.runs()) {
                double[] rates = repetitions(runs, n, v).stream().mapToDouble(Run::rowsPerSecond).toArray();
                if (rates.length == 0) {
                    continue;
                }
                b.append(String.format(Locale.ROOT, "| %,d | %s | %,.1f | %,.1f .. %,.1f | %s | %s |%n", n, v.label(), median(rates),
                        java.util.Arrays.stream(rates).min().getAsDouble(), java.util.Arrays.stream(rates).max().getAsDouble(),
                        ratioCell(runs, n, v, v.bareLoop()), ratioCell(runs, n, v, v.floatRun())));
            }
        }
        b.append("\n## Every run\n\n");
        b.append("| texts | run | repetition | rows/s | / bare loop | / fp32 | embed s | wall s | tokens | RSS at start | peak RSS | peak live heap "
                + "| full GCs / all | GC pause s | JIT s |\n");
        b.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Run r : runs) {
            b.append(String.format(Locale.ROOT, "| %,d | %s | %d | %,.1f | %s | %s | %.1f | %.1f | %,d | %,d MB | %,d MB | %,d MB | %d / %d | %.1f | %.1f |%n",
                    r.texts(), r.variant().label(), r.repeat(), r.rowsPerSecond(), cell(ratio(runs, r, r.variant().bareLoop())),
                    cell(ratio(runs, r, r.variant().floatRun())), r.embedSeconds(), r.wallSeconds(), r.tokens(), r.startRss() >> 20,
                    r.peakRss() >> 20, r.peakLiveHeap() >> 20, r.fullCollections(), r.collections(), r.gcSeconds(), r.jitSeconds()));
        }
        if (s.sizes().size() > 1) {
            long smallest = s.sizes().stream().mapToLong(Long::longValue).min().getAsLong();
            long largest = s.sizes().stream().mapToLong(Long::longValue).max().getAsLong();
            b.append("\nLargest corpus against smallest, per run (the highest peak RSS and peak live heap over the repetitions):\n\n");
            for (Variant v : s.runs()) {
                List<Run> small = repetitions(runs, smallest, v), big = repetitions(runs, largest, v);
                if (!small.isEmpty() && !big.isEmpty() && smallest != largest) {
                    long rssSmall = small.stream().mapToLong(Run::peakRss).max().getAsLong(), rssBig = big.stream().mapToLong(Run::peakRss).max().getAsLong();
                    long heapSmall = small.stream().mapToLong(Run::peakLiveHeap).max().getAsLong();
                    long heapBig = big.stream().mapToLong(Run::peakLiveHeap).max().getAsLong();
                    b.append(String.format(Locale.ROOT, "- %s, %,d -> %,d texts (x%.0f): peak RSS x%.2f (%+,d MB), peak live heap x%.2f (%+,d MB)%n",
                            v.label(), smallest, largest, (double) largest / smallest, (double) rssBig / rssSmall, (rssBig - rssSmall) >> 20,
                            (double) heapBig / heapSmall, (heapBig - heapSmall) >> 20));
                }
            }
        }
        b.append("\nModel ids: ");
        runs.stream().map(r -> r.variant().label() + " " + r.modelId()).distinct().forEach(x -> b.append(x).append("; "));
        b.append('\n');
        return b.toString();
    }
}
