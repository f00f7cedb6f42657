package io.anglespark.model.metrics;

import java.util.Locale;

/**
 * How similar two embeddings are, larger meaning more similar (the four that AnglE's evaluation reports):
 * cosine, dot product, and the negated Euclidean and Manhattan distances. Computed in double precision over
 * the float vectors.
 */
public enum Similarity {
    COSINE,
    DOT,
    /** {@code -||a - b||_2}. */
    NEG_EUCLIDEAN,
    /** {@code -||a - b||_1}. */
    NEG_MANHATTAN;

    /** {@code cosine}, {@code dot}, {@code euclidean}, {@code manhattan}: the names reports use. */
    public String label() {
        return switch (this) {
            case COSINE -> "cosine";
            case DOT -> "dot";
            case NEG_EUCLIDEAN -> "euclidean";
            case NEG_MANHATTAN -> "manhattan";
        };
    }

    /**
     * The similarity of {@code a} and {@code b}, of equal length. The cosine of a zero vector is NaN (no
     * direction); the correlations then report the set as undefined, naming the non-finite score.
     */
    public double of(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("vectors of different lengths: " + a.length + " and " + b.length);
        }
        double acc = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            double x = a[i];
            double y = b[i];
            switch (this) {
                case COSINE -> {
                    acc += x * y;
                    na += x * x;
                    nb += y * y;
                }
                case DOT -> acc += x * y;
                case NEG_EUCLIDEAN -> acc += (x - y) * (x - y);
                case NEG_MANHATTAN -> acc += Math.abs(x - y);
                default -> throw new IllegalStateException(name());
            }
        }
        return switch (this) {
            case COSINE -> acc / Math.sqrt(na * nb);
            case DOT -> acc;
            case NEG_EUCLIDEAN -> -Math.sqrt(acc);
            case NEG_MANHATTAN -> -acc;
        };
    }

    public static Similarity parse(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        for (Similarity v : values()) {
            if (v.label().equals(t)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown similarity '" + s + "' (known: cosine, dot, euclidean, manhattan)");
    }
}
