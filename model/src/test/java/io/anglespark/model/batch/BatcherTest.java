package io.anglespark.model.batch;

import io.anglespark.model.PretrainedModel;
import io.anglespark.model.tokenize.WordPieceTokenizer;
import io.anglespark.prep.ExampleShape;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Batcher} on one tiny fixture per edge case (src/test/resources/io/anglespark/model/batch), MiniLM's tokenizer. */
class BatcherTest {
    private static WordPieceTokenizer tokenizer;

    @BeforeAll
    static void tokenizer() {
        tokenizer = WordPieceTokenizer.of(PretrainedModel.MINILM_L6_V2);
    }

    static List<TrainingExample> fixture(String name, ExampleShape format) {
        return Fixtures.examples(name, format);
    }

    static void assertEveryExampleOnce(Batcher b, List<int[]> plan) {
        int[] seen = new int[b.size()];
        for (int[] batch : plan) {
            for (int i : batch) {
                seen[i]++;
            }
        }
        for (int i = 0; i < seen.length; i++) {
            assertEquals(1, seen[i], "example " + i + " is in " + seen[i] + " batches");
        }
    }

    @Test
    void batchesArePaddedToTheirOwnLongestText() {
        Batcher b = new Batcher(fixture("lengths-mixed.tsv", ExampleShape.SCORED_PAIR), ExampleShape.SCORED_PAIR, tokenizer, 128, 2, 1);
        int widest = 0;
        for (int[] batch : b.plan(0)) {
            MultiDataSet m = b.toMultiDataSet(batch);
            int want = Arrays.stream(batch).map(b::length).max().orElseThrow();
            INDArray ids = m.getFeatures(0);
            INDArray mask = m.getFeatures(2);
            assertEquals(DataType.FLOAT, ids.dataType());
            assertArrayEquals(new long[]{4, want}, ids.shape(), "rows = 2 per pair, width = the batch's longest text");
            assertArrayEquals(ids.shape(), m.getFeatures(1).shape());
            assertEquals(0, m.getFeatures(1).sumNumber().doubleValue(), "token types 0");
            for (int k = 0; k < batch.length; k++) {
                for (int j = 0; j < 2; j++) {
                    int[] t = b.tokenIds(batch[k], j);
                    int row = 2 * k + j;
                    assertEquals(t.length, mask.getRow(row).sumNumber().intValue(), "mask covers the text's tokens");
                    for (int s = 0; s < want; s++) {
                        assertEquals(s < t.length ? t[s] : tokenizer.padId(), ids.getInt(row, s), "row " + row + " position " + s);
                    }
                }
            }
            widest = Math.max(widest, want);
        }
        assertTrue(widest < 128, "padding never goes to maxLength");
    }

    @Test
    void similarLengthsShareABatch() {
        Batcher b = new Batcher(fixture("lengths-mixed.tsv", ExampleShape.SCORED_PAIR), ExampleShape.SCORED_PAIR, tokenizer, 128, 2, 1);
        List<int[]> plan = new ArrayList<>(b.plan(0));
        plan.sort((x, y) -> Integer.compare(Arrays.stream(x).map(b::length).min().orElseThrow(), Arrays.stream(y).map(b::length).min().orElseThrow()));
        for (int k = 1; k < plan.size(); k++) {
            int prevMax = Arrays.stream(plan.get(k - 1)).map(b::length).max().orElseThrow();
            int min = Arrays.stream(plan.get(k)).map(b::length).min().orElseThrow();
            assertTrue(prevMax <= min, "batches are consecutive runs of the length order");
        }
        int padded = 0;
        int real = 0;
        for (int[] batch : plan) {
            int w = Arrays.stream(batch).map(b::length).max().orElseThrow();
            for (int i : batch) {
                padded += 2 * w;
                real += b.tokenIds(i, 0).length + b.tokenIds(i, 1).length;
            }
        }
        System.out.printf("lengths-mixed, 2 pairs per batch: %d of %d token slots are padding%n", padded - real, padded);
    }

