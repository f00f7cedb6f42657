package io.anglespark.model.train;

import java.util.ArrayList;
import java.util.List;

/**
 * One epoch's minibatches cut into the rounds of a {@link Fitter} (pure). With parameter averaging a round is
 * {@code workers x averagingFrequency} minibatches: worker {@code w} fits minibatches {@code w * f .. w * f + f - 1} of
 * the round, in that order, then the parameters are averaged; in one JVM a round is one minibatch. The epoch's last
 * round, when the minibatches do not fill it, is completed with the epoch's first minibatches (seen twice in the
 * epoch, counted by {@link #repeatedBatches}), so that every round is whole: DL4J advances the driver's iteration
 * count by {@code averagingFrequency} per round whatever the workers fitted, and a whole round keeps that count
 * equal to the updates each worker made.
 *
 * @param batches         the epoch's minibatches (example indices)
 * @param batchesPerRound minibatches in a round
 */
public record RoundPlan(List<int[]> batches, int batchesPerRound) {
    public RoundPlan {
        if (batches.isEmpty()) {
            throw new IllegalArgumentException("an epoch needs at least one minibatch");
        }
        if (batchesPerRound < 1) {
            throw new IllegalArgumentException("batchesPerRound must be >= 1, got " + batchesPerRound);
        }
        batches = List.copyOf(batches);
    }

    public int rounds() {
        return (batches.size() + batchesPerRound() - 1) / batchesPerRound();
    }

    /** Minibatches fitted twice in this epoch to complete its last round. */
    public int repeatedBatches() {
        return rounds() * batchesPerRound() - batches.size();
    }

    /** Round {@code r}'s minibatches, in order (with parameter averaging: worker by worker, {@code averagingFrequency} consecutive ones each). */
    public List<int[]> round(int r) {
        if (r < 0 || r >= rounds()) {
            throw new IndexOutOfBoundsException("round " + r + " of " + rounds());
        }
        List<int[]> out = new ArrayList<>(batchesPerRound());
        for (int k = 0; k < batchesPerRound(); k++) {
            out.add(batches.get((r * batchesPerRound() + k) % batches.size()));
        }
        return out;
    }
}
