package io.anglespark.jobs.issues;

import com.typesafe.config.Config;
import io.anglespark.jobs.common.ConfigException;
import io.anglespark.jobs.common.ConfigReader;
import io.anglespark.jobs.common.EmptyInput;
import io.anglespark.prep.clean.CleaningRules;
import io.anglespark.prep.issues.DuplicateSignals;
import io.anglespark.prep.issues.LinksFile;
import io.anglespark.prep.issues.NegativeSampler;
import io.anglespark.prep.issues.TrackerCsvMapping;
import io.anglespark.prep.pair.SplitAssigner;

import java.io.Serializable;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The issue-pairs job's configuration, read from the {@code issue-pairs} object of a HOCON file
 * ({@code conf/issue-pairs.conf} documents every key). Immutable; every value validated on load.
 *
 * @param emptyInput what an input (issues, comments, tracker or links file) that yields no rows does: fail, or warn
 */
public record IssuePairsConfig(String dataRoot, String output, boolean overwrite, List<GitHubInput> github,
                               List<TrackerInput> trackers, DuplicateSignals signals, boolean appendComments,
                               boolean stripTemplates, CleaningRules cleaning, boolean transitive,
                               NegativeSampler negatives, SplitAssigner split, int quarantineRawChars, int rowsPerFile,
                               double progressIntervalSeconds, EmptyInput emptyInput) implements Serializable {

    public static final String ROOT = "issue-pairs";

    /** A GitHub dump: issue objects, and optionally the API's comment objects. */
    public record GitHubInput(String name, String issues, String comments) implements Serializable {
        public String commentsInput() {
            return name + "-comments";
        }
    }

    /** A tracker export: issues CSV with its column mapping, and optionally a duplicate-links CSV. */
    public record TrackerInput(String name, String project, String issues, String links, TrackerCsvMapping mapping,
                               LinksFile linkColumns) implements Serializable {
        public String linksInput() {
            return name + "-links";
        }
    }

    public IssuePairsConfig {
        github = List.copyOf(github);
        trackers = List.copyOf(trackers);
    }

    /** Every path the job reads, by the config key that names it: the output may touch none of them. */
    public java.util.Map<String, String> readPaths() {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put(ROOT + ".data-root", dataRoot);
        for (int i = 0; i < github.size(); i++) {
            m.put(ROOT + ".github[" + i + "].issues", github.get(i).issues());
            m.put(ROOT + ".github[" + i + "].comments", github.get(i).comments());
        }
        for (int i = 0; i < trackers.size(); i++) {
            m.put(ROOT + ".trackers[" + i + "].issues", trackers.get(i).issues());
            m.put(ROOT + ".trackers[" + i + "].links", trackers.get(i).links());
        }
        return m;
    }

    public static IssuePairsConfig from(Config config) {
        ConfigReader r = ConfigReader.of(config, ROOT);
        String dataRoot = r.string("data-root", "../shared/data");
        String output = r.requiredString("output");
        boolean overwrite = r.bool("overwrite", false);

        List<GitHubInput> github = r.objectList("github").stream().map(g -> new GitHubInput(name(g),
                resolve(dataRoot, g.requiredString("issues")), resolveOrNull(dataRoot, g.optionalString("comments")))).toList();
        ConfigReader s = r.section("signals");
        DuplicateSignals signals = new DuplicateSignals(stringList(s, "duplicate-labels", List.of("duplicate")),
                stringList(s, "duplicate-milestones", List.of("duplicate")));
        List<TrackerInput> trackers = r.objectList("trackers").stream().map(t -> tracker(t, dataRoot, signals)).toList();
        if (github.isEmpty() && trackers.isEmpty()) {
            throw new ConfigException("config keys '" + r.key("github") + "' and '" + r.key("trackers") + "' list no input");
        }
        Set<String> names = new HashSet<>();
        for (String n : github.stream().flatMap(g -> java.util.stream.Stream.of(g.name(), g.commentsInput())).toList()) {
            unique(names, n, r);
        }
        for (String n : trackers.stream().flatMap(t -> java.util.stream.Stream.of(t.name(), t.linksInput())).toList()) {
            unique(names, n, r);
        }

        ConfigReader text = r.section("text");
        boolean appendComments = text.bool("append-comments", true);
        boolean strip = text.bool("strip-templates", true);

        ConfigReader c = r.section("cleaning");
        CleaningRules cleaning = new CleaningRules(c.intIn("max-chars", 100_000, 1, Integer.MAX_VALUE),
                c.enumOf("over-max", CleaningRules.OverMaxPolicy.class, CleaningRules.OverMaxPolicy.REJECT),
                c.bool("repair-mojibake", false));

        ConfigReader p = r.section("pairs");
        boolean transitive = p.bool("transitive", false);
        NegativeSampler negatives = new NegativeSampler(p.longIn("seed", 20231001L, Long.MIN_VALUE, Long.MAX_VALUE),
                p.intIn("negative-ratio", 1, 0, 1000));

        ConfigReader sp = r.section("split");
        long seed = sp.longIn("seed", 20231001L, Long.MIN_VALUE, Long.MAX_VALUE);
        double dev = sp.doubleIn("dev-fraction", 0.1, 0, 0.99);
        double test = sp.doubleIn("test-fraction", 0.1, 0, 0.99);
        if (dev + test >= 1) {
            throw sp.invalid("dev-fraction", dev + " (with test-fraction " + test + ")", "dev-fraction + test-fraction must be < 1");
        }
        int rawChars = r.section("quarantine").intIn("raw-max-chars", 1000, 0, 1_000_000);
        int rowsPerFile = r.intIn("rows-per-file", 1_000_000, 1, Integer.MAX_VALUE);
        double progress = r.doubleIn("progress-interval-s", 10, 0.1, 3600);
        EmptyInput emptyInput = r.enumOf("empty-input", EmptyInput.class, EmptyInput.FAIL);
        r.rejectUnknownKeys();
        return new IssuePairsConfig(dataRoot, output, overwrite, github, trackers, signals, appendComments, strip, cleaning,
                transitive, negatives, new SplitAssigner(seed, dev, test), rawChars, rowsPerFile, progress, emptyInput);
    }

    private static TrackerInput tracker(ConfigReader t, String dataRoot, DuplicateSignals signals) {
        String name = name(t);
        String project = t.string("project", name);
        ConfigReader cols = t.section("columns");
        TrackerCsvMapping mapping;
        LinksFile links;
        try {
            mapping = new TrackerCsvMapping(project, cols.string("id", "Issue id"), cols.string("title", "Summary"),
                    cols.string("body", "Description"), cols.optionalString("resolution"),
                    stringList(t, "duplicate-resolutions", List.of("Duplicate")), signals);
            ConfigReader lc = t.section("link-columns");
            links = new LinksFile(project, lc.string("from", "Issue id"), lc.string("to", "Duplicate id"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("config key '" + t.key("columns") + "': " + e.getMessage(), e);
        }
        return new TrackerInput(name, project, resolve(dataRoot, t.requiredString("issues")),
                resolveOrNull(dataRoot, t.optionalString("links")), mapping, links);
    }

    private static String name(ConfigReader r) {
        String name = r.requiredString("name");
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw r.invalid("name", "'" + name + "'", "use letters, digits, '.', '_' and '-'");
        }
        return name;
    }

    private static void unique(Set<String> names, String name, ConfigReader r) {
        if (!names.add(name)) {
            throw new ConfigException("config key '" + r.key("github") + "/" + r.key("trackers") + "': input name '" + name
                    + "' appears twice (a GitHub input NAME also owns NAME-comments, a tracker NAME-links)");
        }
    }

    private static List<String> stringList(ConfigReader r, String key, List<String> dflt) {
        List<String> v = r.optionalStringList(key);
        return v == null ? dflt : v;
    }

    static String resolve(String dataRoot, String path) {
        return io.anglespark.jobs.common.HadoopFs.resolve(dataRoot, path);
    }

    private static String resolveOrNull(String dataRoot, String path) {
        return path == null || path.isBlank() ? null : resolve(dataRoot, path);
    }
}
