package io.anglespark.model.train;

import io.anglespark.model.BertConfig;
import io.anglespark.model.Pooling;
import io.anglespark.model.PretrainedModel;
import io.anglespark.model.encoder.EncoderGraphFactory;
import io.anglespark.model.onnx.BertWeights;
import io.anglespark.model.onnx.OnnxModel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * The encoder a training run starts from: its architecture, pooling, layer-norm epsilon and attention mask bias,
 * tokenizer, and either pretrained weights or none (random N(0, 0.02) weights from the run's seed).
 *
 * @param weights null for a randomly initialised encoder
 */
public record ModelSpec(String name, BertConfig config, Pooling pooling, double layerNormEps, double maskBias, byte[] tokenizerJson,
                        BertWeights weights) {
    public ModelSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(pooling, "pooling");
        Objects.requireNonNull(tokenizerJson, "tokenizerJson");
    }

    /** A registered pretrained model, its ONNX weights read now, with the given pooling (its own when null). */
    public static ModelSpec pretrained(PretrainedModel m, Pooling pooling) {
        BertWeights w;
        byte[] tok;
        try (InputStream in = m.openOnnx(); InputStream t = m.openTokenizer()) {
            w = BertWeights.from(OnnxModel.read(in), m.config());
            tok = t.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("model '" + m.name() + "': cannot read its files", e);
        }
        return new ModelSpec(m.name(), m.config(), pooling == null ? m.pooling() : pooling, w.layerNormEps(), w.maskBias(), tok, w);
    }

    /** A random encoder of the given shape (tests, experiments) with a model's tokenizer. */
    public static ModelSpec random(String name, BertConfig config, Pooling pooling, byte[] tokenizerJson) {
        return new ModelSpec(name, config, pooling, config.layerNormEps(), EncoderGraphFactory.DEFAULT_MASK_BIAS, tokenizerJson, null);
    }
}
