package io.anglespark.jobs.common;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValueFactory;
import org.apache.hadoop.conf.Configuration;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Loads a job's HOCON file (a local file, or any Hadoop path) and applies {@code --set key=value}
 * overrides on top. Environment substitutions ({@code ${?ANGLE_DATA_ROOT}}) are resolved.
 */
public final class JobConfigs {
    /** A {@code --config} value naming a class-path resource, e.g. the defaults bundled in the jar. */
    public static final String CLASSPATH_PREFIX = "classpath:";

    private JobConfigs() {
    }

    public static Config load(String configPath, List<String> overrides, Configuration hadoopConf) {
        Config base = configPath == null ? ConfigFactory.empty() : parseFile(configPath, hadoopConf);
        Config merged = base;
        for (String kv : overrides) {
            merged = override(kv).withFallback(merged);
        }
        try {
            return merged.resolve();
        } catch (com.typesafe.config.ConfigException e) {
            throw new ConfigException("cannot resolve configuration " + (configPath == null ? "" : configPath) + ": " + e.getMessage(), e);
        }
    }

    private static Config parseFile(String configPath, Configuration hadoopConf) {
        File local = new File(configPath);
        try {
            if (configPath.startsWith(CLASSPATH_PREFIX)) {
                // parseResources resolves include "x.conf" relative to the resource.
                return ConfigFactory.parseResources(JobConfigs.class.getClassLoader(), configPath.substring(CLASSPATH_PREFIX.length()),
                        ConfigParseOptions.defaults().setAllowMissing(false));
            }
            if (!configPath.contains("://") && !configPath.startsWith("file:")) {
                if (!local.isFile()) {
                    throw new ConfigException("config file '" + configPath + "' does not exist (absolute: " + local.getAbsolutePath() + ")");
                }
                // parseFile resolves include "x.conf" relative to the file.
                return ConfigFactory.parseFile(local, ConfigParseOptions.defaults().setAllowMissing(false));
            }
            return ConfigFactory.parseString(HadoopFs.readString(configPath, hadoopConf),
                    ConfigParseOptions.defaults().setOriginDescription(configPath));
        } catch (com.typesafe.config.ConfigException e) {
            throw new ConfigException("cannot parse config file '" + configPath + "': " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file '" + configPath + "': " + e.getMessage(), e);
        }
    }

    /**
     * Checks that every {@code --set KEY=VALUE} key is under one of {@code roots} (the job's configuration): a key outside
     * them would be merged and never read. It fails naming the key and the nearest valid one; a Spark or Hadoop setting is
     * pointed to {@code --conf} or a Spark properties file. Values are never echoed.
     */
    public static void requireUnderRoots(List<String> overrides, List<String> roots) {
        for (String kv : overrides) {
            String key = keyOf(kv);
            List<String> elements;
            try {
                elements = ConfigUtil.splitPath(key);
            } catch (com.typesafe.config.ConfigException e) {
                throw new ConfigException("--set key '" + key + "' is not a valid configuration key: " + e.getMessage(), e);
            }
            String first = elements.get(0);
            if (roots.contains(first)) {
                continue;
            }
            String these = "this job's configuration (keys under " + String.join(", ", roots.stream().map(r -> "'" + r + ".'").toList()) + ")";
            if (first.equals("spark")) {
                throw new ConfigException("--set key '" + key + "' is a Spark setting, not " + these + ": pass it to spark-submit as --conf "
                        + key + "=VALUE (the submit/ scripts take --conf too), or put it in a Spark properties file (--properties FILE)");
            }
            if (HADOOP_ROOTS.contains(first)) {
                throw new ConfigException("--set key '" + key + "' is a Hadoop setting, not " + these + ": pass it as --conf spark.hadoop."
                        + key + "=VALUE (the submit/ scripts take --conf too), or put spark.hadoop." + key + " in a Spark properties file (--properties FILE)");
            }
            String nearest = roots.stream().min(Comparator.comparingInt(r -> ConfigReader.editDistance(r, first))).orElseThrow();
            String suggestion = ConfigReader.editDistance(nearest, first) <= Math.max(2, nearest.length() / 3)
                    ? ConfigUtil.joinPath(replaceFirst(elements, nearest))
                    : nearest + "." + key;
            throw new ConfigException("--set key '" + key + "' is outside " + these + "; did you mean '" + suggestion + "'?");
        }
    }

    /** First elements of Hadoop's own keys ({@code fs.s3a.access.key}, {@code hadoop.security...}): Spark passes them as {@code spark.hadoop.*}. */
    private static final Set<String> HADOOP_ROOTS = Set.of("fs", "hadoop", "dfs", "yarn", "mapreduce", "io", "ipc");

    private static List<String> replaceFirst(List<String> elements, String first) {
        List<String> out = new ArrayList<>(elements);
        out.set(0, first);
        return out;
    }

    private static String keyOf(String kv) {
        int eq = kv.indexOf('=');
        if (eq <= 0) {
            Redaction redaction = Redaction.forThisProcess();
            String shown = redaction.isSecretKey(kv) ? "an argument that names a secret (not shown)" : "'" + redaction.text(kv) + "'";
            throw new ConfigException("--set takes KEY=VALUE, e.g. prepare.cleaning.max-chars=5000; got " + shown);
        }
        return kv.substring(0, eq).trim();
    }

    /**
     * One {@code key=value} override. A value that looks like HOCON (number, boolean, null, list, object,
     * quoted string) is parsed as HOCON; anything else is taken literally as a string, so
     * {@code prepare.output=hdfs://nn/x} works without quoting.
     */
    static Config override(String kv) {
        String key = keyOf(kv);
        String value = kv.substring(kv.indexOf('=') + 1).trim();
        try {
            if (value.matches("[-+]?\\d+(\\.\\d+)?([eE][-+]?\\d+)?|true|false|null") || value.startsWith("[")
                    || value.startsWith("{") || value.startsWith("\"")) {
                return ConfigFactory.parseString(key + " = " + value);
            }
            return ConfigFactory.empty().withValue(key, ConfigValueFactory.fromAnyRef(value, "command line"));
        } catch (com.typesafe.config.ConfigException e) {
            Redaction redaction = Redaction.forThisProcess();
            if (redaction.isSecretKey(key)) {
                // Neither the parser's message nor its exception goes on: both quote pieces of the value.
                throw new ConfigException("cannot parse --set " + key + "=" + Redaction.REDACTED + " (the value of a secret key is not shown)");
            }
            throw new ConfigException("cannot parse --set " + key + "=" + redaction.text(value) + ": " + redaction.text(e.getMessage()), e);
        }
    }
}
