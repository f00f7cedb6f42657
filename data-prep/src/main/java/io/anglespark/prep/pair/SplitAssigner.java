package io.anglespark.prep.pair;

import io.anglespark.prep.Split;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * Assigns a row to a split from a stable key alone, so the same key lands in the same split in every run
 * and on every executor. The key's position {@code u} is the SHA-256 of the UTF-8 bytes of
 * {@code seed (as a decimal) + "\u0000" + key}, its first 8 bytes read big-endian as an unsigned number,
 * of which the top 53 bits are taken as a fraction in [0, 1). {@code u < testFraction} is TEST,
 * {@code u < testFraction + devFraction} is DEV, everything else TRAIN.
 *
 * @param seed         changes every assignment when changed
 * @param devFraction  in [0, 1)
 * @param testFraction in [0, 1); devFraction + testFraction &lt; 1
 */
public record SplitAssigner(long seed, double devFraction, double testFraction) implements Serializable {

    public SplitAssigner {
        checkFraction("devFraction", devFraction);
        checkFraction("testFraction", testFraction);
        if (!(devFraction + testFraction < 1)) {
            throw new IllegalArgumentException("devFraction + testFraction must be < 1, got " + devFraction + " + " + testFraction);
        }
    }

    public Split assign(String stableKey) {
        double u = position(stableKey);
        if (u < testFraction) {
            return Split.TEST;
        }
        return u < testFraction + devFraction ? Split.DEV : Split.TRAIN;
    }

    /** The key's position u in [0, 1), as defined above. Thread-safe: each call uses its own digest. */
    public double position(String stableKey) {
        Objects.requireNonNull(stableKey, "stableKey");
        byte[] hash = sha256().digest((seed + "\u0000" + stableKey).getBytes(StandardCharsets.UTF_8));
        long first8 = ByteBuffer.wrap(hash, 0, Long.BYTES).getLong();
        return (first8 >>> 11) * 0x1.0p-53;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static void checkFraction(String name, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1), got " + value);
        }
    }
}
