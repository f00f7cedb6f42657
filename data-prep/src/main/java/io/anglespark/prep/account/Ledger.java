package io.anglespark.prep.account;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-input counts: rows read, and rows per fate key ({@link Fate#key()}). Built on the driver from
 * counts the job computed independently (rows read are counted at the source; fates come from every
 * stage's decisions), then {@link #verify()} checks that they add up.
 */
public final class Ledger {
    private final Map<String, Long> read = new TreeMap<>();
    private final Map<String, Map<String, Long>> fates = new TreeMap<>();

    public void addRead(String input, long rows) {
        read.merge(input, rows, Long::sum);
    }

    public void addFate(String input, String fateKey, long rows) {
        fates.computeIfAbsent(input, k -> new TreeMap<>()).merge(fateKey, rows, Long::sum);
    }

    public long read(String input) {
        return read.getOrDefault(input, 0L);
    }

    public long settled(String input) {
        return fates.getOrDefault(input, Map.of()).values().stream().mapToLong(Long::longValue).sum();
    }

    public long count(String input, String fateKey) {
        return fates.getOrDefault(input, Map.of()).getOrDefault(fateKey, 0L);
    }

    /** Rows per fate key for one input, sorted by key. */
    public Map<String, Long> fates(String input) {
        return Collections.unmodifiableMap(fates.getOrDefault(input, new TreeMap<>()));
    }

    public Iterable<String> inputs() {
        TreeMap<String, Boolean> all = new TreeMap<>();
        read.keySet().forEach(k -> all.put(k, true));
        fates.keySet().forEach(k -> all.put(k, true));
        return all.keySet();
    }

    /**
     * @throws ConservationException naming the first input whose settled rows differ from its rows read
     */
    public void verify() {
        for (String input : inputs()) {
            long r = read(input);
            long s = settled(input);
            if (r != s) {
                throw new ConservationException(String.format(java.util.Locale.ROOT,
                        "conservation failed for input '%s': %d rows read but %d accounted for (%s); %s",
                        input, r, s, fates(input), r > s ? (r - s) + " rows were lost" : (s - r) + " rows were counted twice"));
            }
        }
    }

    /** Thrown when buckets do not add up to rows read: a bug, never bad input. */
    public static final class ConservationException extends IllegalStateException {
        public ConservationException(String message) {
            super(message);
        }
    }
}