    @Test
    void theOrderIsRandomButReproducibleAndNothingIsLost() {
        List<TrainingExample> ex = fixture("lengths-mixed.tsv", ExampleShape.SCORED_PAIR);
        Batcher b = new Batcher(ex, ExampleShape.SCORED_PAIR, tokenizer, 128, 2, 42);
        Batcher again = new Batcher(ex, ExampleShape.SCORED_PAIR, tokenizer, 128, 2, 42);
        for (int epoch = 0; epoch < 3; epoch++) {
            assertEquals(str(b.plan(epoch)), str(again.plan(epoch)), "same seed, same epoch: same plan");
            assertEveryExampleOnce(b, b.plan(epoch));
        }
        assertNotEquals(str(b.plan(0)), str(b.plan(1)), "another epoch, another order");
        assertNotEquals(str(b.plan(0)), str(new Batcher(ex, ExampleShape.SCORED_PAIR, tokenizer, 128, 2, 7).plan(0)), "another seed, another order");
    }

    @Test
    void anEvenPlanFillsTheRemainderBatchWithRepeatsThatKeepItsTextsUnique() {
        // five pairs in batches of 2: plan(0) has a batch of 1, the even plan tops it up with one example of another batch
        Batcher b = new Batcher(fixture("odd-count.tsv", ExampleShape.SCORED_PAIR), ExampleShape.SCORED_PAIR, tokenizer, 32, 2, 3);
        for (int epoch = 0; epoch < 3; epoch++) {
            List<int[]> plan = b.plan(epoch);
            List<int[]> even = b.evenPlan(epoch);
            assertEquals(plan.size(), even.size());
            int[] seen = new int[b.size()];
            for (int k = 0; k < even.size(); k++) {
                int[] batch = even.get(k);
                assertEquals(2, batch.length, "every batch full");
                assertEquals(2, Arrays.stream(batch).distinct().count(), "no example twice in one batch");
                if (plan.get(k).length == 2) {
                    assertArrayEquals(plan.get(k), batch, "full batches unchanged");
                }
                for (int i : batch) {
                    seen[i]++;
                }
            }
            assertTrue(Arrays.stream(seen).allMatch(n -> n >= 1), "nothing dropped");
            assertEquals(1, b.repeats(even), "one example seen twice");
            assertEquals(str(even), str(new Batcher(fixture("odd-count.tsv", ExampleShape.SCORED_PAIR), ExampleShape.SCORED_PAIR, tokenizer, 32, 2, 3).evenPlan(epoch)),
                    "reproducible");
        }
        assertThrows(IllegalArgumentException.class, () -> new Batcher(fixture("odd-count.tsv", ExampleShape.SCORED_PAIR), ExampleShape.SCORED_PAIR, tokenizer, 32, 6, 3)
                .evenPlan(0), "fewer examples than one batch");
    }

    private static String str(List<int[]> plan) {
        return plan.stream().map(Arrays::toString).toList().toString();
    }

    @Test
    void anExampleWhoseTextIsAlreadyInTheBatchMovesToAnotherBatch() {
        Batcher b = new Batcher(fixture("duplicate-text.tsv", ExampleShape.SCORED_PAIR), ExampleShape.SCORED_PAIR, tokenizer, 128, 2, 3);
        for (int epoch = 0; epoch < 5; epoch++) {
            List<int[]> plan = b.plan(epoch);
            assertEveryExampleOnce(b, plan);
            assertEquals(3, plan.size(), "6 pairs, 2 per batch: 3 full batches although 3 pairs share a text");
            for (int[] batch : plan) {
                assertEquals(2, batch.length);
                Set<String> texts = new HashSet<>();
                for (int i : batch) {
                    for (int j = 0; j < 2; j++) {
                        assertTrue(texts.add(Arrays.toString(b.tokenIds(i, j))), "epoch " + epoch + ": a text repeats in batch " + Arrays.toString(batch));
                    }
                }
            }
        }
        // 3 pairs per batch: the three guitar pairs need three batches, so 6 pairs make 3 batches (3, 2 and 1 here)
        Batcher wide = new Batcher(fixture("duplicate-text.tsv", ExampleShape.SCORED_PAIR), ExampleShape.SCORED_PAIR, tokenizer, 128, 3, 3);
        List<int[]> plan = wide.plan(0);
        assertEveryExampleOnce(wide, plan);
        assertEquals(3, plan.size());
        assertEquals(List.of(1, 2, 3), plan.stream().map(x -> x.length).sorted().toList());
    }

