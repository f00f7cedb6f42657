package io.anglespark.model.train;

import io.anglespark.model.BertConfig;
import io.anglespark.model.Pooling;
import io.anglespark.model.PretrainedModel;
import io.anglespark.model.encoder.Encoder;
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
 * @param name    the model the weights start from (a registered pretrained name, {@code random}, or a trained model's base)
 * @param weights null for a randomly initialised encoder
 * @param ownName the trained model's own name, which its model id carries ({@link Encoder#name()}): {@code name} until
 *                {@link #named} gives another
 */
public record ModelSpec(String name, BertConfig config, Pooling pooling, double layerNormEps, double maskBias, byte[] tokenizerJson,
                        BertWeights weights, String ownName) {
    public ModelSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(ownName, "ownName");
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
        return new ModelSpec(m.name(), m.config(), pooling == null ? m.pooling() : pooling, w.layerNormEps(), w.maskBias(), tok, w, m.name());
    }

    /**
     * The encoder of a previous run (an {@link io.anglespark.model.encoder.EncoderArtifact}, e.g. a training job's
     * model.zip), to warm-start a new run from: its architecture, pooling and tokenizer, its weights, and the
     * layer-norm epsilon and mask bias its transformer blocks were built with.
     */
    public static ModelSpec fromEncoder(Encoder e) {
        EncoderGraphFactory.BlockSettings b = EncoderGraphFactory.blockSettings(e.graph());
        BertWeights w = EncoderGraphFactory.weightsOf(e.graph(), e.config(), b.layerNormEps(), b.maskBias());
        return new ModelSpec(e.modelName(), e.config(), e.pooling(), b.layerNormEps(), b.maskBias(), e.tokenizerJson(), w, e.name());
    }

    /**
     * This encoder cut to its first {@code n} transformer layers (embeddings and pooling kept): a small model that
     * still starts from pretrained weights, for tests and quick experiments. {@code n} at least the model's depth
     * returns this spec.
     */
    public ModelSpec firstLayers(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("layers must be >= 1, got " + n);
        }
        if (n >= config.layers()) {
            return this;
        }
        BertConfig c = new BertConfig(n, config.hidden(), config.heads(), config.intermediate(), config.vocab(), config.positions(),
                config.typeVocab(), config.layerNormEps());
        BertWeights w = weights == null ? null : new BertWeights(c, weights.wordEmbeddings(), weights.positionEmbeddings(),
                weights.tokenTypeEmbeddings(), weights.embeddingLnGamma(), weights.embeddingLnBeta(), weights.layers().subList(0, n),
                weights.layerNormEps(), weights.maskBias(), weights.sources());
        String cut = name + "-first" + n;
        return new ModelSpec(cut, c, pooling, layerNormEps, maskBias, tokenizerJson, w, ownName.equals(name) ? cut : ownName);
    }

    /** A random encoder of the given shape (tests, experiments) with a model's tokenizer. */
    public static ModelSpec random(String name, BertConfig config, Pooling pooling, byte[] tokenizerJson) {
        return new ModelSpec(name, config, pooling, config.layerNormEps(), EncoderGraphFactory.DEFAULT_MASK_BIAS, tokenizerJson, null, name);
    }

    /** This spec with the trained model's own name ({@link Encoder#NAME_PATTERN}). */
    public ModelSpec named(String ownName) {
        return new ModelSpec(name, config, pooling, layerNormEps, maskBias, tokenizerJson, weights, Encoder.requireName(ownName));
    }
}
