package io.anglespark.jobs.common;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValueFactory;
import org.apache.hadoop.conf.Configuration;

import java.io.File;
import java.io.IOException;
import java.util.List;

/**
 * Loads a job's HOCON file (a local file, or any Hadoop path) and applies {@code --set key=value}
 * overrides on top. Environment substitutions ({@code ${?ANGLE_DATA_ROOT}}) are resolved.
 */
public final class JobConfigs {
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
     * One {@code key=value} override. A value that looks like HOCON (number, boolean, null, list, object,
     * quoted string) is parsed as HOCON; anything else is taken literally as a string, so
     * {@code prepare.output=hdfs://nn/x} works without quoting.
     */
    static Config override(String kv) {
        int eq = kv.indexOf('=');
        if (eq <= 0) {
            throw new ConfigException("override '" + kv + "' must be KEY=VALUE, e.g. prepare.cleaning.max-chars=5000");
        }
        String key = kv.substring(0, eq).trim();
        String value = kv.substring(eq + 1).trim();
        try {
            if (value.matches("[-+]?\\d+(\\.\\d+)?([eE][-+]?\\d+)?|true|false|null") || value.startsWith("[")
                    || value.startsWith("{") || value.startsWith("\"")) {
                return ConfigFactory.parseString(key + " = " + value);
            }
            return ConfigFactory.empty().withValue(key, ConfigValueFactory.fromAnyRef(value, "command line"));
        } catch (com.typesafe.config.ConfigException e) {
            throw new ConfigException("cannot parse override '" + kv + "': " + e.getMessage(), e);
        }
    }
}
