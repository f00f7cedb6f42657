package io.anglespark.jobs.retrain;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anglespark.jobs.common.HadoopFs;
import io.anglespark.jobs.common.JobCli;
import io.anglespark.jobs.common.JobConfigs;
import io.anglespark.jobs.common.JobMain;
import io.anglespark.jobs.common.RunManifest;
import io.anglespark.jobs.common.SparkSessions;
import io.anglespark.jobs.embed.EmbedJob;
import io.anglespark.jobs.embed.EmbedReport;
import io.anglespark.jobs.evaluate.EvaluateJob;
import io.anglespark.jobs.evaluate.EvaluateReport;
import io.anglespark.jobs.evaluate.Gate;
import io.anglespark.jobs.export.ExportJob;
import io.anglespark.jobs.prepare.PrepareJob;
import io.anglespark.jobs.prepare.PrepareReport;
import io.anglespark.jobs.train.TrainJob;
import io.anglespark.jobs.train.TrainJobConfig;
import io.anglespark.model.PretrainedModel;
import io.anglespark.model.metrics.Similarity;
import io.anglespark.model.train.Checkpoints;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkException;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Periodic retraining as one run: fresh labelled data -> prepare -> train warm-started from the registry's current
 * version -> evaluate the challenger against the current model on the configured sets (the first of them the pinned
 * held-out set the gate's primary) -> promote when the gate passes, keep it as a rejected version with its reasons
 * otherwise -> optionally re-embed a corpus with the promoted model.
 *
 * <pre>
 * registry current (promotions/NNNNNN.json) -> claim v&lt;N&gt;
 *   -> prepare (v&lt;N&gt;/prepared) -> train, warm start from current, train.name = retrain.name (v&lt;N&gt;/train/model.zip)
 *   -> evaluate current vs v&lt;N&gt; with the gate (v&lt;N&gt;/evaluation: report, gate.json)
 *   -> passed: export (v&lt;N&gt;/export) -> v&lt;N&gt;/_run.json (decision promote) -> promotion -> [embed]
 *   -> not passed: v&lt;N&gt;/_run.json (decision reject, reasons); current unchanged
 * </pre>
 *
 * The version's {@code _run.json} (lineage: parent version and model id, data, configuration, scores, decision and
 * reasons) is written after everything else in the version and before the promotion, which is one rename: a run
 * stopped anywhere leaves the previous current version current. Exit codes: 0 promoted, {@value #REJECTED} rejected,
 * 1 or 2 failed.
 *
 * <p>{@link #main} parses the command line and configuration; {@link #run} does the work and is what tests call.
 */
@Command(name = "retrain", sortOptions = false,
        description = "Retrains the registry's current model on fresh labelled data and promotes it only when it passes the gate; "
                + "exit 0 promoted, 3 rejected (kept as a version with its reasons), 1 or 2 failed.")
public final class RetrainJob implements Callable<Integer> {
    /** The exit code of a run whose challenger was rejected by the gate. */
    public static final int REJECTED = EvaluateJob.GATE_NOT_PASSED;
    private static final Logger LOG = LoggerFactory.getLogger(RetrainJob.class);

    @CommandLine.Mixin
    JobCli cli = new JobCli();

    @CommandLine.Option(names = "--status", description = "Print the registry's versions (current, rejected with reasons, incomplete) "
            + "and exit; nothing is trained.")
    boolean status;

    public static void main(String[] args) throws SparkException {
        JobMain.main("retrain", new RetrainJob(), args);
    }

    @Override
    public Integer call() throws IOException {
        if (cli.output != null || cli.overwrite) {
            throw new io.anglespark.jobs.common.ConfigException("retrain writes into the registry (retrain.registry), each version in a new "
                    + "folder: --output and --overwrite do not apply");
        }
        RetrainConfig config = RetrainConfig.from(JobConfigs.load(cli.configFile("retrain"), cli.sets(RetrainConfig.ROOTS.toArray(String[]::new)),
                HadoopFs.driverConfiguration()));
        if (status) {
            System.out.println(describe(ModelRegistry.open(config.registry(), config.name(), HadoopFs.driverConfiguration())));
            return 0;
        }
        RetrainReport report = SparkSessions.runAndStop("angle-spark retrain", spark -> run(spark, config));
        return report.promoted() ? 0 : REJECTED;
    }

    /**
     * What a retraining run did.
     *
     * @param parent   the version that was current when it started (null: none)
     * @param modelId  the new model's id
     * @param reasons  why the gate rejected it (empty when promoted)
     * @param embedded the re-embedding's report (null: none ran)
     */
    public record RetrainReport(ModelRegistry.Version version, Integer parent, String modelId, boolean promoted, List<String> reasons,
                                Gate.Decision gate, EvaluateReport evaluation, EmbedReport embedded) {
    }

    public static RetrainReport run(SparkSession spark, RetrainConfig cfg) throws IOException {
        return run(spark, cfg, () -> {
        });
    }

    /** As {@link #run(SparkSession, RetrainConfig)}; {@code beforePromotion} runs between the version's record and its promotion (tests). */
    static RetrainReport run(SparkSession spark, RetrainConfig cfg, Runnable beforePromotion) throws IOException {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        RunManifest manifest = new RunManifest("retrain", spark, cfg);
        ModelRegistry registry = ModelRegistry.open(cfg.registry(), cfg.name(), hadoop);
        Optional<ModelRegistry.Promotion> current = registry.current();
        String baseline = current.map(ModelRegistry.Promotion::model).orElseGet(() -> comparableStart(cfg));
        ModelRegistry.Version v = registry.claimNext();
        LOG.info("retrain {}: {} in {}; starts from {}", cfg.name(), v.label(), registry,
                current.map(p -> "current v" + p.version() + " (" + p.modelId() + ")").orElse(cfg.initialModel() + " (no current version yet)"));
        manifest.stage("claim");

        PrepareReport prepared = PrepareJob.run(spark, cfg.prepare(v));
        manifest.stage("prepare");
        TrainJob.TrainReport trained = train(spark, cfg, v, current, hadoop);
        manifest.stage("train");
        EvaluateReport evaluation = EvaluateJob.run(spark, cfg.evaluate(v, baseline));
        manifest.stage("evaluate");

        String modelId = evaluation.modelId(v.model());
        Gate.Decision gate = evaluation.gate();
        List<String> reasons = reasons(gate, baseline == null ? null : evaluation.modelId(baseline), modelId, trained);
        boolean promote = reasons.isEmpty();
        if (promote && cfg.export()) {
            ExportJob.run(spark, cfg.export(v));
            manifest.stage("export");
        }
        record(manifest, cfg, v, current, baseline, prepared, trained, evaluation, modelId, reasons, hadoop);
        beforePromotion.run();
        EmbedReport embedded = null;
        if (promote) {
            ModelRegistry.Promotion p = registry.promote(v, modelId);
            LOG.info("retrain {}: {} promoted ({}), current was {}", cfg.name(), v.label(), modelId,
                    p.previous() == null ? "none" : "v" + p.previous());
            if (cfg.embed()) {
                embedded = EmbedJob.run(spark, cfg.embed(v));
            }
        } else {
            LOG.warn("retrain {}: {} rejected, current stays {}: {}", cfg.name(), v.label(), current.map(p -> "v" + p.version())
                    .orElse("none"), String.join("; ", reasons));
        }
        return new RetrainReport(v, current.map(ModelRegistry.Promotion::version).orElse(null), modelId, promote, reasons, gate, evaluation,
                embedded);
    }

    /**
     * Why the challenger is not promoted (empty: it is): the gate's reasons, and before them, when the training run
     * kept its start (no dev evaluation beat it, so its model.zip holds the start's weights), that: a version identical
     * to the model it would replace is no new model, whatever the gate's minimum gain allows.
     */
    static List<String> reasons(Gate.Decision gate, String baselineId, String challengerId, TrainJob.TrainReport trained) {
        List<String> out = new java.util.ArrayList<>();
        if (baselineId != null && hash(baselineId).equals(hash(challengerId))) {
            out.add(String.format(Locale.ROOT, "the challenger holds the weights it started from (%s, as %s): no dev evaluation of its "
                    + "training beat its start (dev Spearman x100 %.2f at the start, best %.2f)", challengerId, baselineId,
                    100 * trained.initialSpearman(), 100 * trained.bestSpearman()));
        }
        if (gate != null) {
            out.addAll(gate.reasons());
        }
        return out;
    }

    /** A model id's weights hash, without the name: {@code name@hash}. */
    private static String hash(String modelId) {
        return modelId.substring(modelId.indexOf('@') + 1);
    }

    /**
     * What a first version is compared with: the model it starts from, when the evaluate job can open it (a trained
     * model.zip, or a registered model whole); null otherwise (a random or cut encoder: the first version is promoted
     * ungated).
     */
    private static String comparableStart(RetrainConfig cfg) {
        TrainJobConfig t = cfg.train(new ModelRegistry.Version(1, cfg.registry() + "/" + cfg.name() + "/v1"), null);
        if (t.warmStart() != null) {
            return t.warmStart();
        }
        boolean registered = PretrainedModel.all().stream().anyMatch(m -> m.name().equals(t.model()));
        return registered && t.layers() == 0 ? t.model() : null;
    }

    /** Trains the version's model, warm-started from the current one; its checkpoints go once the model is kept. */
    private static TrainJob.TrainReport train(SparkSession spark, RetrainConfig cfg, ModelRegistry.Version v,
                                              Optional<ModelRegistry.Promotion> current, Configuration hadoop) throws IOException {
        TrainJob.TrainReport r = TrainJob.run(spark, cfg.train(v, current.map(ModelRegistry.Promotion::model).orElse(null)));
        if (!r.finished()) {
            throw new IllegalStateException("retrain " + cfg.name() + ": training of " + v.label() + " stopped before its end (a time or "
                    + "step limit of train.limits); a registry version is a finished training run");
        }
        HadoopFs.delete(v.at("train/" + Checkpoints.DIR), hadoop);
        return r;
    }

    /** The version's _run.json: lineage, data, scores, the decision and its reasons. Written last in the version. */
    private static void record(RunManifest manifest, RetrainConfig cfg, ModelRegistry.Version v, Optional<ModelRegistry.Promotion> current,
                               String baseline, PrepareReport prepared, TrainJob.TrainReport trained, EvaluateReport evaluation,
                               String modelId, List<String> reasons, Configuration hadoop) throws IOException {
        boolean promote = reasons.isEmpty();
        ObjectNode root = manifest.root();
        root.put("name", cfg.name());
        root.put("version", v.number());
        root.put("model", v.model());
        root.put("model_id", modelId);
        ObjectNode parent = root.putObject("parent");
        if (current.isPresent()) {
            parent.put("version", current.get().version());
            parent.put("model", current.get().model());
            parent.put("model_id", current.get().modelId());
        } else {
            parent.putNull("version");
            parent.put("started_from", cfg.initialModel());
        }
        root.put("compared_with", baseline);
        ObjectNode data = root.putObject("data");
        data.set("inputs", manifest.toJson(cfg.prepare(v).inputs()));
        data.set("pairs", manifest.toJson(prepared.pairs()));
        data.put("quarantined", prepared.quarantined());
        ObjectNode training = root.putObject("training");
        training.put("steps", trained.steps());
        if (!trained.history().isEmpty()) { // no dev set: no dev scores (JSON has no NaN)
            training.put("initial_dev_spearman", trained.initialSpearman());
            training.put("best_dev_spearman", trained.bestSpearman());
        }
        training.put("best_step", trained.bestStep());
        training.put("improved", trained.improved());
        ArrayNode scores = root.putArray("scores");
        for (EvaluateReport.Result r : evaluation.results()) {
            ObjectNode s = scores.addObject();
            s.put("model", r.model().equals(v.model()) ? v.label() : r.model());
            s.put("set", r.set());
            var sp = r.evaluation().of(Similarity.COSINE).spearman();
            s.put("spearman_cosine_x100", sp.isDefined() ? 100 * sp.value() : null);
        }
        Gate.Decision gate = evaluation.gate();
        if (gate != null) {
            root.set("gate", gate.toJson());
        }
        root.put("decision", promote ? "promote" : "reject");
        root.set("reasons", manifest.toJson(reasons));
        if (gate == null) {
            root.put("note", "first version, promoted without a gate: it starts from " + cfg.initialModel()
                    + ", which the evaluate job cannot open (a random or cut encoder)");
        }
        manifest.write(v.path(), hadoop);
    }

    /** The registry's versions, one line each, for {@code --status}. */
    static String describe(ModelRegistry registry) throws IOException {
        StringBuilder b = new StringBuilder("registry " + registry + "\n");
        List<ModelRegistry.VersionStatus> all = registry.versions();
        if (all.isEmpty()) {
            b.append("  no versions yet\n");
        }
        for (ModelRegistry.VersionStatus s : all) {
            b.append(String.format(Locale.ROOT, "  %-5s %s", s.version().label(), s.status()));
            if (!s.reasons().isEmpty()) {
                b.append(": ").append(String.join("; ", s.reasons()));
            }
            b.append('\n');
        }
        registry.current().ifPresent(p -> b.append("current: v").append(p.version()).append(' ').append(p.modelId()).append(' ')
                .append(p.model()).append('\n'));
        return b.toString().stripTrailing();
    }
}
