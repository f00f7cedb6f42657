package io.anglespark.prep.issues;

import io.anglespark.prep.issues.Rfc4180.CsvRecord;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DuplicateClustersTest {

    private static String k(String id) {
        return DuplicateClusters.key("hadoop", id);
    }

    /*
     * python3 union-find over the 66 undirected pairs of hadoop_bugs-combined.csv: 63 clusters (60 of 2 issues, 3 of 3:
     * {13339673, 13347124, 13348358}, {13396667, 13438913, 13547000}, {13411867, 13478820, 13528626}), 69 pairs.
     */
    @Test
    void hadoopLinksMake63ClustersAnd69TransitivePairs() {
        List<CsvRecord> records = IssueData.hadoopLinks();
        LinksFile.Bound b = LinksFile.defaults("hadoop").bind(IssueData.HADOOP_LINKS, records.get(0).fields());
        List<List<String>> edges = records.subList(1, records.size()).stream()
                .flatMap(r -> IssueData.accepted(b.map(r.fields())).stream()).map(DuplicateLink::edge).toList();
        assertEquals(127, edges.size());
        Map<String, String> clusters = DuplicateClusters.clusters(edges);
        assertEquals(129, clusters.size());
        Map<String, List<String>> members = DuplicateClusters.members(clusters);
        assertEquals(63, members.size());
        Map<Integer, Long> sizes = new TreeMap<>(members.values().stream().collect(Collectors.groupingBy(List::size, Collectors.counting())));
        assertEquals(Map.of(2, 60L, 3, 3L), sizes);
        assertEquals(List.of(k("13339673"), k("13347124"), k("13348358")), members.get(k("13339673")));
        assertEquals(List.of(k("13396667"), k("13438913"), k("13547000")), members.get(k("13396667")));
        assertEquals(List.of(k("13411867"), k("13478820"), k("13528626")), members.get(k("13411867")));
        assertEquals(66, DuplicateClusters.directPairs(edges).size());
        List<List<String>> within = DuplicateClusters.pairsWithin(clusters);
        assertEquals(69, within.size());
        assertEquals(within.stream().distinct().count(), within.size());
    }

    @Test
    void aCycleOfThreeIsOneClusterMappedToItsSmallestKey() {
        List<List<String>> edges = List.of(List.of("A", "B"), List.of("B", "C"), List.of("C", "A"));
        Map<String, String> c = DuplicateClusters.clusters(edges);
        assertEquals(Map.of("A", "A", "B", "A", "C", "A"), c);
        assertEquals(List.of(List.of("A", "B"), List.of("A", "C"), List.of("B", "C")), DuplicateClusters.directPairs(edges));
        assertEquals(List.of(List.of("A", "B"), List.of("A", "C"), List.of("B", "C")), DuplicateClusters.pairsWithin(c));
    }

    @Test
    void aChainJoinedFromItsFarEndStillMapsEveryKeyToTheSmallest() {
        List<List<String>> edges = List.of(List.of("e", "d"), List.of("d", "c"), List.of("c", "b"), List.of("b", "a"),
                List.of("x", "y"), List.of("y", "x"), List.of("s", "s"));
        Map<String, String> c = DuplicateClusters.clusters(edges);
        assertEquals(Map.of("a", "a", "b", "a", "c", "a", "d", "a", "e", "a", "x", "x", "y", "x", "s", "s"), c);
        assertEquals(10 + 1, DuplicateClusters.pairsWithin(c).size(), "5 issues give 10 pairs, x-y one, s none");
        assertEquals(5, DuplicateClusters.directPairs(edges).size(), "the self edge is no pair, x-y counted once");
        assertThrows(IllegalArgumentException.class, () -> DuplicateClusters.clusters(List.of(List.of("a"))));
    }
}
