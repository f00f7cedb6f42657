package io.anglespark.model.batch;

import io.anglespark.model.tokenize.WordPieceTokenizer;
import io.anglespark.prep.ExampleShape;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Turns training examples into the encoder's minibatches: texts tokenised once (with the model's
 * {@link WordPieceTokenizer}, truncated to {@code maxLength}), batches of whole examples grouped by length, each
 * padded only to its own longest text, as {@link MultiDataSet}s a graph ending in the AnglE loss trains on (and
 * Spark can ship: they are {@code Serializable}).
 *
 * <p><b>An epoch's plan</b> ({@link #plan(int)}), a pure function of (examples, seed, epoch):
 * <ol>
 *   <li>examples shuffled with a {@link Random} seeded from (seed, epoch), then stably sorted by length (the
 *       longest of their texts, in tokens): similar lengths become neighbours, equal lengths in a random order;</li>
 *   <li>cut in that order into batches of {@code examplesPerBatch} examples; an example with a text (compared as
 *       token ids: what the encoder sees) already in the batch being filled waits for the next batch, and waiting
 *       examples are placed first in the following batches; when only waiting examples are left and they all repeat
 *       the batch's texts, one is swapped with a member of an earlier batch that fits here. Nothing is dropped: every
 *       example is in exactly one batch; every batch is full but the last (the remainder), unless the examples
 *       share texts so widely that no swap exists (then a batch closes early);</li>
 *   <li>the batches shuffled with the same random source, so training order is random and reproducible.</li>
 * </ol>
 * The angle_emb authors drop an example whose text repeats in its batch; here it is moved, so that in-batch
 * negatives never contain a copy of a positive and no data is lost.
 *
 * <p><b>A batch</b> ({@link #toMultiDataSet}): example {@code k}'s texts are rows {@code k * g .. k * g + g - 1}
 * ({@code g} = 2 for formats A and B, 3 for C; a pair or triplet is never split and rows are a multiple of
 * {@code g}). Features, all float [rows, width] with width the batch's longest text: input ids (padded with
 * the tokenizer's pad id), token types (0) and the attention mask (1 on tokens, 0 on padding). Labels [rows, 1]:
 * format A's score on each row of its pair; 1 for formats B and C (the loss does not read them).
 *
 * <p>Immutable after construction; {@link #toMultiDataSet} allocates ND4J arrays, so call it on the thread that
 * trains.
 */
public final class Batcher {
    private final ExampleShape format;
    private final int examplesPerBatch;
    private final long seed;
    private final int padId;
    private final List<TrainingExample> examples;
    /** Token ids per example and text. */
    private final int[][][] ids;
    /** Tokens of each example's longest text. */
    private final int[] lengths;

    /**
     * @param examplesPerBatch pairs (formats A, B) or triplets (C) per batch
     * @param maxLength        tokens per text including [CLS] and [SEP]
     */
    public Batcher(List<TrainingExample> examples, ExampleShape format, WordPieceTokenizer tokenizer, int maxLength, int examplesPerBatch,
                   long seed) {
        if (examplesPerBatch < 1) {
            throw new IllegalArgumentException("examplesPerBatch must be >= 1, got " + examplesPerBatch);
        }
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("no training examples");
        }
        this.format = format;
        this.examplesPerBatch = examplesPerBatch;
        this.seed = seed;
        this.padId = tokenizer.padId();
        this.examples = List.copyOf(examples);
        this.ids = new int[this.examples.size()][][];
        this.lengths = new int[this.examples.size()];
        for (int i = 0; i < ids.length; i++) {
            TrainingExample e = this.examples.get(i);
            if (!e.fits(format)) {
                throw new IllegalArgumentException("example " + i + " " + e + " is not a " + format + " example");
            }
            ids[i] = new int[e.texts().size()][];
            for (int j = 0; j < ids[i].length; j++) {
                ids[i][j] = tokenizer.encode(e.texts().get(j), maxLength);
                lengths[i] = Math.max(lengths[i], ids[i][j].length);
            }
        }
    }

    public int size() {
        return examples.size();
    }

    public ExampleShape format() {
        return format;
    }

    public List<TrainingExample> examples() {
        return examples;
    }

    /** Rows per example: 2 (formats A, B) or 3 (C). */
    public int rowsPerExample() {
        return format == ExampleShape.TRIPLET ? 3 : 2;
    }

    /** Tokens of example {@code i}'s longest text (after truncation). */
    public int length(int i) {
        return lengths[i];
    }

    /** Token ids of text {@code j} of example {@code i} (a copy). */
    public int[] tokenIds(int i, int j) {
        return ids[i][j].clone();
    }

    /** Epoch {@code epoch}'s batches, as lists of example indices (see the class comment). */
    public List<int[]> plan(int epoch) {
        Random rnd = new Random(seed * 1_000_003L + epoch);
        List<Integer> order = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, rnd);
        order.sort(Comparator.comparingInt(i -> lengths[i]));

        List<List<Integer>> batches = new ArrayList<>();
        Deque<Integer> waiting = new ArrayDeque<>();
        Iterator<Integer> next = order.iterator();
        while (!waiting.isEmpty() || next.hasNext()) {
            List<Integer> batch = new ArrayList<>(examplesPerBatch);
            Set<String> texts = new HashSet<>();
            for (Iterator<Integer> w = waiting.iterator(); w.hasNext() && batch.size() < examplesPerBatch; ) {
                int i = w.next();
                if (fitsIn(i, texts)) {
                    add(i, batch, texts);
                    w.remove();
                }
            }
            while (batch.size() < examplesPerBatch && next.hasNext()) {
                int i = next.next();
                if (fitsIn(i, texts)) {
                    add(i, batch, texts);
                } else {
                    waiting.add(i);
                }
            }
            if (batch.size() < examplesPerBatch && !waiting.isEmpty()) {
                swapIn(batch, texts, waiting, batches);
            }
            batches.add(batch);
        }
        Collections.shuffle(batches, rnd);
        return batches.stream().map(b -> b.stream().mapToInt(Integer::intValue).toArray()).toList();
    }

    /**
     * Epoch {@code epoch}'s {@link #plan} with every batch full, for trainers that need even-sized minibatches (Spark
     * parameter averaging: each worker fits whole minibatches of one size). A batch short of {@code examplesPerBatch}
     * (the remainder, or one closed early) is topped up with examples of the other batches that fit it (no text
     * repeated in the batch), tried in an order shuffled from (seed, epoch): those examples are seen twice in the
     * epoch, and {@link #repeats} counts them. Batch order and membership otherwise equal {@link #plan}'s.
     *
     * @throws IllegalArgumentException when there are fewer examples than one batch, or a batch cannot be filled
     */
    public List<int[]> evenPlan(int epoch) {
        if (examples.size() < examplesPerBatch) {
            throw new IllegalArgumentException("an even batch needs " + examplesPerBatch + " examples, there are only " + examples.size());
        }
        List<int[]> plan = plan(epoch);
        Random rnd = new Random(seed * 1_000_003L + epoch + 7_777_777L);
        List<Integer> donors = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) {
            donors.add(i);
        }
        Collections.shuffle(donors, rnd);
        List<int[]> out = new ArrayList<>(plan.size());
        for (int[] b : plan) {
            if (b.length == examplesPerBatch) {
                out.add(b);
                continue;
            }
            List<Integer> batch = new ArrayList<>();
            Set<String> texts = new HashSet<>();
            for (int i : b) {
                add(i, batch, texts);
            }
            for (Iterator<Integer> d = donors.iterator(); d.hasNext() && batch.size() < examplesPerBatch; ) {
                int i = d.next();
                if (!batch.contains(i) && fitsIn(i, texts)) {
                    add(i, batch, texts);
                }
            }
            if (batch.size() < examplesPerBatch) {
                throw new IllegalArgumentException("cannot fill a batch of " + examplesPerBatch + " examples without repeating a text in it "
                        + "(the examples share too many texts)");
            }
            out.add(batch.stream().mapToInt(Integer::intValue).toArray());
        }
        return out;
    }

    /** Examples that an {@link #evenPlan} holds twice (its batches hold that many more examples than there are). */
    public int repeats(List<int[]> evenPlan) {
        int n = 0;
        for (int[] b : evenPlan) {
            n += b.length;
        }
        return n - examples.size();
    }

    /**
     * Fills a batch that the remaining (waiting) examples cannot fill, all of them repeating its texts, by swapping:
     * a waiting example takes the place of a member of an earlier batch (searched from the latest, the nearest in
     * length) that in turn fits in this batch.
     */
    private void swapIn(List<Integer> batch, Set<String> texts, Deque<Integer> waiting, List<List<Integer>> earlier) {
        for (Iterator<Integer> w = waiting.iterator(); w.hasNext() && batch.size() < examplesPerBatch; ) {
            int i = w.next();
            search:
            for (int b = earlier.size() - 1; b >= 0; b--) {
                List<Integer> other = earlier.get(b);
                for (int m = 0; m < other.size(); m++) {
                    int e = other.get(m);
                    if (!fitsIn(e, texts)) {
                        continue;
                    }
                    Set<String> rest = new HashSet<>();
                    for (int x : other) {
                        if (x != e) {
                            for (int[] t : ids[x]) {
                                rest.add(key(t));
                            }
                        }
                    }
                    if (fitsIn(i, rest)) {
                        other.set(m, i);
                        add(e, batch, texts);
                        w.remove();
                        break search;
                    }
                }
            }
        }
    }

    private boolean fitsIn(int i, Set<String> texts) {
        for (int[] t : ids[i]) {
            if (texts.contains(key(t))) {
                return false;
            }
        }
        return true;
    }

    private void add(int i, List<Integer> batch, Set<String> texts) {
        batch.add(i);
        for (int[] t : ids[i]) {
            texts.add(key(t));
        }
    }

    private static String key(int[] tokenIds) {
        return Arrays.toString(tokenIds);
    }

    /** The minibatch of the given examples, in that order (see the class comment). */
    public MultiDataSet toMultiDataSet(int[] exampleIndices) {
        int g = rowsPerExample();
        int rows = exampleIndices.length * g;
        int width = 0;
        for (int i : exampleIndices) {
            width = Math.max(width, lengths[i]);
        }
        float[] inputIds = new float[rows * width];
        float[] mask = new float[rows * width];
        float[] labels = new float[rows];
        Arrays.fill(inputIds, padId);
        for (int k = 0; k < exampleIndices.length; k++) {
            int i = exampleIndices[k];
            for (int j = 0; j < g; j++) {
                int row = k * g + j;
                int[] t = ids[i][j];
                for (int s = 0; s < t.length; s++) {
                    inputIds[row * width + s] = t[s];
                    mask[row * width + s] = 1;
                }
                labels[row] = format == ExampleShape.SCORED_PAIR ? (float) examples.get(i).label() : 1f;
            }
        }
        INDArray[] features = {
                Nd4j.create(inputIds, new long[]{rows, width}, 'c'),
                Nd4j.zeros(DataType.FLOAT, rows, width),
                Nd4j.create(mask, new long[]{rows, width}, 'c')};
        return new MultiDataSet(features, new INDArray[]{Nd4j.create(labels, new long[]{rows, 1}, 'c')});
    }
}
