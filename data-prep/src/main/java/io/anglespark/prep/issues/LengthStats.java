package io.anglespark.prep.issues;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Length figures of a set of texts, in Unicode code points ({@link #codePoints(String)}).
 *
 * <p>Percentiles are nearest-rank: the p-th percentile of n sorted lengths is the one at 1-based rank
 * {@code ceil(p * n / 100)} (at least 1), computed in integers. So {@link #median()} is the middle length for odd n
 * and the lower of the two middle ones for even n; {@link #p90()} is the length at rank {@code ceil(0.9 n)}. For no
 * lengths at all, count is 0 and median, p90 and max are 0.
 *
 * @param count  how many lengths
 * @param median the 50th percentile (nearest rank)
 * @param p90    the 90th percentile (nearest rank)
 * @param max    the longest
 */
public record LengthStats(long count, long median, long p90, long max, long[] sortedLengths) implements Serializable {

    /** Prefer {@link #of(long[])}; this checks that {@code sortedLengths} agrees with the figures. */
    public LengthStats {
        sortedLengths = sortedLengths.clone();
        for (int i = 1; i < sortedLengths.length; i++) {
            if (sortedLengths[i - 1] > sortedLengths[i]) {
                throw new IllegalArgumentException("sortedLengths must be ascending");
            }
        }
        if (count != sortedLengths.length || median != rank(sortedLengths, 50) || p90 != rank(sortedLengths, 90)
                || max != (sortedLengths.length == 0 ? 0 : sortedLengths[sortedLengths.length - 1])) {
            throw new IllegalArgumentException("count, median, p90 and max must be those of sortedLengths");
        }
    }

    /** The figures of these lengths (the array is copied, not changed). */
    public static LengthStats of(long[] lengths) {
        long[] sorted = lengths.clone();
        Arrays.sort(sorted);
        for (long l : sorted) {
            if (l < 0) {
                throw new IllegalArgumentException("a length cannot be negative: " + l);
            }
        }
        return new LengthStats(sorted.length, rank(sorted, 50), rank(sorted, 90),
                sorted.length == 0 ? 0 : sorted[sorted.length - 1], sorted);
    }

    /** The length of a text in Unicode code points (a surrogate pair counts once); null is 0. */
    public static long codePoints(String text) {
        return text == null ? 0 : text.codePointCount(0, text.length());
    }

    /** A copy of the lengths, ascending. */
    @Override
    public long[] sortedLengths() {
        return sortedLengths.clone();
    }

    /** The nearest-rank percentile, {@code 1 <= percent <= 100}; 0 when there are no lengths. */
    public long percentile(int percent) {
        if (percent < 1 || percent > 100) {
            throw new IllegalArgumentException("percent must be in 1..100, got " + percent);
        }
        return rank(sortedLengths, percent);
    }

    /** How many lengths are greater than {@code threshold}. */
    public long countOver(long threshold) {
        int lo = 0;
        int hi = sortedLengths.length;
        while (lo < hi) { // first index whose length is > threshold
            int mid = (lo + hi) >>> 1;
            if (sortedLengths[mid] > threshold) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return sortedLengths.length - lo;
    }

    /** The fraction of lengths greater than {@code threshold}, in [0, 1]; 0 when there are no lengths. */
    public double shareOver(long threshold) {
        return count == 0 ? 0 : (double) countOver(threshold) / count;
    }

    private static long rank(long[] sorted, int percent) {
        if (sorted.length == 0) {
            return 0;
        }
        long r = ((long) percent * sorted.length + 99) / 100;
        return sorted[(int) Math.max(1, r) - 1];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LengthStats s && Arrays.equals(sortedLengths, s.sortedLengths);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(sortedLengths);
    }

    @Override
    public String toString() {
        return "LengthStats[count=" + count + ", median=" + median + ", p90=" + p90 + ", max=" + max + "]";
    }
}
