package io.anglespark.prep.issues;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Groups duplicate links into clusters of issues that are all duplicates of each other (transitively), and lists
 * pairs. Issues are named by key ({@link #key(String, String)}); an edge is a list of exactly two keys, its order
 * and repetition irrelevant (links A&rarr;B and B&rarr;A are one edge). Keys are ordered as {@link String}s.
 *
 * <p>Everything here runs on one machine over the links alone (a few per duplicate issue), not over the corpus:
 * union-find with path compression, each union keeping the smaller root, so every key maps to the smallest key of
 * its cluster. Results are deterministic (sorted), unmodifiable and serializable.
 */
public final class DuplicateClusters {
    /** Separates project and id in a key: a control character that neither contains. */
    public static final char KEY_SEPARATOR = '\u0001';

    private DuplicateClusters() {
    }

    /** {@code project + "\u0001" + id}. */
    public static String key(String project, String id) {
        return Objects.requireNonNull(project, "project") + KEY_SEPARATOR + Objects.requireNonNull(id, "id");
    }

    /**
     * Each key that occurs in an edge, mapped to its cluster's smallest key. A self edge {@code [a, a]} puts
     * {@code a} in the map (alone, unless other edges join it).
     *
     * @throws IllegalArgumentException for an edge that is not two non-null keys
     */
    public static Map<String, String> clusters(Collection<? extends List<String>> undirectedEdges) {
        Map<String, String> parent = new HashMap<>();
        for (List<String> e : undirectedEdges) {
            checkEdge(e);
            String ra = find(parent, e.get(0));
            String rb = find(parent, e.get(1));
            if (!ra.equals(rb)) {
                if (ra.compareTo(rb) < 0) {
                    parent.put(rb, ra);
                } else {
                    parent.put(ra, rb);
                }
            }
        }
        Map<String, String> out = new TreeMap<>();
        for (String k : new ArrayList<>(parent.keySet())) {
            out.put(k, find(parent, k));
        }
        return Collections.unmodifiableMap(out);
    }

    /** The root of {@code k}, adding it as its own root when new; compresses the path it walked. */
    private static String find(Map<String, String> parent, String k) {
        String root = k;
        String p;
        while ((p = parent.putIfAbsent(root, root)) != null && !p.equals(root)) {
            root = p;
        }
        String cur = k;
        while (!cur.equals(root)) {
            String next = parent.get(cur);
            parent.put(cur, root);
            cur = next;
        }
        return root;
    }

    /** Each cluster's root (smallest key) mapped to its sorted member keys; roots sorted. */
    public static Map<String, List<String>> members(Map<String, String> clusters) {
        Map<String, TreeSet<String>> m = new TreeMap<>();
        clusters.forEach((k, root) -> m.computeIfAbsent(root, r -> new TreeSet<>()).add(k));
        Map<String, List<String>> out = new TreeMap<>();
        m.forEach((root, ks) -> out.put(root, List.copyOf(ks)));
        return Collections.unmodifiableMap(out);
    }

    /**
     * The direct pairs: each edge once as {@code [a, b]} with {@code a < b}, self edges left out, sorted.
     */
    public static List<List<String>> directPairs(Collection<? extends List<String>> undirectedEdges) {
        TreeSet<List<String>> pairs = new TreeSet<>(DuplicateClusters::comparePairs);
        for (List<String> e : undirectedEdges) {
            checkEdge(e);
            int c = e.get(0).compareTo(e.get(1));
            if (c != 0) {
                pairs.add(c < 0 ? List.of(e.get(0), e.get(1)) : List.of(e.get(1), e.get(0)));
            }
        }
        return List.copyOf(pairs);
    }

    /**
     * Every pair within every cluster, {@code [a, b]} with {@code a < b}, sorted: a cluster of n issues gives
     * n(n-1)/2 pairs (quadratic: a cluster of 1,000 gives 499,500), so look at {@link #members} sizes first.
     */
    public static List<List<String>> pairsWithin(Map<String, String> clusters) {
        List<List<String>> out = new ArrayList<>();
        for (List<String> ms : members(clusters).values()) {
            for (int i = 0; i < ms.size(); i++) {
                for (int j = i + 1; j < ms.size(); j++) {
                    out.add(List.of(ms.get(i), ms.get(j)));
                }
            }
        }
        out.sort(DuplicateClusters::comparePairs);
        return Collections.unmodifiableList(out);
    }

    private static int comparePairs(List<String> x, List<String> y) {
        int c = x.get(0).compareTo(y.get(0));
        return c != 0 ? c : x.get(1).compareTo(y.get(1));
    }

    private static void checkEdge(List<String> e) {
        if (e == null || e.size() != 2 || e.get(0) == null || e.get(1) == null) {
            throw new IllegalArgumentException("an edge is two non-null keys, got " + e);
        }
    }
}
