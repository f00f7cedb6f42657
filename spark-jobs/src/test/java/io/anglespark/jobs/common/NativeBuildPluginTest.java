package io.anglespark.jobs.common;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The jobs add their plugin to spark.plugins without dropping the user's, once. */
class NativeBuildPluginTest {
    private static final String OURS = NativeBuildPlugin.class.getName();

    @Test
    void thePluginIsAddedBesideTheUsersPluginsAndOnlyOnce() {
        SparkConf none = new SparkConf(false);
        NativeBuildPlugin.addTo(none);
        assertEquals(OURS, none.get(NativeBuildPlugin.CONF_KEY));

        SparkConf users = new SparkConf(false).set(NativeBuildPlugin.CONF_KEY, "com.example.Metrics, com.example.Audit");
        NativeBuildPlugin.addTo(users);
        NativeBuildPlugin.addTo(users);
        assertEquals("com.example.Metrics, com.example.Audit," + OURS, users.get(NativeBuildPlugin.CONF_KEY));

        SparkConf already = new SparkConf(false).set(NativeBuildPlugin.CONF_KEY, OURS + ",com.example.Metrics");
        NativeBuildPlugin.addTo(already);
        assertEquals(OURS + ",com.example.Metrics", already.get(NativeBuildPlugin.CONF_KEY));
    }
}
