package io.anglespark.model.serve;

import io.anglespark.model.BertConfig;
import io.anglespark.model.Pooling;
import io.anglespark.model.tokenize.WordPieceTokenizer;

/**
 * Pooled sentence vectors of tokenised, padded rows: the one operation the runtimes differ in. Tokenisation,
 * batching, long texts and normalisation are {@link TextEmbedder}'s, so both engines see the same ids.
 * Implementations are safe to call from several threads (an executor's task threads share one engine).
 */
public interface EmbeddingEngine extends AutoCloseable {
    Engine kind();

    /** The model's name (a registered name, or the name a trained artifact carries). */
    String modelName();

    BertConfig config();

    Pooling pooling();

    WordPieceTokenizer tokenizer();

    /** Vector size: the hidden size. */
    default int dimension() {
        return config().hidden();
    }

    /**
     * Pooled, not normalised, vectors [rows][hidden] of rows of ids padded to one width, with their attention mask
     * (1 real, 0 padding); token types 0.
     */
    float[][] pooled(int[][] ids, int[][] mask);

    @Override
    void close();
}
