package io.anglespark.jobs.evaluate;

import com.typesafe.config.Config;
import io.anglespark.jobs.common.ConfigException;
import io.anglespark.jobs.common.ConfigReader;
import io.anglespark.jobs.common.EmptyInput;
import io.anglespark.jobs.common.HadoopFs;
import io.anglespark.model.Pooling;
import io.anglespark.model.PretrainedModel;
import io.anglespark.model.metrics.Similarity;
import io.anglespark.model.serve.Engine;
import io.anglespark.model.serve.Precision;
import io.anglespark.prep.Split;

import java.io.Serializable;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The evaluate job's configuration, read from the {@code evaluate} object of a HOCON file
 * ({@code conf/evaluate.conf} documents every key). Immutable; every value validated on load.
 *
 * @param models      what to evaluate, side by side: registered pretrained names or paths to encoder artifacts
 * @param encoder     how pretrained models embed (artifacts carry their own pooling and maximum length)
 * @param sets        the evaluation sets
 * @param plots       the scatter plots
 * @param rejectionExamples rejected rows per set whose location and detail the report quotes
 * @param emptyInput  what a set that yields no rows (after its filters) does: fail the run naming it, or warn
 * @param gate        the promotion gate (a challenger against a baseline); null when {@code gate.enabled} is false
 */
