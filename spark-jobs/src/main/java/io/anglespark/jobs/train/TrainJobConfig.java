package io.anglespark.jobs.train;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.anglespark.jobs.common.ConfigException;
import io.anglespark.jobs.common.ConfigReader;
import io.anglespark.jobs.common.EmptyInput;
import io.anglespark.model.Pooling;
import io.anglespark.model.loss.AngleLossConfig;
import io.anglespark.model.loss.LabelScale;
import io.anglespark.model.train.TrainConfig;
import io.anglespark.prep.ExampleShape;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The training job's configuration, read from the {@code train} object of a HOCON file ({@code conf/train.conf}
 * documents every key and its default). Immutable; every value validated on load, a bad one fails naming its key.
 *
 * @param input            the prepare job's output folder (pairs/, positives/, triplets/)
 * @param format           which examples train: A (pairs/), B (positives/), C (triplets/)
 * @param sources          train rows' sources to use (empty: every source); split is always train
 * @param labelScale       format A: the scale the labels are written on
 * @param devInput         folder whose pairs/ hold the dev set (default: {@code input})
 * @param devSource        dev pairs' source (null, written {@code "*"}: every source)
 * @param devSplit         dev pairs' split
 * @param devMaxPairs      dev subset: at most that many pairs, evenly spaced in pair-id order (0: all)
 * @param model            a pretrained model name, or {@code random}
 * @param pooling          pooling (null: the model's own)
 * @param layers           keep only the first that many transformer layers (0: all)
 * @param random           shape of a {@code random} model
 * @param warmStart        an encoder artifact (a previous run's model.zip) to start from instead of {@code model}
 * @param name             the trained model's own name, which its model id carries ({@code name@hash}); null: the warm
 *                         start's name, else {@code model}'s
 * @param training         loss, batch, length, epochs, step budget (maxSteps, 0: none), optimiser and seed (the model
 *                         module's record)
 * @param workers          Spark workers (parameter averaging replicas); each round gives each one batch(es)
 * @param averagingFrequency minibatches each worker fits between two averagings
 * @param prefetch         minibatches prefetched per worker (0: none)
 * @param storageLevel     storage level of a round's minibatch RDD (Spark's names, e.g. MEMORY_ONLY_SER)
 * @param collectStats     DL4J's SparkTrainingStats: time spent broadcasting, fitting and averaging
 * @param checkpointEverySteps a checkpoint every that many steps (and at each epoch's end, on a limit, at the end)
 * @param keepCheckpoints  complete checkpoints kept (the newest)
 * @param maxRunSeconds    after this many seconds of this run, checkpoint and stop (0: no limit)
 * @param stopAfterSteps   after this many steps (over all runs), checkpoint and stop (0: no limit)
 * @param emptyInput       dev pairs that yield no rows: fail the run naming the dev input, or warn (no dev evaluation);
 *                         train examples that yield no rows always fail (there is nothing to train on)
 */
public record TrainJobConfig(String input, ExampleShape format, List<String> sources, LabelScale labelScale,
                             String devInput, String devSource, String devSplit, int devMaxPairs,
                             String model, Pooling pooling, int layers, RandomShape random, String warmStart,
                             String name, TrainConfig training, int workers, int averagingFrequency, int prefetch, String storageLevel,
                             boolean collectStats, int checkpointEverySteps, int keepCheckpoints, long maxRunSeconds,
                             int stopAfterSteps, String output, boolean overwrite, boolean resume, double progressIntervalSeconds,
                             EmptyInput emptyInput)
        implements Serializable {

    public static final String ROOT = "train";
    public static final String RANDOM = "random";
    /** The loss preset that takes every weight and temperature from the configuration. */
    public static final String CUSTOM_LOSS = "custom";

    /** Shape of a randomly initialised encoder (tests, experiments), with a pretrained model's tokenizer. */
    public record RandomShape(int layers, int hidden, int heads, int intermediate, String tokenizerOf) implements Serializable {
    }

    public TrainJobConfig {
        sources = List.copyOf(sources);
    }

    /** Every path the job reads, by the config key that names it: the output may touch none of them. */
    public java.util.Map<String, String> readPaths() {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put(ROOT + ".input", input);
        m.put(ROOT + ".dev.input", devInput);
        m.put(ROOT + ".warm-start", warmStart);
        return m;
    }

    /** Examples per minibatch (pairs for formats A and B, triplets for C). */
    public int batchPerWorker() {
        return training.examplesPerBatch();
    }

    /** Minibatches in one averaging round: every worker fits {@link #averagingFrequency} of them. */
    public int batchesPerRound() {
        return workers * averagingFrequency;
    }

    public static TrainJobConfig from(Config config) {
        ConfigReader r = ConfigReader.of(config, ROOT);
        String input = r.requiredString("input");
        ExampleShape format = r.parsed("format", ExampleShape.SCORED_PAIR.label(), ExampleShape::parse);
        List<String> sources = r.optionalStringList("sources");
        LabelScale scale = labelScale(r, r.string("label-scale", "sts"));

        ConfigReader d = r.section("dev");
        String devInput = d.optionalString("input");
        String devSource = d.string("source", "stsb").trim();
        devSource = devSource.equals("*") ? null : devSource;
        String devSplit = d.string("split", "dev");
        int devMaxPairs = d.intIn("max-pairs", 0, 0, Integer.MAX_VALUE);
        int devEvery = d.intIn("every-steps", 100, 0, Integer.MAX_VALUE);
        int patience = d.intIn("patience", 0, 0, 100_000);

        String model = r.string("model", "minilm-l6-v2").trim();
        String poolingName = r.optionalString("pooling");
        Pooling pooling;
        try {
            pooling = poolingName == null ? null : Pooling.parse(poolingName);
        } catch (IllegalArgumentException e) {
            throw r.invalid("pooling", poolingName, e.getMessage());
        }
        int layers = r.intIn("layers", 0, 0, 1000);
        ConfigReader rs = r.section("random");
        RandomShape random = new RandomShape(rs.intIn("layers", 1, 1, 48), rs.intIn("hidden", 32, 2, 4096), rs.intIn("heads", 2, 1, 64),
                rs.intIn("intermediate", 64, 1, 16384), rs.string("tokenizer-of", "minilm-l6-v2"));
        if (random.hidden() % random.heads() != 0) {
            throw rs.invalid("hidden", random.hidden(), "must be a multiple of " + rs.key("heads") + " (" + random.heads() + ")");
        }
        String warmStart = r.optionalString("warm-start");
        String name = r.optionalString("name");
        if (name != null && !name.matches(io.anglespark.model.encoder.Encoder.NAME_PATTERN)) {
            throw r.invalid("name", "'" + name + "'", "must be " + io.anglespark.model.encoder.Encoder.NAME_RULE
                    + " (it becomes part of model ids and registry folders)");
        }

        AngleLossConfig loss = loss(r.section("loss"), format, scale);

        int batch = r.intIn("batch-per-worker", 16, 1, 100_000);
        int maxLength = r.intIn("max-length", 64, 2, 100_000);
        int epochs = r.intIn("epochs", 1, 1, 100_000);
        int maxSteps = r.intIn("max-steps", 0, 0, Integer.MAX_VALUE);
        ConfigReader o = r.section("optimizer");
        double lr = o.doubleIn("learning-rate", 2e-5, 1e-12, 10);
        int warmup = o.intIn("warmup-steps", 0, 0, Integer.MAX_VALUE);
        double wd = o.doubleIn("weight-decay", 0, 0, 10);
        double clip = o.doubleIn("clip-norm", 1.0, 0, 1e9);
        long seed = r.longIn("seed", 42, Long.MIN_VALUE, Long.MAX_VALUE);
        int logEvery = r.intIn("log-every-steps", 10, 1, Integer.MAX_VALUE);
        TrainConfig training;
        try {
            training = new TrainConfig(loss, batch, maxLength, epochs, maxSteps, lr, warmup, wd, clip, devEvery, patience, logEvery, seed);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("config key '" + r.key("optimizer") + "': " + e.getMessage(), e);
        }

        ConfigReader s = r.section("spark");
        int workers = s.intIn("workers", 2, 1, 100_000);
        int freq = s.intIn("averaging-frequency", 5, 1, 100_000);
        int prefetch = s.intIn("prefetch", 2, 0, 1000);
        String storage = s.string("storage-level", "MEMORY_ONLY_SER").trim().toUpperCase(Locale.ROOT);
        try {
            org.apache.spark.storage.StorageLevel.fromString(storage);
        } catch (IllegalArgumentException e) {
            throw s.invalid("storage-level", storage, "not a Spark storage level (e.g. MEMORY_ONLY, MEMORY_ONLY_SER, MEMORY_AND_DISK_SER)");
        }
        boolean stats = s.bool("collect-stats", false);

        ConfigReader c = r.section("checkpoint");
        int every = c.intIn("every-steps", 250, 1, Integer.MAX_VALUE);
        int keep = c.intIn("keep", 2, 1, 1000);

        ConfigReader lim = r.section("limits");
        Duration maxRunTime = duration(lim, "max-run-time");
        long maxRunSeconds = maxRunTime == null ? 0 : Math.max(1, maxRunTime.toSeconds());
        int stopAfter = lim.intIn("stop-after-steps", 0, 0, Integer.MAX_VALUE);

        String output = r.requiredString("output");
        boolean overwrite = r.bool("overwrite", false);
        boolean resume = r.bool("resume", false);
        if (overwrite && resume) {
            throw new ConfigException("config keys '" + r.key("overwrite") + "' and '" + r.key("resume") + "' are both true: resume continues "
                    + "the output's checkpoints, overwrite deletes them; choose one");
        }
        double progress = r.doubleIn("progress-interval-s", 30, 0.1, 86_400);
        EmptyInput emptyInput = r.enumOf("empty-input", EmptyInput.class, EmptyInput.FAIL);
        r.rejectUnknownKeys();
        return new TrainJobConfig(input, format, sources == null ? List.of() : sources, scale, devInput == null ? input : devInput, devSource,
                devSplit, devMaxPairs, model, pooling, layers, random, warmStart, name, training, workers, freq, prefetch, storage, stats, every, keep,
                maxRunSeconds, stopAfter, output, overwrite, resume, progress, emptyInput);
    }

    /** The keys of the loss weights and temperatures, in the order of {@link AngleLossConfig.Preset#numbers()}. */
    private static final String[] LOSS_NUMBERS = {"cosine-weight", "ibn-weight", "cln-weight", "angle-weight", "cosine-tau", "ibn-tau", "angle-tau"};

    /**
     * The objective: a preset by name, or {@code custom} with every weight and temperature given. With a preset, a weight or
     * temperature that is given must equal the preset's (a different value fails naming the key: choose {@code custom} to
     * set them); the in-batch-negative positive rule is a property of the data and may be chosen with any preset.
     */
    static AngleLossConfig loss(ConfigReader l, ExampleShape format, LabelScale scale) {
        String presetName = l.string("preset", AngleLossConfig.Preset.DEFAULT.label()).trim();
        boolean custom = presetName.equalsIgnoreCase(CUSTOM_LOSS);
        AngleLossConfig.Preset preset;
        try {
            preset = custom ? null : AngleLossConfig.Preset.parse(presetName);
        } catch (IllegalArgumentException e) {
            throw l.invalid("preset", "'" + presetName + "'", e.getMessage() + ", or custom (every weight and tau given)");
        }
        double[] values = new double[LOSS_NUMBERS.length];
        double[] fromPreset = preset == null ? null : preset.numbers();
        for (int i = 0; i < LOSS_NUMBERS.length; i++) {
            String k = LOSS_NUMBERS[i];
            boolean tau = k.endsWith("-tau");
            Double v = l.optionalDouble(k);
            if (v != null && (!Double.isFinite(v) || (tau ? v <= 0 : v < 0))) {
                throw l.invalid(k, v, tau ? "a temperature must be > 0" : "a weight must be >= 0");
            }
            if (preset == null) {
                if (v == null) {
                    throw l.absent(k, "preset = custom needs every weight and temperature: " + String.join(", ", LOSS_NUMBERS));
                }
                values[i] = v;
            } else {
                if (v != null && v.doubleValue() != fromPreset[i]) {
                    throw l.invalid(k, v, "conflicts with preset " + preset.label() + " (" + k + " " + fromPreset[i] + "): leave it null to "
                            + "take the preset's, or set preset = custom and give every weight and temperature");
                }
                values[i] = fromPreset[i];
            }
        }
        AngleLossConfig.IbnPositives positives = l.enumOf("ibn-positives", AngleLossConfig.IbnPositives.class,
                preset == null ? AngleLossConfig.IbnPositives.ANGLE_EMB : preset.ibnPositives());
        double threshold = l.doubleIn("positive-threshold", AngleLossConfig.DEFAULT_POSITIVE_THRESHOLD, -1e9, 1e9);
        try {
            return new AngleLossConfig(format, values[0], values[1], values[2], values[3], values[4], values[5], values[6], positives, threshold,
                    scale);
        } catch (IllegalArgumentException e) {
            String hint = e.getMessage().contains("in-batch-negative") ? " (here: " + l.key("ibn-positives") + " = threshold with "
                    + l.key("positive-threshold") + " inside the scale, or " + l.key("ibn-positives") + " = partner)" : "";
            throw new ConfigException("config keys '" + l.key("*") + "': " + e.getMessage() + hint, e);
        }
    }

    private static LabelScale labelScale(ConfigReader r, String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "sts" -> LabelScale.STS;
            case "sick" -> LabelScale.SICK;
            case "binary" -> LabelScale.BINARY;
            case "normalized" -> LabelScale.NORMALIZED;
            default -> throw r.invalid("label-scale", "'" + name + "'", "must be one of [sts, sick, binary, normalized]");
        };
    }

    /** A HOCON duration ("90m", "2h", "45s"); absent, null or 0: none. */
    private static Duration duration(ConfigReader r, String name) {
        String s = r.optionalString(name);
        if (s == null || s.isBlank() || s.trim().equals("0")) {
            return null;
        }
        try {
            Duration d = ConfigFactory.parseString("d = \"" + s.trim() + "\"").getDuration("d");
            if (d.isNegative()) {
                throw r.invalid(name, s, "must not be negative");
            }
            return d.isZero() ? null : d;
        } catch (com.typesafe.config.ConfigException e) {
            throw r.invalid(name, "'" + s + "'", "not a duration (e.g. 45s, 90m, 2h)");
        }
    }
}
