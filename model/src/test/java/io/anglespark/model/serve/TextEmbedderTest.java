package io.anglespark.model.serve;

import io.anglespark.model.BertConfig;
import io.anglespark.model.Pooling;
import io.anglespark.model.PretrainedModel;
import io.anglespark.model.tokenize.WordPieceTokenizer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TextEmbedder} and {@link LongTextPolicy} with a recording engine whose vector of a row is (sum of its real
 * ids, number of real tokens): windows cover the text with the configured overlap, a text's vector is the mean of
 * its windows', the order of the texts survives length bucketing, batches hold at most batch-size rows, truncation
 * keeps the first pieces, and normalisation gives unit vectors.
 */
class TextEmbedderTest {
    private static final WordPieceTokenizer TOK = WordPieceTokenizer.of(PretrainedModel.MINILM_L6_V2);

    /** Vector of a row: (sum of real ids, real tokens); records batch sizes. */
    static final class Recording implements EmbeddingEngine {
        final List<Integer> batches = new ArrayList<>();

        @Override
        public Engine kind() {
            return Engine.DL4J;
        }

        @Override
        public String modelName() {
            return "recording";
        }

        @Override
        public BertConfig config() {
            return new BertConfig(1, 2, 1, 4, 30522, 512, 2, 1e-12);
        }

        @Override
        public Pooling pooling() {
            return Pooling.MEAN;
        }

        @Override
        public WordPieceTokenizer tokenizer() {
            return TOK;
        }

        @Override
        public float[][] pooled(int[][] ids, int[][] mask) {
            batches.add(ids.length);
            float[][] out = new float[ids.length][2];
            for (int r = 0; r < ids.length; r++) {
                for (int i = 0; i < ids[r].length; i++) {
                    if (mask[r][i] == 1) {
                        out[r][0] += ids[r][i];
                        out[r][1] += 1;
                    }
                }
            }
            return out;
        }

        @Override
        public void close() {
        }
    }

    static String words(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(i % 2 == 0 ? "apple " : "river ");
        }
        return b.toString().trim();
    }

    @Test
    void chunkedWindowsOverlapByMaxLengthMinusTwoMinusStrideAndTheirVectorsAreAveraged() {
        // 25 pieces, windows of 8 pieces every 6: [0,8) [6,14) [12,20) [18,25)
        LongTextPolicy p = LongTextPolicy.chunk(10, 6, 10);
        String text = words(25);
        int[] body = TOK.pieceIdsOf(text);
        assertEquals(25, body.length);
        LongTextPolicy.Chunks c = p.split(TOK, text);
        assertEquals(4, c.rows().size());
        assertFalse(c.truncated());
        assertArrayEquals(TOK.wrap(body, 6, 14), c.rows().get(1));
        assertArrayEquals(TOK.wrap(body, 18, 25), c.rows().get(3));

        Recording e = new Recording();
        float[] v = new TextEmbedder(e, p, 3, false).embed(List.of(text))[0];
        double want = 0;
        for (int[] row : c.rows()) {
            want += new Recording().pooled(new int[][]{row}, new int[][]{ones(row.length)})[0][0];
        }
        assertEquals(want / 4, v[0], 1e-3);
        assertEquals((10 + 10 + 10 + 9) / 4.0, v[1], 1e-6);
        assertEquals(List.of(3, 1), e.batches, "4 windows in batches of at most 3");

        LongTextPolicy.Chunks capped = LongTextPolicy.chunk(10, 6, 2).split(TOK, text);
        assertEquals(2, capped.rows().size());
        assertTrue(capped.truncated());
    }

    @Test
    void truncationKeepsTheFirstPiecesAndBucketingKeepsTheTextsInOrder() {
        LongTextPolicy p = LongTextPolicy.truncate(6);
        List<String> texts = List.of(words(9), "a", words(3), "", words(2));
        Recording e = new Recording();
        TextEmbedder te = new TextEmbedder(e, p, 2, false);
        float[][] v = te.embed(texts);
        for (int i = 0; i < texts.size(); i++) {
            int[] row = TOK.encode(texts.get(i), 6);
            float[] want = new Recording().pooled(new int[][]{row}, new int[][]{ones(row.length)})[0];
            assertArrayEquals(want, v[i], "text " + i);
        }
        assertEquals(1, te.truncated());
        assertEquals(List.of(2, 2, 1), e.batches);

        float[] n = new TextEmbedder(new Recording(), p, 2, true).embed(List.of("river"))[0];
        assertEquals(1.0, Math.hypot(n[0], n[1]), 1e-6);
    }

    @Test
    void badPoliciesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> LongTextPolicy.chunk(10, 9, 4));
        assertThrows(IllegalArgumentException.class, () -> LongTextPolicy.chunk(10, 0, 4));
        assertThrows(IllegalArgumentException.class, () -> new TextEmbedder(new Recording(), LongTextPolicy.truncate(513), 4, true));
        assertThrows(IllegalArgumentException.class, () -> ModelRef.parse("minilm"));
        assertEquals(ModelRef.Kind.REGISTERED, ModelRef.parse("MiniLM-L6-v2").kind());
        assertEquals(ModelRef.Kind.ONNX_EXPORT, ModelRef.parse("/models/m1").kind());
    }

    static int[] ones(int n) {
        int[] a = new int[n];
        java.util.Arrays.fill(a, 1);
        return a;
    }
}
