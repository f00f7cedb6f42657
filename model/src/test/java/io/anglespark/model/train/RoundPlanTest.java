package io.anglespark.model.train;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RoundPlanTest {
    static List<int[]> batches(int n) {
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new int[]{2 * i, 2 * i + 1});
        }
        return out;
    }

    @Test
    void roundsGiveEachWorkerConsecutiveMinibatchesInPlanOrder() {
        List<int[]> b = batches(12);
        RoundPlan p = new RoundPlan(b, 2 * 3);
        assertEquals(6, p.batchesPerRound());
        assertEquals(2, p.rounds());
        assertEquals(0, p.repeatedBatches());
        List<int[]> r1 = p.round(1);
        for (int k = 0; k < 6; k++) {
            assertArrayEquals(b.get(6 + k), r1.get(k), "round 1 slot " + k + ": worker " + k / 3 + ", minibatch " + k % 3);
        }
    }

    @Test
    void aShortLastRoundIsCompletedWithTheEpochsFirstMinibatches() {
        List<int[]> b = batches(5);
        RoundPlan p = new RoundPlan(b, 2 * 2);
        assertEquals(2, p.rounds());
        assertEquals(3, p.repeatedBatches());
        List<int[]> last = p.round(1);
        assertSame(b.get(4), last.get(0));
        assertSame(b.get(0), last.get(1));
        assertSame(b.get(1), last.get(2));
        assertSame(b.get(2), last.get(3));
        // fewer minibatches than one round: they wrap around
        RoundPlan tiny = new RoundPlan(batches(1), 3);
        assertEquals(1, tiny.rounds());
        assertEquals(2, tiny.repeatedBatches());
        assertThrows(IndexOutOfBoundsException.class, () -> tiny.round(1));
    }
}
