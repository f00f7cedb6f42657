package io.anglespark.jobs.bench;

import com.typesafe.config.Config;
import io.anglespark.jobs.common.ConfigReader;
import io.anglespark.jobs.common.JobCli;
import io.anglespark.jobs.common.HadoopFs;
import io.anglespark.jobs.common.JobConfigs;
import io.anglespark.jobs.common.JobMain;
import io.anglespark.jobs.common.SparkSessions;
import io.anglespark.jobs.prepare.PrepareConfig;
import io.anglespark.jobs.prepare.PrepareJob;
import io.anglespark.jobs.prepare.PrepareReport;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
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

/**
 * Benchmark of the preparation job: writes a synthetic STS-B-format corpus of {@code rows} pairs
 * (sentences drawn from STS-B train and made unique, plus planted duplicates and bad rows), runs
 * {@link PrepareJob#run} on it in this JVM, and writes a Markdown report with rows/s and the driver's
 * peak memory (heap pools' peak, and the process's peak resident set). In local mode the driver JVM
 * also runs the executors, so these peaks bound the whole job.
 */
@Command(name = "bench-prepare", description = "Prepares a synthetic corpus (default 1,000,000 pairs) and reports rows/s and peak driver memory.")
public final class PrepareBenchmark implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(PrepareBenchmark.class);

    @CommandLine.Mixin
    JobCli cli = new JobCli();

    public static void main(String[] args) {
        System.exit(JobMain.execute("bench-prepare", new PrepareBenchmark(), args));
    }

    record Settings(long rows, int files, long seed, double duplicateFraction, double badFraction, String workDir, String report) {
        static Settings from(Config c) {
            ConfigReader r = ConfigReader.of(c, "bench-prepare");
            Settings s = new Settings(r.longIn("rows", 1_000_000, 1, Long.MAX_VALUE), r.intIn("files", 4, 1, 10_000),
                    r.longIn("seed", 7, Long.MIN_VALUE, Long.MAX_VALUE), r.doubleIn("duplicate-fraction", 0.01, 0, 0.5),
                    r.doubleIn("bad-fraction", 0.001, 0, 0.5), r.requiredString("work-dir"), r.requiredString("report"));
            r.rejectUnknownKeys();
            return s;
        }
    }

    @Override
    public Integer call() throws Exception {
        String configPath = cli.configFile("bench-prepare");
        Settings s = Settings.from(JobConfigs.load(configPath, cli.sets("bench-prepare", "prepare"), HadoopFs.driverConfiguration()));
        Path work = Paths.get(s.workDir()).toAbsolutePath();
        Path corpus = work.resolve("corpus");
        List<String> overrides = cli.sets("bench-prepare", "prepare");
        overrides.add("prepare.inputs=[{name=synthetic, source=synthetic, format=stsb, split=hash, path=\"" + corpus + "\"}]");
        overrides.add("prepare.output=" + work.resolve("out"));
        overrides.add("prepare.overwrite=true");
        Config config = JobConfigs.load(configPath, overrides, HadoopFs.driverConfiguration());
        PrepareConfig prepare = PrepareConfig.from(config);
        List<String> sentences = sentences(prepare.dataRoot());
        long t0 = System.nanoTime();
        long bytes = generate(corpus, s, sentences);
        double genSeconds = (System.nanoTime() - t0) / 1e9;
        LOG.info("generated {} rows ({} MB) in {}s", s.rows(), bytes >> 20, Math.round(genSeconds));

        SparkSession spark = SparkSessions.create("angle-spark bench-prepare");
        long start = System.nanoTime();
        PrepareReport report;
        try {
            report = PrepareJob.run(spark, prepare);
        } finally {
            spark.stop();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long read = report.ledger().read("synthetic");
        String md = report(s, prepare, report, read, bytes, seconds, spark.version());
        Path out = Paths.get(s.report());
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, md);
        System.out.println(md);
        return 0;
    }

    /** STS-B train sentences as the vocabulary of the synthetic corpus; a fixed list when the data is absent. */
    private static List<String> sentences(String dataRoot) throws IOException {
        Path p = Paths.get(dataRoot, "stsbenchmark/sts-train.csv");
        List<String> out = new ArrayList<>();
        if (Files.isRegularFile(p)) {
            for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                String[] f = line.split("\t", -1);
                if (f.length >= 7) {
                    out.add(f[5]);
                    out.add(f[6]);
                }
            }
        }
        if (out.isEmpty()) {
            out.addAll(List.of("A man is playing a guitar.", "A woman is slicing an onion.", "Two dogs run across a field.",
                    "The stock market fell sharply on Monday.", "A child is riding a bike down the street."));
        }
        return out;
    }

    /** Writes the corpus as {@code files} STS-B-format files; returns the bytes written. */
    static long generate(Path dir, Settings s, List<String> sentences) throws IOException {
        Files.createDirectories(dir);
        try (var old = Files.list(dir)) {
            for (Path p : (Iterable<Path>) old::iterator) {
                Files.delete(p);
            }
        }
        Random rnd = new Random(s.seed());
        long bytes = 0;
        long perFile = (s.rows() + s.files() - 1) / s.files();
        long row = 0;
        String[] recent = new String[1024];
        for (int f = 0; f < s.files() && row < s.rows(); f++) {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(dir.resolve(String.format(Locale.ROOT, "part-%04d.tsv", f))), 1 << 20)) {
                for (long i = 0; i < perFile && row < s.rows(); i++, row++) {
                    double u = rnd.nextDouble();
                    byte[] line;
                    if (u < s.badFraction()) {
                        line = switch (rnd.nextInt(3)) {
                            case 0 -> ("main\tsynthetic\t2024\t" + row + "\tNaN\tA.\tB.\n").getBytes(StandardCharsets.UTF_8);
                            case 1 -> ("main\tsynthetic\t2024\t" + row + "\t3.0\ttruncated\n").getBytes(StandardCharsets.UTF_8);
                            default -> new byte[]{'m', '\t', (byte) 0xC3, 0x28, '\n'};
                        };
                    } else if (u < s.badFraction() + s.duplicateFraction() && recent[(int) (row % recent.length)] != null) {
                        String prev = recent[rnd.nextInt(recent.length)];
                        if (prev == null) {
                            prev = recent[(int) (row % recent.length)];
                        }
                        String[] fields = prev.split("\t", -1);
                        if (rnd.nextBoolean()) {
                            String t = fields[5];
                            fields[5] = fields[6];
                            fields[6] = t;
                        }
                        line = (String.join("\t", fields) + "\n").getBytes(StandardCharsets.UTF_8);
                    } else {
                        String s1 = sentences.get(rnd.nextInt(sentences.size())) + " (" + row + ")";
                        String s2 = sentences.get(rnd.nextInt(sentences.size())) + " [" + row + "]";
                        String l = String.format(Locale.ROOT, "main\tsynthetic\t2024\t%d\t%.2f\t%s\t%s", row, rnd.nextInt(501) / 100.0, s1, s2);
                        recent[(int) (row % recent.length)] = l;
                        line = (l + "\n").getBytes(StandardCharsets.UTF_8);
                    }
                    out.write(line);
                    bytes += line.length;
                }
            }
        }
        return bytes;
    }

    private static String report(Settings s, PrepareConfig prepare, PrepareReport r, long read, long bytes, double seconds, String sparkVersion) {
        // The old generation's peak is the long-lived data the job held; young-generation peaks are
        // garbage waiting for collection, and pools peak at different times, so they are not summed.
        long oldGenPeak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && (pool.getName().contains("Old") || pool.getName().contains("Tenured"))) {
                oldGenPeak = Math.max(oldGenPeak, pool.getPeakUsage().getUsed());
            }
        }
        long maxHeap = Runtime.getRuntime().maxMemory();
        String rss = peakRss();
        StringBuilder b = new StringBuilder();
        b.append("# Preparation benchmark\n\n");
        b.append(String.format(Locale.ROOT, "- date: %s%n- machine: %d cores (%s), JVM max heap %d MB, Java %s, Spark %s%n",
                Instant.now(), Runtime.getRuntime().availableProcessors(), System.getProperty("os.arch"), maxHeap >> 20,
                System.getProperty("java.version"), sparkVersion));
        b.append("- command: `bench/prepare` (class io.anglespark.jobs.bench.PrepareBenchmark, conf/bench-prepare.conf)\n");
        b.append(String.format(Locale.ROOT, "- corpus: %,d synthetic STS-B-format rows in %d files, %,d MB; duplicate fraction %.3f, bad fraction %.4f, seed %d%n%n",
                s.rows(), s.files(), bytes >> 20, s.duplicateFraction(), s.badFraction(), s.seed()));
        b.append("| figure | value |\n|---|---|\n");
        b.append(String.format(Locale.ROOT, "| rows read | %,d |%n", read));
        b.append(String.format(Locale.ROOT, "| wall time of the job (read, clean, dedup, overlap, account, write Parquet) | %.1f s |%n", seconds));
        b.append(String.format(Locale.ROOT, "| rows/s | %,.0f |%n", read / seconds));
        b.append(String.format(Locale.ROOT, "| driver JVM max heap (-Xmx) | %,d MB |%n", maxHeap >> 20));
        b.append(String.format(Locale.ROOT, "| peak driver old-generation heap | %,d MB |%n", oldGenPeak >> 20));
        b.append(String.format(Locale.ROOT, "| peak driver resident set (VmHWM) | %s |%n", rss));
        b.append(String.format(Locale.ROOT, "| pairs written | %,d |%n", r.pairs().values().stream().mapToLong(Long::longValue).sum()));
        b.append(String.format(Locale.ROOT, "| quarantined | %,d |%n", r.quarantined()));
        b.append(String.format(Locale.ROOT, "| fates | %s |%n", r.ledger().fates("synthetic")));
        b.append(String.format(Locale.ROOT, "| duplicates (per source/split) | %s |%n", r.dedup()));
        b.append("\nConservation was checked by the job (rows read = written + quarantined + dropped).\n");
        return b.toString();
    }

    private static String peakRss() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    long kb = Long.parseLong(line.replaceAll("\\D+", ""));
                    return String.format(Locale.ROOT, "%,d MB", kb >> 10);
                }
            }
        } catch (IOException | NumberFormatException e) {
            LOG.debug("no /proc/self/status: {}", e.toString());
        }
        return "n/a (no /proc)";
    }
}
