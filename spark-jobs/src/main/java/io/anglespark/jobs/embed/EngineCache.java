package io.anglespark.jobs.embed;

import io.anglespark.model.ModelFileException;
import io.anglespark.model.Pooling;
import io.anglespark.model.serve.Engine;
import io.anglespark.model.serve.ModelRef;
import io.anglespark.model.serve.Precision;
import org.apache.spark.SparkFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One loaded model per executor JVM and {@link Key}: the first task that needs it loads it, every later task of
 * any job in that JVM reuses it (engines are thread-safe). Nothing is broadcast: a registered model is read from
 * the class path, a file model from the copy Spark distributed once per executor with {@code addFile}.
 */
public final class EngineCache {
    private static final Logger LOG = LoggerFactory.getLogger(EngineCache.class);
    private static final Map<Key, ModelRef.Loaded> CACHE = new ConcurrentHashMap<>();

    private EngineCache() {
    }

    /**
     * What to load. {@code sparkFile} is the name under which the driver added a file model ({@code SparkFiles.get}
     * finds the local copy); null for a registered model.
     */
    public record Key(String model, String sparkFile, Engine engine, Precision precision, Pooling pooling, int ortThreads) implements Serializable {
        ModelRef localRef() {
            return sparkFile == null ? ModelRef.parse(model) : ModelRef.parse(SparkFiles.get(sparkFile));
        }
    }

    public static ModelRef.Loaded get(Key key) {
        return CACHE.computeIfAbsent(key, k -> {
            long t0 = System.nanoTime();
            try {
                ModelRef.Loaded l = k.localRef().load(k.engine(), k.pooling(), k.ortThreads() > 0 ? k.ortThreads() : taskCpus(), k.precision());
                LOG.info("loaded model {} on {} as {} in {}s", k.model(), k.engine().label(), l.modelId(), Math.round((System.nanoTime() - t0) / 1e8) / 10.0);
                return l;
            } catch (ModelFileException e) {
                // the message names the model as configured, not the local copy Spark distributed
                ModelFileException named = e.forFile(k.model());
                throw new UncheckedIOException(named.getMessage(), named);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load model '" + k.model() + "'", e);
            }
        });
    }

    /**
     * The cores Spark gives each task ({@code spark.task.cpus}, 1 by default): an ONNX Runtime session shared by an
     * executor's concurrent tasks runs each call on that many threads, so the executor's cores are used once, not
     * once per task (ONNX Runtime's own default, every core of the node for every call, oversubscribes them).
     */
    static int taskCpus() {
        org.apache.spark.SparkEnv env = org.apache.spark.SparkEnv.get();
        return env == null ? 1 : Math.max(1, env.conf().getInt("spark.task.cpus", 1));
    }

    /** Closes and forgets every loaded model of this JVM (benchmarks switching engines, tests). */
    public static void clear() {
        CACHE.values().forEach(l -> l.engine().close());
        CACHE.clear();
    }
}
