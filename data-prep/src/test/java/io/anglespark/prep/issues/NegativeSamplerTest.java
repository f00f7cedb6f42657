package io.anglespark.prep.issues;

import io.anglespark.prep.JavaSerialization;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NegativeSamplerTest {

    private static final List<String> POOL = IntStream.range(0, 200).mapToObj(i -> String.format("p\u0001%03d", i)).sorted().toList();
    /** Clusters {000,001,002}, {010,011}, {020,021}; positives are their direct links. */
    private static final List<List<String>> POSITIVES = List.of(
            List.of(POOL.get(0), POOL.get(1)), List.of(POOL.get(1), POOL.get(2)),
            List.of(POOL.get(10), POOL.get(11)), List.of(POOL.get(20), POOL.get(21)));
    private static final Map<String, String> CLUSTERS = DuplicateClusters.clusters(POSITIVES);

    @Test
    void drawsRatioNegativesPerPositiveNeverInTheSameClusterNorAPositive() {
        List<NegativeSampler.Negative> n = new NegativeSampler(42, 3).sample(POOL, POSITIVES, CLUSTERS);
        assertEquals(12, n.size());
        Set<List<String>> positives = new HashSet<>(POSITIVES);
        for (NegativeSampler.Negative x : n) {
            assertNotEquals(CLUSTERS.getOrDefault(x.anchor(), x.anchor()), CLUSTERS.getOrDefault(x.negative(), x.negative()), x.toString());
            assertTrue(!positives.contains(x.pair()) && !positives.contains(List.of(x.negative(), x.anchor())), x.toString());
            assertTrue(POOL.contains(x.negative()));
        }
        Map<List<String>, List<String>> perPositive = n.stream().collect(Collectors.groupingBy(
                x -> List.of(x.anchor(), x.positive()), Collectors.mapping(NegativeSampler.Negative::negative, Collectors.toList())));
        perPositive.values().forEach(cs -> assertEquals(cs.size(), new HashSet<>(cs).size(), "distinct per positive"));
    }

    @Test
    void isDeterministicAndIndependentOfTheOrderOfPositives() {
        NegativeSampler s = new NegativeSampler(7, 2);
        List<NegativeSampler.Negative> a = s.sample(POOL, POSITIVES, CLUSTERS);
        List<List<String>> reversed = new ArrayList<>(POSITIVES);
        Collections.reverse(reversed);
        List<NegativeSampler.Negative> b = s.sample(POOL, reversed, CLUSTERS);
        assertEquals(a, s.sample(POOL, POSITIVES, CLUSTERS));
        assertEquals(new HashSet<>(a), new HashSet<>(b));
        assertEquals(a, JavaSerialization.roundTrip(s).sample(POOL, POSITIVES, CLUSTERS));
        assertNotEquals(a, new NegativeSampler(8, 2).sample(POOL, POSITIVES, CLUSTERS), "another seed, other draws");
    }

    @Test
    void terminatesWithFewerNegativesOnATinyPool() {
        List<String> tiny = List.of("a", "b", "c");
        List<List<String>> positives = List.of(List.of("a", "b"));
        Map<String, String> clusters = DuplicateClusters.clusters(positives);
        List<NegativeSampler.Negative> n = new NegativeSampler(1, 5).sample(tiny, positives, clusters);
        assertEquals(List.of(new NegativeSampler.Negative("a", "b", "c")), n, "only c is eligible");

        List<List<String>> all = List.of(List.of("a", "b"), List.of("b", "c"));
        assertEquals(List.of(), new NegativeSampler(1, 5).sample(tiny, all, DuplicateClusters.clusters(all)), "nothing eligible");
        assertEquals(List.of(), new NegativeSampler(1, 5).sample(List.of(), positives, clusters));
    }

    @Test
    void rejectsAnUnsortedPoolAndABadRatio() {
        assertThrows(IllegalArgumentException.class, () -> new NegativeSampler(1, 1).sample(List.of("b", "a"), List.of(), Map.of()));
        assertThrows(IllegalArgumentException.class, () -> new NegativeSampler(1, 1).sample(List.of("a", "a"), List.of(), Map.of()));
        assertThrows(IllegalArgumentException.class, () -> new NegativeSampler(1, -1));
    }

    @Test
    void ratioZeroDrawsNothing() {
        assertTrue(new NegativeSampler(1, 0).sample(List.of("p\u0001a", "p\u0001b", "p\u0001c"),
                List.of(List.of("p\u0001a", "p\u0001b")), java.util.Map.of()).isEmpty());
    }
}
