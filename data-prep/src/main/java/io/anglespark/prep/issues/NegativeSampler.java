package io.anglespark.prep.issues;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

/**
 * Draws seeded random negatives for duplicate pairs, within one pool (the issues of one project and one split).
 * For each positive pair (a, b) it draws up to {@code ratio} distinct issues c from the pool such that
 * <ul>
 *   <li>c is in neither a's nor b's cluster (a key absent from the cluster map is a cluster of its own, so c is
 *       never a or b),</li>
 *   <li>(a, c), in either order, is not a positive pair.</li>
 * </ul>
 * Each draw is {@code pool.get(random.nextInt(pool.size()))} with a {@link Random} (whose algorithm Java specifies,
 * so results are the same on every JVM) seeded per positive from the first 8 bytes (big-endian) of the SHA-256 of
 * the UTF-8 bytes of {@code seed + "\u0000" + a + "\u0000" + b}: the negatives of a positive depend on the seed,
 * a, b, the pool, the positives and the clusters, never on the order in which positives are processed. A positive
 * gets at most {@code ratio * }{@link #TRIES_PER_NEGATIVE} draws: in a pool with too few candidates it gets fewer
 * negatives (possibly none), and sampling always ends.
 *
 * @param seed  changes every draw when changed
 * @param ratio negatives wanted per positive, 0 or more (0: none)
 */
public record NegativeSampler(long seed, int ratio) implements Serializable {

    /** Draws allowed per negative wanted before giving up on a positive. */
    public static final int TRIES_PER_NEGATIVE = 20;

    public NegativeSampler {
        if (ratio < 0) {
            throw new IllegalArgumentException("ratio must be >= 0, got " + ratio);
        }
    }

    /**
     * A negative for a positive pair: {@code (anchor, positive)} is the positive, {@code (anchor, negative)} the
     * negative pair; together a training triplet.
     */
    public record Negative(String anchor, String positive, String negative) implements Serializable {
        public Negative {
            Objects.requireNonNull(anchor, "anchor");
            Objects.requireNonNull(positive, "positive");
            Objects.requireNonNull(negative, "negative");
        }

        /** The negative pair {@code [anchor, negative]}. */
        public List<String> pair() {
            return List.of(anchor, negative);
        }
    }

    /**
     * @param pool      the pool's keys, strictly ascending (sorted, distinct), so that draws are reproducible
     * @param positives the positive pairs of this pool, each two keys {@code [a, b]}; a is the anchor
     * @param clusters  key to cluster id (e.g. {@link DuplicateClusters#clusters}); absent keys are singletons
     * @return for each positive in the given order, its negatives in draw order (up to {@code ratio} each)
     * @throws IllegalArgumentException when the pool is not strictly ascending or a positive is not two keys
     */
    public List<Negative> sample(List<String> pool, Collection<? extends List<String>> positives,
                                 Map<String, String> clusters) {
        Objects.requireNonNull(clusters, "clusters");
        for (int i = 1; i < pool.size(); i++) {
            if (pool.get(i - 1).compareTo(pool.get(i)) >= 0) {
                throw new IllegalArgumentException("the pool must be sorted and distinct; at index " + i + " '"
                        + pool.get(i - 1) + "' is followed by '" + pool.get(i) + "'");
            }
        }
        Set<List<String>> positiveSet = new HashSet<>();
        for (List<String> p : positives) {
            if (p == null || p.size() != 2 || p.get(0) == null || p.get(1) == null) {
                throw new IllegalArgumentException("a positive pair is two non-null keys, got " + p);
            }
            positiveSet.add(List.of(p.get(0), p.get(1)));
            positiveSet.add(List.of(p.get(1), p.get(0)));
        }
        List<Negative> out = new ArrayList<>();
        if (pool.isEmpty()) {
            return out;
        }
        for (List<String> p : positives) {
            String a = p.get(0);
            String b = p.get(1);
            String clusterA = clusters.getOrDefault(a, a);
            String clusterB = clusters.getOrDefault(b, b);
            Random random = new Random(rngSeed(a, b));
            Set<String> chosen = new LinkedHashSet<>();
            long maxTries = (long) ratio * TRIES_PER_NEGATIVE;
            for (long tries = 0; chosen.size() < ratio && tries < maxTries; tries++) {
                String c = pool.get(random.nextInt(pool.size()));
                String clusterC = clusters.getOrDefault(c, c);
                if (clusterC.equals(clusterA) || clusterC.equals(clusterB) || positiveSet.contains(List.of(a, c))) {
                    continue;
                }
                chosen.add(c);
            }
            for (String c : chosen) {
                out.add(new Negative(a, b, c));
            }
        }
        return out;
    }

    /** The per-positive seed, as the class comment defines it. */
    long rngSeed(String a, String b) {
        byte[] hash = sha256().digest((seed + "\u0000" + a + "\u0000" + b).getBytes(StandardCharsets.UTF_8));
        return ByteBuffer.wrap(hash, 0, Long.BYTES).getLong();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
