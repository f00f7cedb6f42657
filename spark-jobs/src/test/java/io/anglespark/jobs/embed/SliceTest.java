package io.anglespark.jobs.embed;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Buckets are packed in order into slices of at most the limit; a bucket over the limit is a slice alone; empty buckets vanish. */
class SliceTest {
    @Test
    void consecutiveBucketsArePackedUpToTheLimitWithoutSplittingOne() {
        Map<Integer, Long> buckets = new TreeMap<>(Map.of(0, 4L, 1, 5L, 3, 2L, 4, 30L, 7, 1L, 9, 0L));
        List<Slice> s = Slice.pack(buckets, 10);
        assertEquals(List.of(new Slice(0, 0, 1, 9), new Slice(1, 3, 3, 2), new Slice(2, 4, 4, 30), new Slice(3, 7, 7, 1)), s);
        assertEquals(List.of(), Slice.pack(Map.of(), 10));
        assertEquals(42, s.stream().mapToLong(Slice::rows).sum());
    }
}
