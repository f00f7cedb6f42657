package io.anglespark.model;

import java.io.Serializable;

/**
 * The shape of a BERT-family encoder. Every size is bounded (the {@code MAX_*} constants, and at most
 * {@value #MAX_PARAMETERS} parameters in all), generously above the encoders this project serves: a configuration
 * read from a file that is not ours (an artifact's {@code encoder.json}) cannot make a loader allocate more.
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
    public static final int MAX_LAYERS = 128;
    public static final int MAX_HIDDEN = 8192;
    public static final int MAX_HEADS = 256;
    public static final int MAX_INTERMEDIATE = 65536;
    public static final int MAX_VOCAB = 1 << 20;
    public static final int MAX_POSITIONS = 1 << 16;
    public static final int MAX_TYPE_VOCAB = 1024;
    /** 2^30 parameters: 4 GiB of float32, three times BERT-large. */
    public static final long MAX_PARAMETERS = 1L << 30;

    public BertConfig {
        if (layers < 1 || hidden < 1 || heads < 1 || intermediate < 1 || vocab < 1 || positions < 1 || typeVocab < 1) {
            // (not "+ this": a compact constructor's fields are still unset here)
            throw new IllegalArgumentException("every size must be positive: "
                    + shape(layers, hidden, heads, intermediate, vocab, positions, typeVocab));
        }
        atMost("layers", layers, MAX_LAYERS);
        atMost("hidden", hidden, MAX_HIDDEN);
        atMost("heads", heads, MAX_HEADS);
        atMost("intermediate", intermediate, MAX_INTERMEDIATE);
        atMost("vocab", vocab, MAX_VOCAB);
        atMost("positions", positions, MAX_POSITIONS);
        atMost("typeVocab", typeVocab, MAX_TYPE_VOCAB);
        if (hidden % heads != 0) {
            throw new IllegalArgumentException("hidden " + hidden + " does not divide into " + heads + " heads");
        }
        if (!(layerNormEps > 0) || Double.isInfinite(layerNormEps)) {
            throw new IllegalArgumentException("layerNormEps must be > 0 and finite, got " + layerNormEps);
        }
        long total = parameters(layers, hidden, intermediate, vocab, positions, typeVocab);
        if (total > MAX_PARAMETERS) {
            throw new IllegalArgumentException("the architecture " + shape(layers, hidden, heads, intermediate, vocab, positions, typeVocab)
                    + " has " + total + " parameters, above the limit of " + MAX_PARAMETERS);
        }
    }

    private static String shape(int layers, int hidden, int heads, int intermediate, int vocab, int positions, int typeVocab) {
        return "layers " + layers + ", hidden " + hidden + ", heads " + heads + ", intermediate " + intermediate + ", vocab " + vocab
                + ", positions " + positions + ", typeVocab " + typeVocab;
    }

    private static void atMost(String name, int value, int max) {
        if (value > max) {
            throw new IllegalArgumentException(name + " " + value + " is above the limit of " + max);
        }
    }

    public int headSize() {
        return hidden / heads;
    }

    /** Parameters outside the embeddings: per layer Q, K, V, output (4 h^2 + 4 h), FFN (2 h f + f + h), two layer norms (4 h). */
    public long nonEmbeddingParameters() {
        return nonEmbeddingParameters(layers, hidden, intermediate);
    }

    /** Word, position and token-type embeddings and their layer norm. */
    public long embeddingParameters() {
        return embeddingParameters(hidden, vocab, positions, typeVocab);
    }

    /**
     * Every parameter of the encoder ({@code EncoderGraphFactory}'s graph, whose flattened parameter vector is this
     * long; a training graph adds a loss layer without parameters): 22,565,376 for MiniLM-L6, 33,212,160 for bge-small.
     */
    public long parameters() {
        return parameters(layers, hidden, intermediate, vocab, positions, typeVocab);
    }

    private static long parameters(int layers, int hidden, int intermediate, int vocab, int positions, int typeVocab) {
        return embeddingParameters(hidden, vocab, positions, typeVocab) + nonEmbeddingParameters(layers, hidden, intermediate);
    }

    private static long nonEmbeddingParameters(int layers, int hidden, int intermediate) {
        long h = hidden;
        long f = intermediate;
        return layers * (4 * h * h + 4 * h + 2 * h * f + f + h + 4 * h);
    }

    private static long embeddingParameters(int hidden, int vocab, int positions, int typeVocab) {
        return ((long) vocab + positions + typeVocab) * hidden + 2L * hidden;
    }
}
