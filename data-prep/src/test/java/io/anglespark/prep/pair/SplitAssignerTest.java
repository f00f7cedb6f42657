package io.anglespark.prep.pair;

import static io.anglespark.prep.JavaSerialization.roundTrip;
import io.anglespark.prep.Split;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SplitAssignerTest {

    private static final int N = 100_000;

    /**
     * Computed independently with python3: {@code h = hashlib.sha256((str(seed) + "\0" + key).encode()).digest();
     * u = (int.from_bytes(h[:8], "big") >> 11) * 2**-53}.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "42|stsb:train:1|0.7042398230466922",
            "42|''|0.877164983515466",
            "-7|日本語 key|0.8791245762383844",
            "0|abc|0.34593190300956567"})
    void positionIsTheDocumentedSha256Fraction(long seed, String key, double expected) {
        assertEquals(expected, new SplitAssigner(seed, 0.1, 0.1).position(key), 0.0);
    }

    @Test
    void assignmentFollowsThePositionThresholds() {
        SplitAssigner a = new SplitAssigner(0, 0.2, 0.4); // u("abc") = 0.3459...: below test 0.4
        assertEquals(Split.TEST, a.assign("abc"));
        assertEquals(Split.DEV, new SplitAssigner(0, 0.2, 0.3).assign("abc")); // 0.3 <= u < 0.5
        assertEquals(Split.TRAIN, new SplitAssigner(0, 0.04, 0.3).assign("abc")); // u >= 0.34
        assertEquals(Split.TRAIN, new SplitAssigner(0, 0, 0).assign("abc"));
    }

    @Test
    void sameSeedAndKeyGiveTheSameSplitEveryTimeAndOnEveryThread() {
        SplitAssigner a = new SplitAssigner(2024, 0.1, 0.2);
        SplitAssigner b = new SplitAssigner(2024, 0.1, 0.2);
        List<Split> sequential = IntStream.range(0, 20_000).mapToObj(i -> a.assign("key-" + i)).toList();
        List<Split> parallel = IntStream.range(0, 20_000).parallel().mapToObj(i -> b.assign("key-" + i)).toList();
        assertEquals(sequential, parallel);
    }

    @Test
    void fractionsHoldOnAHundredThousandKeys() {
        SplitAssigner a = new SplitAssigner(7, 0.1, 0.2);
        Map<Split, Integer> counts = new EnumMap<>(Split.class);
        for (int i = 0; i < N; i++) {
            counts.merge(a.assign("stsb:train:" + i), 1, Integer::sum);
        }
        // binomial standard deviation at p = 0.2 is 0.0013 of N: 0.005 is almost 4 of them
        assertEquals(0.2, counts.get(Split.TEST) / (double) N, 0.005);
        assertEquals(0.1, counts.get(Split.DEV) / (double) N, 0.005);
        assertEquals(0.7, counts.get(Split.TRAIN) / (double) N, 0.005);
    }

    @Test
    void differentSeedsGiveDifferentAssignments() {
        SplitAssigner a = new SplitAssigner(1, 0.1, 0.2);
        SplitAssigner b = new SplitAssigner(2, 0.1, 0.2);
        long differ = IntStream.range(0, N).filter(i -> a.assign("k" + i) != b.assign("k" + i)).count();
        // independent draws differ with probability 1 - (0.7^2 + 0.1^2 + 0.2^2) = 0.46
        assertEquals(0.46, differ / (double) N, 0.01);
    }

    @Test
    void invalidFractionsAreRefusedNamingTheField() {
        IllegalArgumentException dev = assertThrows(IllegalArgumentException.class, () -> new SplitAssigner(1, -0.1, 0.1));
        assertEquals("devFraction must be in [0, 1), got -0.1", dev.getMessage());
        IllegalArgumentException test = assertThrows(IllegalArgumentException.class, () -> new SplitAssigner(1, 0.1, 1.0));
        assertEquals("testFraction must be in [0, 1), got 1.0", test.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SplitAssigner(1, Double.NaN, 0.1));
        IllegalArgumentException sum = assertThrows(IllegalArgumentException.class, () -> new SplitAssigner(1, 0.5, 0.5));
        assertTrue(sum.getMessage().startsWith("devFraction + testFraction must be < 1"), sum.getMessage());
    }

    @Test
    void assignerSurvivesJavaSerialization() throws Exception {
        SplitAssigner a = new SplitAssigner(99, 0.15, 0.05);
        SplitAssigner copy = roundTrip(a);
        assertEquals(a, copy);
        assertEquals(a.assign("x"), copy.assign("x"));
    }
}
