package io.anglespark.model.metrics;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An evaluation set as its distinct texts plus, per pair, the indices of its two texts and its gold score, so
 * each distinct text is embedded once however many pairs it occurs in. Texts are compared exactly (no
 * normalisation); their order is first appearance.
 *
 * @param texts the distinct texts
 * @param left  per pair, the index of its first text in {@code texts}
 * @param right per pair, the index of its second text
 * @param gold  per pair, the gold score or label
 */
public record ScoredPairs(List<String> texts, int[] left, int[] right, double[] gold) implements Serializable {

    public ScoredPairs {
        texts = List.copyOf(texts);
        if (left.length != right.length || left.length != gold.length) {
            throw new IllegalArgumentException("left, right and gold differ in length: " + left.length + ", " + right.length + ", " + gold.length);
        }
    }

    public int size() {
        return gold.length;
    }

    /** Collects pairs in order, indexing their texts. */
    public static final class Builder {
        private final Map<String, Integer> index = new LinkedHashMap<>();
        private final List<int[]> ends = new ArrayList<>();
        private double[] gold = new double[16];

        public Builder add(String text1, String text2, double score) {
            int a = index.computeIfAbsent(text1, k -> index.size());
            int b = index.computeIfAbsent(text2, k -> index.size());
            if (ends.size() == gold.length) {
                gold = Arrays.copyOf(gold, gold.length * 2);
            }
            gold[ends.size()] = score;
            ends.add(new int[]{a, b});
            return this;
        }

        public ScoredPairs build() {
            int n = ends.size();
            int[] l = new int[n];
            int[] r = new int[n];
            for (int i = 0; i < n; i++) {
                l[i] = ends.get(i)[0];
                r[i] = ends.get(i)[1];
            }
            return new ScoredPairs(new ArrayList<>(index.keySet()), l, r, Arrays.copyOf(gold, n));
        }
    }
}