public record EvaluateConfig(String dataRoot, String output, boolean overwrite, List<ModelRef> models, EncoderSettings encoder,
                             List<SetSpec> sets, Plots plots, int rejectionExamples, double progressIntervalSeconds,
                             EmptyInput emptyInput, Gate gate)
        implements Serializable {

    public static final String ROOT = "evaluate";

    /** Every path the job reads, by the config key that names it (registered models are no paths): the output may touch none. */
    public Map<String, String> readPaths() {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put(ROOT + ".data-root", dataRoot);
        for (int i = 0; i < models.size(); i++) {
            if (!models.get(i).registered()) {
                m.put(ROOT + ".models[" + i + "]", models.get(i).path());
            }
        }
        for (int i = 0; i < sets.size(); i++) {
            m.put(ROOT + ".sets[" + i + "].path (set '" + sets.get(i).name() + "')", sets.get(i).path());
        }
        return m;
    }

    public EvaluateConfig {
        models = List.copyOf(models);
        sets = List.copyOf(sets);
    }

    /**
     * A model to evaluate. {@code pretrained} is set for a registered name; otherwise {@code path} names an
     * {@link io.anglespark.model.encoder.EncoderArtifact} zip or an export folder (any Hadoop path). {@code label} is how
     * reports name it; an export folder's label ending in {@value #INT8_SUFFIX} runs its int8 file ({@code precision}).
     */
    public record ModelRef(String label, String pretrained, String path, Precision precision) implements Serializable {
        /** What a model entry ends with to run an export's int8 file: {@code "/exports/x#int8"}. */
        public static final String INT8_SUFFIX = "#int8";

        /** A registered pretrained model (not named like a getter, so {@code _run.json} keeps the name itself). */
        public boolean registered() {
            return pretrained != null;
        }
    }

    /**
     * @param engine      what computes the vectors: DL4J or ONNX Runtime
     * @param pooling     pooling for every model; null means each model's own
     * @param maxLength   tokens per text for every model (at most its positions), [CLS] and [SEP] included; longer texts are cut;
     *                    null: each model's own maximum length
     * @param batchSize   texts per forward pass (length-bucketed)
     * @param queryPrefix prepend each pretrained model's query prefix (e5: {@code "query: "}) to every text
     */
    public record EncoderSettings(Engine engine, Pooling pooling, Integer maxLength, int batchSize, boolean queryPrefix) implements Serializable {
    }

    /**
     * One evaluation set.
     *
     * @param format  how {@code path} is read
     * @param path    file, folder or glob (any Hadoop path); relative paths are under the data root
     * @param sources Parquet formats: keep rows whose {@code source} column is one of these (null: all)
     * @param split   Parquet formats: keep rows of this split (null: all)
     */
    public record SetSpec(String name, Format format, String path, List<String> sources, Split split) implements Serializable {
        public SetSpec {
            sources = sources == null ? null : List.copyOf(sources);
        }
    }

    public enum Format {
        /** STS Benchmark TSV, read by data-prep's {@code StsBenchmarkFormat}. */
        STSB,
        /** SICK 2014, read by {@code SickFormat} (relatedness score). */
        SICK,
        /** SemEval STS {@code score, sentence1, sentence2}, read by {@code SemEvalStsFormat}. */
        SEMEVAL_STS,
        /** The prepare job's {@code pairs/} Parquet (text1, text2, label, source, split). */
        PAIRS,
        /** The issue-pairs job's {@code pairs/} Parquet: labels must be 0 or 1 (duplicate or not). */
        ISSUE_PAIRS;

        public boolean parquet() {
            return this == PAIRS || this == ISSUE_PAIRS;
        }

        public String label() {
            return ConfigReader.hyphenated(this);
        }
    }

    /**
     * @param enabled    write one PNG scatter per (model, set)
     * @param similarity the predicted score on the y axis
     */
    public record Plots(boolean enabled, Similarity similarity, int width, int height) implements Serializable {
    }

    public static EvaluateConfig from(Config config) {
        ConfigReader r = ConfigReader.of(config, ROOT);
        String dataRoot = r.string("data-root", "../shared/data");
        String output = r.requiredString("output");
        boolean overwrite = r.bool("overwrite", false);

        List<String> modelNames = r.optionalStringList("models");
        if (modelNames == null || modelNames.isEmpty()) {
            throw r.absent("models", "must list at least one model (a pretrained name such as "
                    + PretrainedModel.BGE_SMALL_EN_V15.name() + ", or the path of a trained model.zip)");
        }
        Set<String> labels = new HashSet<>();
        List<ModelRef> models = modelNames.stream().map(n -> model(r, n)).toList();
        for (ModelRef m : models) {
            if (!labels.add(m.label())) {
                throw r.invalid("models", modelNames, "'" + m.label() + "' is listed twice");
            }
        }

        ConfigReader e = r.section("encoder");
        String poolingText = e.optionalString("pooling");
        Pooling pooling;
        try {
            pooling = poolingText == null ? null : Pooling.parse(poolingText);
        } catch (IllegalArgumentException ex) {
            throw e.invalid("pooling", "'" + poolingText + "'", "must be cls, mean, cls_avg, max, last, or null for each model's own");
        }
        EncoderSettings encoder = new EncoderSettings(e.enumOf("engine", Engine.class, Engine.DL4J), pooling, e.optionalIntIn("max-length", 2, 512),
                e.intIn("batch-size", 32, 1, 4096), e.bool("query-prefix", false));

        List<ConfigReader> setReaders = r.objectList("sets");
        if (setReaders.isEmpty()) {
            throw r.absent("sets", "must list at least one evaluation set");
        }
        List<SetSpec> sets = setReaders.stream().map(s -> set(s, dataRoot)).toList();
        Set<String> names = new HashSet<>();
        for (SetSpec s : sets) {
            if (!names.add(s.name())) {
                throw new ConfigException("config key '" + r.key("sets") + "': set name '" + s.name() + "' appears twice; names must be unique");
            }
        }

        ConfigReader p = r.section("plots");
        String sim = p.string("similarity", Similarity.COSINE.label());
        Similarity similarity;
        try {
            similarity = Similarity.parse(sim);
        } catch (IllegalArgumentException ex) {
            throw p.invalid("similarity", "'" + sim + "'", "must be cosine, dot, euclidean or manhattan");
        }
        Plots plots = new Plots(p.bool("enabled", true), similarity, p.intIn("width", 640, 100, 4000), p.intIn("height", 480, 100, 4000));

        int examples = r.section("report").intIn("rejection-examples", 5, 0, 1000);
        double progress = r.doubleIn("progress-interval-s", 10, 0.1, 3600);
        EmptyInput emptyInput = r.enumOf("empty-input", EmptyInput.class, EmptyInput.FAIL);
        Gate gate = gate(r.section("gate"), models, sets);
        r.rejectUnknownKeys();
        return new EvaluateConfig(dataRoot, output, overwrite, models, encoder, sets, plots, examples, progress, emptyInput, gate);
    }

    /** The gate's rule, its models and primary set checked against the configured ones; null when it is off. */
    private static Gate gate(ConfigReader g, List<ModelRef> models, List<SetSpec> sets) {
        boolean enabled = g.bool("enabled", false);
        String baseline = g.optionalString("baseline");
        String challenger = g.optionalString("challenger");
        String primary = g.optionalString("primary");
        double minGain = g.doubleIn("min-gain", 0.0, -100, 100);
        double maxLoss = g.doubleIn("max-loss", 1.0, 0, 100);
        if (!enabled) {
            return null;
        }
        List<String> labels = models.stream().map(ModelRef::label).toList();
        if (models.size() < 2) {
            throw g.invalid("enabled", true, "the gate compares two models, and " + ROOT + ".models lists " + labels
                    + " (list the baseline and the challenger)");
        }
        baseline = gateModel(g, "baseline", baseline, labels, labels.get(0));
        challenger = gateModel(g, "challenger", challenger, labels, labels.get(labels.size() - 1));
        if (baseline.equals(challenger)) {
            throw g.invalid("challenger", "'" + challenger + "'", "is also the baseline; the gate compares two different models");
        }
        List<String> setNames = sets.stream().map(SetSpec::name).toList();
        if (primary == null) {
            primary = setNames.get(0);
        } else if (!setNames.contains(primary)) {
            throw g.invalid("primary", "'" + primary + "'", "is not one of the sets " + setNames);
        }
        return new Gate(baseline, challenger, primary, minGain, maxLoss);
    }

    private static String gateModel(ConfigReader g, String key, String given, List<String> labels, String dflt) {
        if (given == null) {
            return dflt;
        }
        String label = labels.stream().filter(l -> l.equalsIgnoreCase(given.trim())).findFirst().orElse(null);
        if (label == null) {
            throw g.invalid(key, "'" + given + "'", "is not one of the models " + labels);
        }
        return label;
    }

    private static ModelRef model(ConfigReader r, String entry) {
        String n = entry.trim();
        if (n.isEmpty()) {
            throw r.invalid("models", "''", "a model is a pretrained name or a path, not empty");
        }
        for (PretrainedModel m : PretrainedModel.all()) {
            if (m.name().equals(n.toLowerCase(Locale.ROOT))) {
                return new ModelRef(m.name(), m.name(), null, Precision.FP32);
            }
        }
        if (!n.contains("/") && !n.toLowerCase(Locale.ROOT).endsWith(".zip")) {
            throw r.invalid("models", "'" + n + "'", "is neither a pretrained model ("
                    + PretrainedModel.all().stream().map(PretrainedModel::name).toList() + ") nor a path to a model .zip or an ONNX export folder");
        }
        if (n.endsWith(ModelRef.INT8_SUFFIX)) {
            return new ModelRef(n, null, n.substring(0, n.length() - ModelRef.INT8_SUFFIX.length()), Precision.INT8);
        }
        return new ModelRef(n, null, n, Precision.FP32);
    }

    private static SetSpec set(ConfigReader s, String dataRoot) {
        String name = s.requiredString("name");
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw s.invalid("name", "'" + name + "'", "use letters, digits, '.', '_' and '-'");
        }
        Format format = s.enumOf("format", Format.class, null);
        String path = HadoopFs.resolve(dataRoot, s.requiredString("path"));
        List<String> sources = s.optionalStringList("sources");
        String splitText = s.optionalString("split");
        if (!format.parquet() && (sources != null || splitText != null)) {
            throw s.invalid(sources != null ? "sources" : "split", sources != null ? sources : splitText,
                    "filters apply to the Parquet formats (pairs, issue-pairs); a " + format.label() + " file is one set as it is");
        }
        Split split = null;
        if (splitText != null) {
            try {
                split = Split.parse(splitText.trim().toLowerCase(Locale.ROOT));
            } catch (IllegalArgumentException ex) {
                throw s.invalid("split", "'" + splitText + "'", "must be train, dev or test, or null for all");
            }
        }
        if (sources != null && sources.isEmpty()) {
            throw s.invalid("sources", "[]", "list at least one source, or leave it null for all");
        }
        return new SetSpec(name, format, path, sources, split);
    }
}
