package io.anglespark.jobs.prepare;

import io.anglespark.prep.ExampleShape;
import com.typesafe.config.Config;
import io.anglespark.jobs.common.ConfigException;
import io.anglespark.jobs.common.ConfigReader;
import io.anglespark.jobs.common.EmptyInput;
import io.anglespark.prep.clean.CleaningRules;
import io.anglespark.prep.pair.DuplicateResolver.ConflictPolicy;
import io.anglespark.prep.pair.SplitAssigner;

import java.io.Serializable;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The preparation job's configuration, read from the {@code prepare} object of a HOCON file
 * ({@code conf/prepare.conf} documents every key). Immutable; every value validated on load.
 *
 * @param normalizeScores      map similarity scores linearly onto 0..1 using each corpus's range
 * @param conflictPolicy       what to do with duplicate pairs whose scores differ
 * @param removeOverlapFromTrain drop train pairs that also occur in a dev or test split
 * @param nliPairs             write NLI rows as format-A pairs (entailment 1, contradiction 0)
 * @param nliTriplets          write NLI rows as format-C triplets grouped by premise
 * @param neutralLabel         label for neutral NLI pairs; null drops them (the default)
 * @param hashSplit            split assignment for inputs with {@code split = hash}
 * @param quarantineRawChars   raw text kept per quarantined row
 * @param rowsPerFile          rows per output Parquet file (about); fewer, larger files than one per partition
 * @param emptyInput           what an input that yields no rows does: fail the run naming it, or warn
 */
public record PrepareConfig(String dataRoot, String output, boolean overwrite, List<InputSpec> inputs,
                            CleaningRules cleaning, boolean normalizeScores, ConflictPolicy conflictPolicy,
                            boolean removeOverlapFromTrain, boolean nliPairs, boolean nliTriplets, Double neutralLabel,
                            SplitAssigner hashSplit, int quarantineRawChars, int rowsPerFile, double progressIntervalSeconds,
                            EmptyInput emptyInput)
        implements Serializable {

    public static final String ROOT = "prepare";

    public PrepareConfig {
        inputs = List.copyOf(inputs);
    }

    /** Every path the job reads, by the config key that names it: the output may touch none of them. */
    public java.util.Map<String, String> readPaths() {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put(ROOT + ".data-root", dataRoot);
        for (int i = 0; i < inputs.size(); i++) {
            m.put(ROOT + ".inputs[" + i + "].path (input '" + inputs.get(i).name() + "')", inputs.get(i).path());
        }
        return m;
    }

    public static PrepareConfig from(Config config) {
        ConfigReader r = ConfigReader.of(config, ROOT);
        String dataRoot = r.string("data-root", "../shared/data");
        String output = r.requiredString("output");
        boolean overwrite = r.bool("overwrite", false);

        List<ConfigReader> inputReaders = r.objectList("inputs");
        if (inputReaders.isEmpty()) {
            throw r.absent("inputs", "must list at least one input");
        }
        List<InputSpec> inputs = inputReaders.stream().map(ir -> InputSpec.parse(ir, dataRoot)).toList();
        Set<String> names = new HashSet<>();
        for (InputSpec in : inputs) {
            if (!names.add(in.name())) {
                throw new ConfigException("config key '" + r.key("inputs") + "': input name '" + in.name() + "' appears twice; names must be unique");
            }
        }

        ConfigReader c = r.section("cleaning");
        CleaningRules cleaning;
        int maxChars = c.intIn("max-chars", 10_000, 1, Integer.MAX_VALUE);
        CleaningRules.OverMaxPolicy overMax = c.enumOf("over-max", CleaningRules.OverMaxPolicy.class, CleaningRules.OverMaxPolicy.REJECT);
        cleaning = new CleaningRules(maxChars, overMax, c.bool("repair-mojibake", true));

        boolean normalize = r.section("scores").bool("normalize", false);
        ConflictPolicy policy = r.section("dedup").enumOf("conflict-policy", ConflictPolicy.class, ConflictPolicy.MEAN);
        boolean removeOverlap = r.section("overlap").bool("remove-from-train", true);

        ConfigReader nli = r.section("nli");
        boolean nliPairs = nli.bool("pairs", true);
        boolean nliTriplets = nli.bool("triplets", true);
        Double neutralLabel = nli.optionalDouble("neutral-label");
        if (neutralLabel != null && !(neutralLabel >= 0 && neutralLabel <= 1)) {
            throw nli.invalid("neutral-label", neutralLabel, "must be in [0, 1], or null to drop neutral pairs");
        }

        ConfigReader s = r.section("split");
        long seed = s.longIn("seed", 20231001L, Long.MIN_VALUE, Long.MAX_VALUE);
        double dev = s.doubleIn("dev-fraction", 0.1, 0, 0.99);
        double test = s.doubleIn("test-fraction", 0.1, 0, 0.99);
        if (dev + test >= 1) {
            throw s.invalid("dev-fraction", dev + " (with test-fraction " + test + ")", "dev-fraction + test-fraction must be < 1");
        }
        SplitAssigner assigner = new SplitAssigner(seed, dev, test);

        int rawChars = r.section("quarantine").intIn("raw-max-chars", 1000, 0, 1_000_000);
        int rowsPerFile = r.intIn("rows-per-file", 1_000_000, 1, Integer.MAX_VALUE);
        double progress = r.doubleIn("progress-interval-s", 10, 0.1, 3600);
        EmptyInput emptyInput = r.enumOf("empty-input", EmptyInput.class, EmptyInput.FAIL);

        for (InputSpec in : inputs) {
            boolean genericWithoutRange = in.format().generic() && in.fields().mapping().labelRange() == null
                    && in.fields().mapping().target() == ExampleShape.SCORED_PAIR;
            if (normalize && genericWithoutRange) {
                throw new ConfigException("config key '" + r.key("scores.normalize") + "' = true needs a 'label-range' on input '"
                        + in.name() + "' to know the scale to normalise from");
            }
        }
        r.rejectUnknownKeys();
        return new PrepareConfig(dataRoot, output, overwrite, inputs, cleaning, normalize, policy, removeOverlap,
                nliPairs, nliTriplets, neutralLabel, assigner, rawChars, rowsPerFile, progress, emptyInput);
    }
}
