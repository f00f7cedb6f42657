package io.anglespark.jobs.evaluate;

import io.anglespark.jobs.common.HadoopFs;
import io.anglespark.model.Pooling;
import io.anglespark.model.PretrainedModel;
import io.anglespark.model.encoder.Encoder;
import io.anglespark.model.encoder.EncoderArtifact;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * The one thing evaluation needs from a model: texts in, one vector per text out ({@code [texts][dimension]}, in
 * the texts' order). The evaluate job depends on nothing else of the encoder, so another engine (ONNX Runtime, a
 * shared embedding-engine abstraction) can be put behind {@link #open} without touching the job.
 *
 * <p>Implementations need not be thread-safe: the job calls one from the driver thread only.
 */
@FunctionalInterface
public interface TextEmbedder {

    float[][] embed(List<String> texts);

    /** What a model is, for the report. */
    record Description(String model, String kind, String pooling, int maxLength, String queryPrefix) {
    }

    /** An opened model: its embedder and its description. */
    record Opened(TextEmbedder embedder, Description description) {
    }

    /**
     * Opens a configured model with the DL4J {@link Encoder}: a registered pretrained model (its ONNX weights and
     * tokenizer from the class path) with {@code settings}' pooling, maximum length and query prefix, or an
     * {@link EncoderArtifact} zip read from any Hadoop path (its own pooling and maximum length). Texts are
     * embedded in batches of {@code settings.batchSize()} by {@link Encoder#embedAll} (length-bucketed).
     */
    static Opened open(EvaluateConfig.ModelRef ref, EvaluateConfig.EncoderSettings settings, Configuration hadoop) throws IOException {
        Encoder encoder;
        String prefix = "";
        String kind;
        if (ref.registered()) {
            PretrainedModel m = PretrainedModel.byName(ref.pretrained());
            Pooling pooling = settings.pooling() == null ? m.pooling() : settings.pooling();
            encoder = Encoder.pretrained(m, pooling, Math.min(settings.maxLength(), m.config().positions()));
            prefix = settings.queryPrefix() ? m.queryPrefix() : "";
            kind = "pretrained";
        } else {
            Path p = new Path(ref.path());
            try (InputStream in = p.getFileSystem(hadoop).open(p)) {
                encoder = EncoderArtifact.load(in);
            } catch (java.io.FileNotFoundException e) {
                throw new HadoopFs.InputException("model '" + ref.label() + "': " + ref.path() + " does not exist", e);
            } catch (IOException e) {
                throw new HadoopFs.InputException("model '" + ref.label() + "': " + ref.path() + " is not a readable encoder artifact "
                        + "(the model.zip a training run writes): " + e.getMessage(), e);
            }
            kind = "artifact";
        }
        Encoder enc = encoder;
        String pre = prefix;
        int batch = settings.batchSize();
        TextEmbedder embedder = pre.isEmpty()
                ? texts -> enc.embedAll(texts, batch)
                : texts -> enc.embedAll(texts.stream().map(t -> pre + t).toList(), batch);
        return new Opened(embedder, new Description(enc.modelName(), kind, enc.pooling().label(), enc.maxLength(), pre));
    }
}
