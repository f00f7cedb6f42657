package io.anglespark.model.serve;

import io.anglespark.model.BertConfig;
import io.anglespark.model.Pooling;
import io.anglespark.model.encoder.Encoder;
import io.anglespark.model.tokenize.WordPieceTokenizer;

import java.util.Objects;

/**
 * The DL4J encoder as an engine. A {@code ComputationGraph} is not thread-safe, so calls are serialised; ND4J's
 * BLAS already spreads one forward pass over the cores, so concurrent callers lose little.
 */
public final class Dl4jEngine implements EmbeddingEngine {
    private final Encoder encoder;

    public Dl4jEngine(Encoder encoder) {
        this.encoder = Objects.requireNonNull(encoder);
    }

    public Encoder encoder() {
        return encoder;
    }

    @Override
    public Engine kind() {
        return Engine.DL4J;
    }

    @Override
    public String modelName() {
        return encoder.modelName();
    }

    @Override
    public BertConfig config() {
        return encoder.config();
    }

    @Override
    public Pooling pooling() {
        return encoder.pooling();
    }

    @Override
    public WordPieceTokenizer tokenizer() {
        return encoder.tokenizer();
    }

    @Override
    public synchronized float[][] pooled(int[][] ids, int[][] mask) {
        return encoder.pooled(ids, mask);
    }

    @Override
    public void close() {
        // The graph's arrays are freed by the garbage collector; nothing native is held per engine.
    }
}
