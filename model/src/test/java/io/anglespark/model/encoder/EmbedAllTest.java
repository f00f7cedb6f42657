package io.anglespark.model.encoder;

import io.anglespark.model.PretrainedModel;
import io.anglespark.prep.SharedData;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmbedAllTest {

    @Test
    void lengthBucketedBatchesReturnEachTextsOwnEmbeddingInInputOrder() throws Exception {
        Encoder enc = Encoder.pretrained(PretrainedModel.MINILM_L6_V2, null, 128);
        List<String> texts = new ArrayList<>();
        for (String line : SharedData.lines("stsbenchmark/sts-dev.csv").subList(0, 20)) {
            texts.add(line.split("\t")[5]);
        }
        texts.add("");                      // [CLS] [SEP] only: the shortest row
        texts.add(texts.get(3));           // a repeat lands in another batch position
        float[][] all = enc.embedAll(texts, 6);
        assertEquals(texts.size(), all.length);
        for (int i = 0; i < texts.size(); i++) {
            float[] alone = enc.embed(List.of(texts.get(i)))[0];
            assertTrue(cosine(alone, all[i]) >= 0.99999, "text " + i + " cosine " + cosine(alone, all[i]));
        }
        assertArrayEquals(all[3], all[texts.size() - 1], 1e-5f);
    }

    @Test
    void lengthOrderIsStableAndAscending() {
        int[][] rows = {new int[5], new int[2], new int[5], new int[1], new int[2]};
        assertArrayEquals(new Integer[]{3, 1, 4, 0, 2}, Encoder.lengthOrder(rows));
    }

    @Test
    void aBatchSizeBelowOneIsRefused() {
        Encoder enc = Encoder.pretrained(PretrainedModel.MINILM_L6_V2, null, 16);
        assertThrows(IllegalArgumentException.class, () -> enc.embedAll(List.of("a"), 0));
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
