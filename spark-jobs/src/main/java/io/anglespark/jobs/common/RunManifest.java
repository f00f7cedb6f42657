package io.anglespark.jobs.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anglespark.model.NativeBuild;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The {@code _run.json} every output folder gets: what ran (job, git revision, Spark), with what
 * (resolved config and Spark properties, secrets redacted by the session's {@link Redaction}), on what (inputs with sizes), what came
 * out (counters) and how long each stage took. Written last, atomically, so its presence marks a
 * complete output.
 */
public final class RunManifest {
    public static final String FILE_NAME = "_run.json";
    /** What {@code producer} says in every manifest: {@link OutputFolder} replaces only folders whose manifest says it. */
    public static final String PRODUCER = "angle-spark";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final ObjectNode root = JSON.createObjectNode();
    private final Redaction redaction;
    private final Map<String, Double> timings = new LinkedHashMap<>();
    private final long startNanos = System.nanoTime();
    private long stageStart = System.nanoTime();

    public RunManifest(String job, SparkSession spark, Object resolvedConfig) {
        redaction = Redaction.of(spark);
        root.put("producer", PRODUCER);
        root.put("job", job);
        root.put("status", "running");
        root.put("started", Instant.now().toString());
        root.put("git_revision", GitRevision.get());
        root.put("spark_version", spark.version());
        root.put("master", spark.sparkContext().master());
        root.put("app_id", spark.sparkContext().applicationId());
        ObjectNode sparkConf = root.putObject("spark_conf");
        for (Tuple2<String, String> kv : spark.sparkContext().getConf().getAll()) {
            sparkConf.put(kv._1(), redaction.sparkProperty(kv._1(), kv._2()));
        }
        root.set("config", JSON.valueToTree(resolvedConfig));
    }

    public ObjectNode root() {
        return root;
    }

    /** Records the seconds since the previous stage mark under {@code name}; returns them. */
    public double stage(String name) {
        long now = System.nanoTime();
        double s = (now - stageStart) / 1e9;
        timings.merge(name, s, Double::sum);
        stageStart = now;
        return s;
    }

    public double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    public JsonNode toJson(Object value) {
        return JSON.valueToTree(value);
    }

    public String render() {
        if ("running".equals(root.path("status").asText())) {
            root.put("status", "finished");
        }
        root.put("finished", Instant.now().toString());
        root.put("duration_s", elapsedSeconds());
        ObjectNode t = root.putObject("timings_s");
        timings.forEach(t::put);
        putNativeBuilds();
        redaction.redact(root);
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render " + FILE_NAME, e);
        }
    }

    /** The ND4J native build of the driver (chosen and loaded) and of each executor that reported one. */
    private void putNativeBuilds() {
        ObjectNode nb = root.putObject("native_builds");
        NativeBuild.Choice driver = NativeBuild.select();
        nb.put("driver", driver.platform()).put("driver_reason", driver.reason()).put("driver_loaded", NativeBuild.loaded());
        ObjectNode executors = nb.putObject("executors");
        NativeBuildPlugin.reports().forEach((id, r) -> executors.putObject(id).put("host", r.host())
                .put("build", r.choice().platform()).put("reason", r.choice().reason()));
    }

    /**
     * Writes the manifest as it stands, {@code "status": "running"}, into an output that is written in place over a long
     * run (training, embedding): a killed run's output is then still recognisably this project's.
     */
    public void writeStarted(String outputDir, org.apache.hadoop.conf.Configuration conf) throws IOException {
        ObjectNode copy = root.deepCopy();
        redaction.redact(copy);
        try {
            HadoopFs.writeStringAtomically(outputDir + "/" + FILE_NAME, JSON.writeValueAsString(copy), conf);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render " + FILE_NAME, e);
        }
    }

    public void write(String outputDir, org.apache.hadoop.conf.Configuration conf) throws IOException {
        HadoopFs.writeStringAtomically(outputDir + "/" + FILE_NAME, render(), conf);
    }

    /** The git revision the jar was built from (written by the build), or "unknown". */
    static final class GitRevision {
        private GitRevision() {
        }

        static String get() {
            try (InputStream in = RunManifest.class.getResourceAsStream("/angle-spark-git.properties")) {
                if (in == null) {
                    return "unknown";
                }
                Properties p = new Properties();
                p.load(in);
                String id = p.getProperty("git.commit.id.full", "unknown");
                return "true".equals(p.getProperty("git.dirty")) ? id + "-dirty" : id;
            } catch (IOException e) {
                return "unknown";
            }
        }
    }
}
