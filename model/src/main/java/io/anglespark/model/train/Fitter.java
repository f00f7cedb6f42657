package io.anglespark.model.train;

import io.anglespark.model.batch.Batcher;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.util.List;

/**
 * What fits the training graph on a round of minibatches, for {@link TrainingLoop}: in this JVM ({@link LocalFitter}),
 * or on Spark with parameter averaging (the training job's). After a round, the graph the loop holds has the round's
 * result and its iteration count has advanced by {@link Rounds#steps()}.
 */
public interface Fitter extends AutoCloseable {
    /**
     * The shape of a round: {@code minibatches} minibatches, advancing the learning-rate schedule by {@code steps} (the
     * updates each model replica makes); {@code even}: every minibatch must hold exactly the batch size.
     */
    record Rounds(int minibatches, int steps, boolean even) {
        public Rounds {
            if (minibatches < 1 || steps < 1) {
                throw new IllegalArgumentException("a round needs >= 1 minibatch and >= 1 step, got " + minibatches + ", " + steps);
            }
        }

        @Override
        public String toString() {
            return minibatches + " minibatch(es), " + steps + " step(s)" + (even ? ", full minibatches" : "");
        }
    }

    /** Makes the fitter of a run, once its graph exists; tells the loop its round shape before (the plan depends on it). */
    interface Factory {
        Rounds rounds();

        Fitter create(ComputationGraph graph, Batcher batcher);
    }

    /**
     * Fits one round: {@code minibatches} (example indices into the batcher's examples), in order. Returns the round's
     * loss (the mean of its minibatches' losses as DL4J scores them).
     */
    double fit(List<int[]> minibatches);

    /** What fits the graph, for logs and {@code _run.json}. */
    String describe();

    @Override
    default void close() {
    }
}
