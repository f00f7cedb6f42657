package io.anglespark.model.encoder;

import io.anglespark.model.Pooling;
import io.anglespark.model.PretrainedModel;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pretrained encoder (minilm-l6-v2): the artifact round trip, and padding invisibility on the real model. */
class EncoderArtifactTest {
    private static final List<String> TEXTS = List.of("A girl is styling her hair.", "A group of men play soccer on the beach.",
            "One woman is measuring another woman's ankle.", "Hi");
    private static Encoder encoder;

    @BeforeAll
    static void load() {
        encoder = Encoder.pretrained(PretrainedModel.MINILM_L6_V2, Pooling.CLS_AVG, 64);
    }

    @Test
    void savedAndLoadedArtifactGivesIdenticalEmbeddingsAndKeepsItsConfiguration(@TempDir Path dir) throws Exception {
        float[][] before = encoder.embed(TEXTS);
        File f = dir.resolve("encoder.zip").toFile();
        EncoderArtifact.save(encoder, f);
        Encoder back = EncoderArtifact.load(f);
        float[][] after = back.embed(TEXTS);
        for (int i = 0; i < TEXTS.size(); i++) {
            assertArrayEquals(before[i], after[i], "text " + i);
        }
        assertEquals("minilm-l6-v2", back.modelName());
        assertEquals(Pooling.CLS_AVG, back.pooling());
        assertEquals(64, back.maxLength());
        assertEquals(PretrainedModel.MINILM_L6_V2.config(), back.config());
        assertArrayEquals(encoder.tokenizerJson(), back.tokenizerJson());
        assertEquals(encoder.graph().getConfiguration().toJson(), back.graph().getConfiguration().toJson());

        // the artifact is still a plain ModelSerializer file
        ComputationGraph plain = ModelSerializer.restoreComputationGraph(f, false);
        assertEquals(encoder.graph().params(), plain.params());

        // and the stream form gives the same
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        EncoderArtifact.save(back, bytes);
        Encoder again = EncoderArtifact.load(new ByteArrayInputStream(bytes.toByteArray()), "in-memory.zip");
        assertArrayEquals(before[2], again.embed(TEXTS)[2]);
    }

    @Test
    void aZipWithoutOurEntriesIsRefusedNamingTheMissingEntry(@TempDir Path dir) throws Exception {
        File f = dir.resolve("plain.zip").toFile();
        ModelSerializer.writeModel(EncoderGraphFactory.build(TinyGraphs.TINY, Pooling.MEAN, 1), f, false);
        Exception e = assertThrows(java.io.IOException.class, () -> EncoderArtifact.load(f));
        assertTrue(e.getMessage().contains("angle-spark/"), e.getMessage());
    }

    @Test
    void pretrainedRealPositionsIgnoreExtraPadsAndRandomIdsUnderMaskZero() {
        int[] real = encoder.tokenizer().encode("A woman measures another woman's ankle.", 64);
        int n = real.length;
        float[][][] alone = encoder.lastHiddenState(new int[][]{real}, new int[][]{ones(n, n)});
        int width = n + 9;
        int[][] ids = new int[2][width];
        Random rnd = new Random(3);
        for (int i = 0; i < width; i++) {
            ids[0][i] = i < n ? real[i] : encoder.tokenizer().padId();
            ids[1][i] = i < n ? real[i] : rnd.nextInt(PretrainedModel.MINILM_L6_V2.config().vocab());
        }
        int[][] mask = {ones(n, width), ones(n, width)};
        float[][][] padded = encoder.lastHiddenState(ids, mask);
        double max = 0;
        for (int r = 0; r < 2; r++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < alone[0][i].length; j++) {
                    max = Math.max(max, Math.abs(alone[0][i][j] - padded[r][i][j]));
                }
            }
        }
        assertTrue(max < 1e-5, "real positions moved by " + max);
        float[][] pooledAlone = encoder.pooled(new int[][]{real}, new int[][]{ones(n, n)});
        float[][] pooledPadded = encoder.pooled(ids, mask);
        for (int r = 0; r < 2; r++) {
            assertArrayEquals(pooledAlone[0], pooledPadded[r], 1e-5f);
        }
    }

    @Test
    void embedOfNoTextsIsEmptyAndOfOneTextHasTheHiddenSize() {
        assertEquals(0, encoder.embed(List.of()).length);
        assertEquals(384, encoder.embed(List.of("hello world")).length == 1 ? encoder.embed(List.of("hello world"))[0].length : -1);
    }

    private static int[] ones(int n, int width) {
        int[] a = new int[width];
        java.util.Arrays.fill(a, 0, n, 1);
        return a;
    }
}
