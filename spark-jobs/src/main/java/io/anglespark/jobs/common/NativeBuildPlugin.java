package io.anglespark.jobs.common;

import io.anglespark.model.NativeBuild;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;
import org.slf4j.LoggerFactory;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each executor chooses its ND4J native build for its own CPU ({@link NativeBuild#select()}) when it starts, before
 * any task can touch ND4J, and tells the driver which; the driver chooses for itself the same way. On a cluster whose
 * nodes differ, an executor on a CPU without AVX-512 loads the portable build whatever the driver's CPU has. The
 * reports land in each job's {@code _run.json} ({@code native_builds}). {@link SparkSessions} adds this plugin
 * ({@value #CONF_KEY}).
 */
public final class NativeBuildPlugin implements SparkPlugin {
    public static final String CONF_KEY = "spark.plugins";

    /** What one executor chose, sent to the driver. */
    public record Report(String executorId, String host, NativeBuild.Choice choice) implements Serializable {
    }

    private static final Map<String, Report> REPORTS = new ConcurrentHashMap<>();

    /** The executors' reports received by this driver, by executor id. */
    public static Map<String, Report> reports() {
        return new TreeMap<>(REPORTS);
    }

    /** Adds this plugin to a configuration's {@value #CONF_KEY}, keeping any the user set. */
    public static void addTo(SparkConf conf) {
        String name = NativeBuildPlugin.class.getName();
        String plugins = conf.get(CONF_KEY, "").trim();
        if (!java.util.Arrays.asList(plugins.split("\\s*,\\s*")).contains(name)) {
            conf.set(CONF_KEY, plugins.isEmpty() ? name : plugins + "," + name);
        }
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    @Override
    public DriverPlugin driverPlugin() {
        return new DriverPlugin() {
            @Override
            public Map<String, String> init(SparkContext sc, PluginContext ctx) {
                NativeBuild.select();
                REPORTS.clear();
                return Map.of();
            }

            @Override
            public Object receive(Object message) {
                if (message instanceof Report r) {
                    REPORTS.put(r.executorId(), r);
                }
                return null;
            }
        };
    }

    @Override
    public ExecutorPlugin executorPlugin() {
        return new ExecutorPlugin() {
            @Override
            public void init(PluginContext ctx, Map<String, String> extraConf) {
                NativeBuild.Choice choice = NativeBuild.select();
                // The report is for the manifest only: nothing in it may stop the executor from starting. (Spark 3.5's
                // PluginContext.hostname() fails on cluster executors, whose RPC environment has no address.)
                try {
                    ctx.send(new Report(ctx.executorID(), hostName(), choice));
                } catch (java.io.IOException | RuntimeException e) {
                    LoggerFactory.getLogger(NativeBuildPlugin.class).warn("could not report the ND4J build to the driver: {}", e.toString());
                }
            }
        };
    }
}
