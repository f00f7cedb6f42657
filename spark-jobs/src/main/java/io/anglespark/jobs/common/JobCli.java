package io.anglespark.jobs.common;

import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** Options every job takes: a HOCON file, {@code --set} overrides, and output handling. */
public class JobCli {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "HOCON configuration: a local file, a Hadoop path (hdfs:, s3a:, file:) or classpath:RESOURCE. Default: the "
                    + "job's defaults bundled in the jar (conf/<job>.conf as built); in client mode the submit scripts pass your conf/<job>.conf.")
    public String config;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override one key of the job's configuration, e.g. --set prepare.cleaning.max-chars=5000 (repeatable). "
                    + "Keys outside it are refused; Spark and Hadoop settings go in --conf or a Spark properties file.")
    public List<String> overrides = new ArrayList<>();

    @Option(names = {"-o", "--output"}, paramLabel = "PATH", description = "Output folder (any Hadoop path); overrides the config's output.")
    public String output;

    @Option(names = "--overwrite", description = "Replace the output folder if it exists (refused otherwise).")
    public boolean overwrite;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    public boolean help;

    /**
     * The {@code --set} overrides, plus {@code --output} and {@code --overwrite} as keys under the job's root. A
     * {@code --set} key outside the root fails ({@link JobConfigs#requireUnderRoots}).
     */
    public List<String> overrides(String root) {
        List<String> all = sets(root);
        if (output != null) {
            all.add(root + ".output=" + output);
        }
        if (overwrite) {
            all.add(root + ".overwrite=true");
        }
        return all;
    }

    /** The {@code --set} overrides, each checked to be under one of {@code roots}. */
    public List<String> sets(String... roots) {
        JobConfigs.requireUnderRoots(overrides, List.of(roots));
        return new ArrayList<>(overrides);
    }

    /**
     * The configuration file: {@code --config}, else the job's defaults bundled in the jar ({@link #bundledConfig}), so
     * that a driver on a cluster node (cluster deploy mode) needs no file of the submitting machine.
     */
    public String configFile(String job) {
        return config == null ? bundledConfig(job) : config;
    }

    /** The class-path copy of {@code conf/<job>.conf} the build puts in the jar. */
    public static String bundledConfig(String job) {
        return JobConfigs.CLASSPATH_PREFIX + "angle/conf/" + job + ".conf";
    }
}
