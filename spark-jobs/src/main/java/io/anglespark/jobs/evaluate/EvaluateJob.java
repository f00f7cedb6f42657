package io.anglespark.jobs.evaluate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anglespark.jobs.common.HadoopFs;
import io.anglespark.jobs.common.JobCli;
import io.anglespark.jobs.common.JobConfigs;
import io.anglespark.jobs.common.JobMain;
import io.anglespark.jobs.common.OutputFolder;
import io.anglespark.jobs.common.RunManifest;
import io.anglespark.jobs.common.SparkSessions;
import io.anglespark.model.metrics.Metric;
import io.anglespark.model.metrics.PairEvaluation;
import io.anglespark.model.metrics.Similarity;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkException;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * Evaluates embedding models on STS-style and duplicate-pair sets, models side by side.
 *
 * <pre>
 * sets (stsb | sick | semeval-sts files via data-prep's readers; pairs | issue-pairs Parquet, filtered)
 *   -> Spark reads and parses -> driver: accepted pairs (distinct texts indexed) + rejections by reason
 * per model: open once -> per set: embed each distinct text once -> cosine, dot, -euclidean, -manhattan
 *   -> Spearman, Pearson (and ROC AUC for 0/1 labels) -> report.json, report.md, plots/MODEL/SET.png, _run.json
 * </pre>
 *
 * Embedding runs on the driver, one model at a time, through {@link EvalModel} (the embed job's engines): evaluation sets are a few
 * thousand texts, which one JVM embeds in minutes, and the metrics need every score in one place anyway. Spark
 * does the reading (any Hadoop path, the Parquet filters). For millions of texts use the embed job instead.
 *
 * {@link #main} parses the command line and configuration; {@link #run} does the work and is what tests call.
 */
@Command(name = "evaluate", sortOptions = false,
        description = "Scores embedding models on STS-style sets (Spearman, Pearson of cosine, dot, euclidean, manhattan) and "
                + "duplicate-pair sets (also ROC AUC); writes report.json, report.md, PNG scatter plots and _run.json.")
public final class EvaluateJob implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(EvaluateJob.class);
    /** Texts per call of the embedder: long enough to batch well, short enough for a progress line per call. */
    private static final int CHUNK_BATCHES = 4;
    /** The gate's verdict in the output folder, when the gate is on. */
    public static final String GATE_FILE = "gate.json";

    /** The exit code of a run whose gate the challenger did not pass (0: passed or no gate; 1, 2: the run failed). */
    public static final int GATE_NOT_PASSED = 3;

    @CommandLine.Mixin
    JobCli cli = new JobCli();

    @CommandLine.Option(names = "--gate", description = "Act as the promotion gate (evaluate.gate: the challenger, by default the last "
            + "model, against the baseline, the first): exit 0 when it passes, " + GATE_NOT_PASSED + " when it does not.")
    boolean gate;

    public static void main(String[] args) throws SparkException {
        JobMain.main("evaluate", new EvaluateJob(), args);
    }

    @Override
    public Integer call() throws IOException {
        List<String> overrides = cli.overrides(EvaluateConfig.ROOT);
        if (gate) {
            overrides.add(EvaluateConfig.ROOT + ".gate.enabled=true");
        }
        EvaluateConfig config = EvaluateConfig.from(JobConfigs.load(cli.configFile("evaluate"), overrides, HadoopFs.driverConfiguration()));
        EvaluateReport report = SparkSessions.runAndStop("angle-spark evaluate", spark -> run(spark, config));
        LOG.info("evaluate finished: {} ({} models x {} sets)", report.output(), report.models().size(), report.sets().size());
        if (report.gate() == null) {
            return 0;
        }
        if (report.gate().passed()) {
            LOG.info("gate passed: {} may replace {}", config.gate().challenger(), config.gate().baseline());
            return 0;
        }
        LOG.warn("gate not passed: {} does not replace {}: {}", config.gate().challenger(), config.gate().baseline(),
                String.join("; ", report.gate().reasons()));
        return GATE_NOT_PASSED;
    }

    public static EvaluateReport run(SparkSession spark, EvaluateConfig cfg) throws IOException {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        SparkSessions.attachProgress(spark, cfg.progressIntervalSeconds());
        RunManifest manifest = new RunManifest("evaluate", spark, cfg);

        // Inputs first (sets and model files): a missing path fails before any work or any write.
        Map<String, List<HadoopFs.InputFile>> files = new LinkedHashMap<>();
        for (EvaluateConfig.SetSpec s : cfg.sets()) {
            files.put(s.name(), HadoopFs.listInputFiles(s.name(), s.path(), hadoop));
        }
        for (EvaluateConfig.ModelRef m : cfg.models()) {
            if (!m.registered() && !HadoopFs.exists(m.path(), hadoop)) {
                throw new HadoopFs.InputException("model '" + m.label() + "': " + m.path() + " does not exist");
            }
        }
        OutputFolder output = OutputFolder.staged(cfg.output(), cfg.overwrite(), EvaluateConfig.ROOT + ".overwrite", cfg.readPaths(), hadoop);
        manifest.root().set("inputs", manifest.toJson(files));
        manifest.stage("list_inputs");

        List<EvalSet> sets = new ArrayList<>();
        for (EvaluateConfig.SetSpec s : cfg.sets()) {
            EvalSet set = SetReader.read(spark, s, files.get(s.name()), cfg.rejectionExamples());
            cfg.emptyInput().check("set '" + s.name() + "' (" + s.path() + (s.sources() == null ? "" : ", sources " + s.sources())
                    + (s.split() == null ? "" : ", split " + s.split().label()) + ")", set.rowsRead(), EvaluateConfig.ROOT + ".empty-input", LOG);
            sets.add(set);
            LOG.info("set {}: {} rows read, {} pairs, {} distinct texts, {} rejected {}", s.name(), set.rowsRead(), set.pairs().size(),
                    set.pairs().texts().size(), set.rejectedTotal(), set.rejected());
        }
        manifest.stage("read_sets");
        return output.produce(out -> scoreAndWrite(cfg, sets, manifest, out, hadoop));
    }

    /** Each model on each set (its plots as they come), then the reports and the manifest, all into {@code out}. */
    private static EvaluateReport scoreAndWrite(EvaluateConfig cfg, List<EvalSet> sets, RunManifest manifest, String out, Configuration hadoop)
            throws IOException {
        List<EvaluateReport.ModelRun> models = new ArrayList<>();
        List<EvaluateReport.Result> results = new ArrayList<>();
        Map<String, String> plotDirs = plotDirs(cfg.models());
        for (EvaluateConfig.ModelRef ref : cfg.models()) {
            long t0 = System.nanoTime();
            try (EvalModel opened = EvalModel.open(ref, cfg.encoder(), hadoop)) {
                double loadSeconds = (System.nanoTime() - t0) / 1e9;
                LOG.info("model {}: opened in {}s ({})", ref.label(), Math.round(loadSeconds), opened.description());
                int dimension = 0;
                for (EvalSet set : sets) {
                    String name = set.spec().name();
                    long e0 = System.nanoTime();
                    float[][] vectors = embed(opened::embed, set.pairs().texts(), cfg.encoder().batchSize(), ref.label() + " on " + name,
                            cfg.progressIntervalSeconds());
                    double embedSeconds = (System.nanoTime() - e0) / 1e9;
                    if (vectors.length > 0) {
                        dimension = vectors[0].length;
                    }
                    PairEvaluation eval = PairEvaluation.evaluate(set.pairs(), vectors);
                    String plot = null;
                    if (cfg.plots().enabled() && eval.pairs() > 0) {
                        plot = "plots/" + plotDirs.get(ref.label()) + "/" + name + ".png";
                        Similarity sim = cfg.plots().similarity();
                        PairEvaluation.SimilarityMetrics m = eval.of(sim);
                        String caption = "gold score (" + eval.pairs() + " pairs; Spearman x100 of " + sim.label() + " " + x100(m.spearman())
                                + (m.auc() == null ? "" : ", ROC AUC x100 " + x100(m.auc())) + ")";
                        writeBytes(out + "/" + plot, ScatterPlot.png(ref.label() + " on " + name, caption, sim.label() + " similarity",
                                set.pairs().gold(), eval.predicted().get(sim), cfg.plots().width(), cfg.plots().height()), hadoop);
                    }
                    results.add(new EvaluateReport.Result(ref.label(), name, eval, set.pairs().texts().size(), embedSeconds, plot));
                    LOG.info("model {} on {}: {} pairs, Spearman x100 cosine {}, {} texts in {}s ({}/s)", ref.label(), name, eval.pairs(),
                            x100(eval.of(Similarity.COSINE).spearman()), vectors.length, Math.round(embedSeconds),
                            Math.round(vectors.length / Math.max(embedSeconds, 1e-9)));
                }
                models.add(new EvaluateReport.ModelRun(ref.label(), opened.description(), dimension, loadSeconds));
            }
            manifest.stage("model " + ref.label());
        }

        Gate.Decision gate = cfg.gate() == null ? null : cfg.gate().decide(sets.stream().map(s -> s.spec().name()).toList(),
                (model, set) -> results.stream().filter(r -> r.model().equals(model) && r.set().equals(set)).findFirst().orElseThrow()
                        .evaluation().of(Similarity.COSINE).spearman());
        EvaluateReport report = new EvaluateReport(cfg.output(), sets, models, results, gate);
        ObjectNode json = ReportJson.render(report);
        HadoopFs.writeStringAtomically(out + "/report.json", ReportJson.JSON.writeValueAsString(json), hadoop);
        HadoopFs.writeStringAtomically(out + "/report.md", ReportMarkdown.render(report), hadoop);
        if (gate != null) {
            HadoopFs.writeStringAtomically(out + "/" + GATE_FILE, ReportJson.JSON.writeValueAsString(gate.toJson()), hadoop);
            manifest.root().set("gate", gate.toJson());
        }
        manifest.stage("write");

        ObjectNode counts = manifest.root().putObject("counts");
        for (EvalSet s : sets) {
            ObjectNode c = counts.putObject(s.spec().name());
            c.put("rows_read", s.rowsRead());
            c.put("pairs", s.pairs().size());
            c.put("rejected", s.rejectedTotal());
            s.rejected().forEach(c::put);
        }
        ArrayNode outputs = manifest.root().putArray("outputs");
        outputs.add("report.json");
        outputs.add("report.md");
        if (gate != null) {
            outputs.add(GATE_FILE);
        }
        results.stream().filter(r -> r.plot() != null).forEach(r -> outputs.add(r.plot()));
        manifest.write(out, hadoop);
        return report;
    }

    /**
     * Embeds {@code texts} in their order through {@code embedder}, in calls of {@value #CHUNK_BATCHES} batches of
     * texts sorted by length (so each call's batches pad little), logging progress with rate and ETA.
     */
    static float[][] embed(Function<List<String>, float[][]> embedder, List<String> texts, int batchSize, String what, double intervalSeconds) {
        int n = texts.size();
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt(i -> texts.get(i).length()));
        float[][] out = new float[n][];
        int chunk = batchSize * CHUNK_BATCHES;
        long start = System.nanoTime();
        long lastLog = start;
        for (int from = 0; from < n; from += chunk) {
            int to = Math.min(n, from + chunk);
            List<String> part = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) {
                part.add(texts.get(order[i]));
            }
            float[][] v = embedder.apply(part);
            if (v.length != part.size()) {
                throw new IllegalStateException("embedder returned " + v.length + " vectors for " + part.size() + " texts");
            }
            for (int i = from; i < to; i++) {
                out[order[i]] = v[i - from];
            }
            long now = System.nanoTime();
            if (to < n && (now - lastLog) / 1e9 >= intervalSeconds) {
                lastLog = now;
                double s = (now - start) / 1e9;
                // Texts are sorted by length, so the rate falls as they lengthen: the ETA is a lower bound.
                LOG.info("embedding {}: {}/{} texts in {}s ({}/s), ETA >= {}s", what, to, n, Math.round(s), Math.round(to / s),
                        Math.round(s / to * (n - to)));
            }
        }
        return out;
    }

    /** A folder name per model, from its label, unique among the models. */
    static Map<String, String> plotDirs(List<EvaluateConfig.ModelRef> models) {
        Map<String, String> dirs = new LinkedHashMap<>();
        Set<String> used = new HashSet<>();
        for (EvaluateConfig.ModelRef m : models) {
            String label = m.label();
            // An artifact by its folder and file name (runs/cosent/model.zip -> cosent_model): training runs all write model.zip.
            Path p = new Path(label);
            String file = p.getName().replaceAll("(?i)\\.zip$", "");
            String base = m.registered() ? label : p.getParent() == null || p.getParent().getName().isEmpty() ? file : p.getParent().getName() + "_" + file;
            base = base.replaceAll("[^A-Za-z0-9._-]", "_");
            String dir = base;
            for (int k = 2; !used.add(dir.toLowerCase(Locale.ROOT)); k++) {
                dir = base + "-" + k;
            }
            dirs.put(label, dir);
        }
        return dirs;
    }

    private static String x100(Metric m) {
        return m.isDefined() ? String.format(Locale.ROOT, "%.2f", 100 * m.value()) : "n/a (" + m.undefinedReason() + ")";
    }

    private static void writeBytes(String path, byte[] bytes, Configuration hadoop) throws IOException {
        Path p = new Path(path);
        FileSystem fs = p.getFileSystem(hadoop);
        try (FSDataOutputStream o = fs.create(p, true)) {
            o.write(bytes);
        }
    }
}
