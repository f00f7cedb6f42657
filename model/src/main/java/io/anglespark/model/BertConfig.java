package io.anglespark.model;

import java.io.Serializable;

/**
 * The shape of a BERT-family encoder.
 *
 * @param layers       transformer layers
 * @param hidden       hidden size
 * @param heads        attention heads (hidden must divide by it)
 * @param intermediate feed-forward size
 * @param vocab        vocabulary size
 * @param positions    maximum sequence length (position embeddings)
 * @param typeVocab    token-type vocabulary (2 for BERT)
 * @param layerNormEps layer-norm epsilon (1e-12 for BERT)
 */
public record BertConfig(int layers, int hidden, int heads, int intermediate, int vocab, int positions, int typeVocab,
                         double layerNormEps) implements Serializable {
    public BertConfig {
        if (layers < 1 || hidden < 1 || heads < 1 || intermediate < 1 || vocab < 1 || positions < 1 || typeVocab < 1) {
            throw new IllegalArgumentException("every size must be positive: " + this);
        }
        if (hidden % heads != 0) {
            throw new IllegalArgumentException("hidden " + hidden + " does not divide into " + heads + " heads");
        }
        if (!(layerNormEps > 0)) {
            throw new IllegalArgumentException("layerNormEps must be > 0, got " + layerNormEps);
        }
    }

    public int headSize() {
        return hidden / heads;
    }

    /** Parameters outside the embeddings: per layer Q, K, V, output (4 h^2 + 4 h), FFN (2 h f + f + h), two layer norms (4 h). */
    public long nonEmbeddingParameters() {
        long h = hidden;
        long f = intermediate;
        return layers * (4 * h * h + 4 * h + 2 * h * f + f + h + 4 * h);
    }

    /** Word, position and token-type embeddings and their layer norm. */
    public long embeddingParameters() {
        return (long) (vocab + positions + typeVocab) * hidden + 2L * hidden;
    }
}
