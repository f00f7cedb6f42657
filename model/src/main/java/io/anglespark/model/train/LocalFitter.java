package io.anglespark.model.train;

import io.anglespark.model.batch.Batcher;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.util.List;

/** Fits the graph in this JVM, one minibatch a round: no copy of the model, no averaging. */
public final class LocalFitter implements Fitter {
    /** One minibatch and one step a round; minibatches as the batcher plans them (the last of an epoch may be short). */
    public static final Rounds ROUNDS = new Rounds(1, 1, false);

    private final ComputationGraph graph;
    private final Batcher batcher;

    public LocalFitter(ComputationGraph graph, Batcher batcher) {
        this.graph = graph;
        this.batcher = batcher;
    }

    /** The factory the loop takes. */
    public static Factory factory() {
        return new Factory() {
            @Override
            public Rounds rounds() {
                return ROUNDS;
            }

            @Override
            public Fitter create(ComputationGraph graph, Batcher batcher) {
                return new LocalFitter(graph, batcher);
            }
        };
    }

    @Override
    public double fit(List<int[]> minibatches) {
        double sum = 0;
        for (int[] b : minibatches) {
            graph.fit(batcher.toMultiDataSet(b));
            sum += graph.score();
        }
        return sum / minibatches.size();
    }

    @Override
    public String describe() {
        return "one JVM (the graph fitted in place: no broadcast, no averaging)";
    }
}
