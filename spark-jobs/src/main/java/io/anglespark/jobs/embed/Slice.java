package io.anglespark.jobs.embed;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A unit of commit: the rows of hash buckets {@code firstBucket..lastBucket}.
 *
 * @param index 0-based, in commit order
 * @param rows  rows to write in it
 */
public record Slice(int index, int firstBucket, int lastBucket, long rows) {

    /**
     * Packs buckets (in bucket order; empty ones absent) into consecutive slices of at most {@code maxRows} rows;
     * a bucket larger than that is a slice of its own.
     */
    public static List<Slice> pack(Map<Integer, Long> rowsPerBucket, long maxRows) {
        List<Slice> out = new ArrayList<>();
        int first = -1;
        int last = -1;
        long rows = 0;
        for (Map.Entry<Integer, Long> e : new java.util.TreeMap<>(rowsPerBucket).entrySet()) {
            if (e.getValue() <= 0) {
                continue;
            }
            if (first >= 0 && rows + e.getValue() > maxRows) {
                out.add(new Slice(out.size(), first, last, rows));
                first = -1;
                rows = 0;
            }
            if (first < 0) {
                first = e.getKey();
            }
            last = e.getKey();
            rows += e.getValue();
        }
        if (first >= 0) {
            out.add(new Slice(out.size(), first, last, rows));
        }
        return out;
    }
}