    @Test
    void tripletsAreNeverSplitAndKeepTheirRowOrder() {
        List<TrainingExample> ex = fixture("triplets.tsv", ExampleShape.TRIPLET);
        Batcher b = new Batcher(ex, ExampleShape.TRIPLET, tokenizer, 64, 3, 5);
        List<int[]> plan = b.plan(0);
        assertEveryExampleOnce(b, plan);
        for (int[] batch : plan) {
            MultiDataSet m = b.toMultiDataSet(batch);
            assertEquals(3L * batch.length, m.getFeatures(0).size(0), "3 rows per triplet");
            assertEquals(3L * batch.length, m.getLabels(0).size(0));
            for (int k = 0; k < batch.length; k++) {
                for (int j = 0; j < 3; j++) {
                    int[] want = tokenizer.encode(ex.get(batch[k]).texts().get(j), 64);
                    INDArray row = m.getFeatures(0).getRow(3L * k + j);
                    for (int s = 0; s < want.length; s++) {
                        assertEquals(want[s], row.getInt(s), "triplet " + k + " text " + j);
                    }
                }
            }
            assertEquals(3.0 * batch.length, m.getLabels(0).sumNumber().doubleValue(), "formats B and C: label 1 on every row");
        }
    }

    @Test
    void theLastBatchKeepsTheRemainderAndEveryPairLabelsBothRows() {
        List<TrainingExample> ex = fixture("odd-count.tsv", ExampleShape.SCORED_PAIR);
        Batcher b = new Batcher(ex, ExampleShape.SCORED_PAIR, tokenizer, 16, 2, 9);
        List<int[]> plan = b.plan(0);
        assertEveryExampleOnce(b, plan);
        assertEquals(List.of(1, 2, 2), plan.stream().map(x -> x.length).sorted().toList(), "5 pairs in batches of 2: 2, 2, 1");
        for (int[] batch : plan) {
            INDArray y = b.toMultiDataSet(batch).getLabels(0);
            assertEquals(0, y.size(0) % 2, "rows even");
            for (int k = 0; k < batch.length; k++) {
                assertEquals(ex.get(batch[k]).label(), y.getDouble(2L * k, 0));
                assertEquals(ex.get(batch[k]).label(), y.getDouble(2L * k + 1, 0));
            }
        }
    }

    @Test
    void longTextsAreTruncatedToMaxLengthKeepingSep() {
        Batcher b = new Batcher(fixture("long-text.tsv", ExampleShape.POSITIVE_PAIR), ExampleShape.POSITIVE_PAIR, tokenizer, 8, 2, 1);
        MultiDataSet m = b.toMultiDataSet(b.plan(0).get(0));
        assertEquals(8, m.getFeatures(0).size(1), "width is capped at maxLength");
        int[] t = b.tokenIds(0, 0);
        assertEquals(8, t.length);
        assertEquals("[SEP]", tokenizer.token(t[7]));
        assertEquals("[CLS]", tokenizer.token(t[0]));
    }

    @Test
    void examplesOfAnotherFormatAreRefused() {
        List<TrainingExample> triplets = fixture("triplets.tsv", ExampleShape.TRIPLET);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Batcher(triplets, ExampleShape.SCORED_PAIR, tokenizer, 16, 2, 1));
        assertTrue(e.getMessage().contains("not a scored-pair example"), e.getMessage());
    }
}
