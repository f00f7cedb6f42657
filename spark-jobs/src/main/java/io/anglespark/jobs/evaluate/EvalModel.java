package io.anglespark.jobs.evaluate;

import io.anglespark.jobs.common.HadoopFs;
import io.anglespark.model.ModelFileException;
import io.anglespark.model.PretrainedModel;
import io.anglespark.model.serve.EmbeddingEngine;
import io.anglespark.model.serve.Engine;
import io.anglespark.model.serve.LongTextPolicy;
import io.anglespark.model.serve.ModelRef;
import io.anglespark.model.serve.TextEmbedder;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A model opened for evaluation on the driver: the embed job's engines and text embedder
 * ({@link ModelRef#load}, {@link TextEmbedder}), so that a model scores the same whichever job embeds with it.
 * The model is a registered name, a trained {@code model.zip} or an ONNX export folder, on any Hadoop path
 * (copied to a local temporary folder first when it is not local); every model runs on the configured engine,
 * with the configured pooling (null: the model's own) and maximum length, texts cut at that length, vectors not
 * normalised (dot, euclidean and manhattan are computed on the model's own vectors).
 */
final class EvalModel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EvalModel.class);

    /** What a model is, for the report. */
    record Description(String model, String kind, String engine, String modelId, String pooling, int maxLength, String queryPrefix) {
    }

    private final EmbeddingEngine engine;
    private final TextEmbedder embedder;
    private final String prefix;
    private final Description description;
    private final java.nio.file.Path localCopy;

    private EvalModel(EmbeddingEngine engine, TextEmbedder embedder, String prefix, Description description, java.nio.file.Path localCopy) {
        this.engine = engine;
        this.embedder = embedder;
        this.prefix = prefix;
        this.description = description;
        this.localCopy = localCopy;
    }

    static EvalModel open(EvaluateConfig.ModelRef ref, EvaluateConfig.EncoderSettings settings, Configuration hadoop) throws IOException {
        java.nio.file.Path localCopy = null;
        String local = ref.pretrained();
        String kind = "pretrained";
        if (!ref.registered()) {
            Path p = new Path(ref.path());
            FileSystem fs = p.getFileSystem(hadoop);
            // the job checked that every model path exists before it touched its output
            boolean folder = fs.getFileStatus(p).isDirectory();
            kind = folder ? "onnx-export" : "artifact";
            if ("file".equals(fs.getScheme())) {
                local = new java.io.File(fs.makeQualified(p).toUri()).getPath();
            } else {
                localCopy = Files.createTempDirectory("angle-evaluate-model");
                java.nio.file.Path target = localCopy.resolve(p.getName());
                fs.copyToLocalFile(false, p, new Path(target.toUri()), true);
                local = target.toString();
            }
            if (!folder && !local.toLowerCase(java.util.Locale.ROOT).endsWith(".zip")) {
                deleteQuietly(localCopy);
                throw new HadoopFs.InputException("model '" + ref.label() + "': " + ref.path() + " is a file but not a .zip; a model path is a "
                        + "trained model.zip or an ONNX export folder");
            }
        }
        ModelRef.Loaded loaded;
        try {
            loaded = ModelRef.parse(local).load(settings.engine(), settings.pooling(), 0, ref.precision());
        } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
            deleteQuietly(localCopy);
            if (ref.registered()) {
                throw e;
            }
            if (e instanceof ModelFileException m) {
                // loaded from a local copy: name the path the user gave
                throw m.forFile(ref.path());
            }
            throw new HadoopFs.InputException("model '" + ref.label() + "': " + ref.path() + " cannot be loaded on "
                    + settings.engine().label() + " (a model path is the model.zip a training run writes or an ONNX export folder): "
                    + e.getMessage(), e);
        }
        EmbeddingEngine engine = loaded.engine();
        // each model's own maximum length, as the embed job uses it, unless evaluate.encoder.max-length names one for all
        int maxLength = settings.maxLength() == null ? loaded.maxLength() : Math.min(settings.maxLength(), engine.config().positions());
        if (settings.maxLength() != null && maxLength != loaded.maxLength()) {
            LOG.warn("model '{}': evaluate.encoder.max-length = {} overrides its own maximum length {} (scores then describe vectors other than "
                    + "the embed job's)", ref.label(), maxLength, loaded.maxLength());
        }
        String prefix = settings.queryPrefix() ? PretrainedModel.all().stream().filter(m -> m.name().equals(engine.modelName()))
                .map(PretrainedModel::queryPrefix).findFirst().orElse("") : "";
        TextEmbedder embedder = new TextEmbedder(engine, LongTextPolicy.truncate(maxLength), settings.batchSize(), false);
        Description d = new Description(engine.modelName(), kind, engine.kind().label(), loaded.modelId(), engine.pooling().label(),
                maxLength, prefix);
        return new EvalModel(engine, embedder, prefix, d, localCopy);
    }

    /** One vector per text, in order ({@code [texts][dimension]}), the query prefix put before each text. */
    float[][] embed(List<String> texts) {
        return embedder.embed(prefix.isEmpty() ? texts : texts.stream().map(t -> prefix + t).toList());
    }

    Description description() {
        return description;
    }

    Engine engine() {
        return engine.kind();
    }

    @Override
    public void close() {
        engine.close();
        deleteQuietly(localCopy);
    }

    private static void deleteQuietly(java.nio.file.Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<java.nio.file.Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temporary copy; the OS cleans its temp folder
        }
    }
}
