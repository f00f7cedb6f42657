package io.anglespark.model.train;

import com.fasterxml.jackson.annotation.JsonAutoDetect;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a training run is, as its checkpoints record it (the one state both fitters share): the position in the
 * deterministic plan, the dev history and the best model so far, counters over all processes of the run. Mutable
 * while training; written as JSON ({@link Checkpoints}).
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public final class TrainingState {
    /** One dev evaluation: at {@code step}, after {@code epochs} whole epochs; the mean training loss since the previous one. */
    public record Evaluation(int step, int epochs, double spearman, Double meanLoss) {
    }

    /** The settings and data a resumed run must share with the checkpoint (see {@link TrainingLoop}). */
    String identity;
    /** Updates each replica made so far: the learning-rate schedule's clock, and the graph's iteration count. */
    int step;
    /** The next round to fit: round {@code round} of epoch {@code epoch} (both 0-based). */
    int epoch;
    int round;
    /** The best dev Spearman so far and where; null without a dev evaluation yet. */
    Double best;
    int bestStep = -1;
    /** Dev evaluations since the best one: early stopping counts these. */
    int evaluationsSinceBest;
    /** The run is over: its plan is done, or early stopping ended it. A resume of a finished run trains nothing. */
    boolean finished;
    boolean stoppedEarly;
    List<Evaluation> history = new ArrayList<>();
    /** Loss summed over the rounds since the last evaluation (a round's mean minibatch loss each). */
    double lossSum;
    int lossRounds;
    /** Examples fitted (repeats included) and seconds spent fitting, over all processes of the run. */
    long examples;
    double trainSeconds;

    public int step() {
        return step;
    }

    public List<Evaluation> history() {
        return List.copyOf(history);
    }

    /** The dev Spearman before any update (NaN without one). */
    public double initialSpearman() {
        return history.isEmpty() || history.get(0).step() != 0 ? Double.NaN : history.get(0).spearman();
    }

    public double best() {
        return best == null ? Double.NaN : best;
    }

    public int bestStep() {
        return bestStep;
    }

    public boolean finished() {
        return finished;
    }

    public boolean stoppedEarly() {
        return stoppedEarly;
    }

    public long examples() {
        return examples;
    }

    public double trainSeconds() {
        return trainSeconds;
    }

    /** Whether the kept model is better on dev than the start (false without a dev set or when nothing beat the start). */
    public boolean improved() {
        return best != null && bestStep > 0 && !history.isEmpty() && history.get(0).step() == 0 && best > history.get(0).spearman();
    }
}
