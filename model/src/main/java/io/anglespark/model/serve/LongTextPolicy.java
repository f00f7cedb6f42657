package io.anglespark.model.serve;

import io.anglespark.model.tokenize.WordPieceTokenizer;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * What to do with a text longer than the model's maximum length (in tokens, [CLS] and [SEP] included).
 * {@link Mode#TRUNCATE}: keep its first {@code maxLength - 2} pieces. {@link Mode#CHUNK}: cut its pieces into
 * windows of {@code maxLength - 2} starting every {@code stride} pieces (so consecutive windows overlap by
 * {@code maxLength - 2 - stride}), each wrapped in [CLS] ... [SEP]; the text's vector is the mean of its windows'
 * pooled vectors, then normalised like any other. At most {@code maxChunks} windows: the rest of a longer text is
 * dropped (and counted as truncated).
 *
 * @param stride    pieces between window starts, 1 .. maxLength - 2 (ignored by truncate)
 * @param maxChunks windows per text at most (ignored by truncate)
 */
public record LongTextPolicy(Mode mode, int maxLength, int stride, int maxChunks) implements Serializable {
    public enum Mode {
        TRUNCATE,
        CHUNK
    }

    public LongTextPolicy {
        if (maxLength < 3) {
            throw new IllegalArgumentException("maxLength must be >= 3 (room for [CLS], [SEP] and one piece), got " + maxLength);
        }
        if (mode == Mode.CHUNK && (stride < 1 || stride > maxLength - 2)) {
            throw new IllegalArgumentException("stride must be in [1, maxLength - 2 = " + (maxLength - 2) + "], got " + stride);
        }
        if (mode == Mode.CHUNK && maxChunks < 1) {
            throw new IllegalArgumentException("maxChunks must be >= 1, got " + maxChunks);
        }
    }

    public static LongTextPolicy truncate(int maxLength) {
        return new LongTextPolicy(Mode.TRUNCATE, maxLength, maxLength - 2, 1);
    }

    /** Windows of {@code maxLength - 2} pieces every {@code stride} pieces, at most {@code maxChunks} per text. */
    public static LongTextPolicy chunk(int maxLength, int stride, int maxChunks) {
        return new LongTextPolicy(Mode.CHUNK, maxLength, stride, maxChunks);
    }

    /** A text's model inputs: one row when it fits or is truncated, its windows when chunked; never empty. */
    public Chunks split(WordPieceTokenizer tokenizer, String text) {
        int[] body = tokenizer.pieceIdsOf(text);
        int window = maxLength - tokenizer.templateLength();
        if (window < 1) {
            throw new IllegalArgumentException("maxLength " + maxLength + " leaves no room for a piece after the template's "
                    + tokenizer.templateLength() + " tokens");
        }
        if (body.length <= window) {
            return new Chunks(List.of(tokenizer.wrap(body, 0, body.length)), false);
        }
        if (mode == Mode.TRUNCATE) {
            return new Chunks(List.of(tokenizer.wrap(body, 0, window)), true);
        }
        List<int[]> rows = new ArrayList<>();
        int start = 0;
        while (rows.size() < maxChunks) {
            int end = Math.min(body.length, start + window);
            rows.add(tokenizer.wrap(body, start, end));
            if (end == body.length) {
                return new Chunks(rows, false);
            }
            start += stride;
        }
        return new Chunks(rows, true);
    }

    /** @param truncated whether pieces of the text were left out */
    public record Chunks(List<int[]> rows, boolean truncated) {
    }

    /** {@code truncate} or {@code chunk(window W, stride S, max N)}, for logs and run manifests. */
    public String describe() {
        return mode == Mode.TRUNCATE ? "truncate(max " + maxLength + " tokens)"
                : "chunk(max " + maxLength + " tokens, stride " + stride + ", at most " + maxChunks + " windows)";
    }
}
