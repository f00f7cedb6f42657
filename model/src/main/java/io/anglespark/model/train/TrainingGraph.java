package io.anglespark.model.train;

import io.anglespark.model.encoder.EncoderGraphFactory;
import io.anglespark.model.loss.AngleLossLayer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The graph a run trains: the encoder of {@link EncoderGraphFactory#graphBuilder} with an {@link AngleLossLayer} on
 * {@code pooled}, Adam on the run's warm-up + linear-decay schedule ({@link WarmupLinearSchedule}), decoupled weight
 * decay and per-vertex gradient clipping as {@link TrainConfig} says. Built from the run's own configuration, also
 * when a run resumes (the checkpoint gives weights, Adam's state and the step; never the graph's configuration).
 */
public final class TrainingGraph {
    private TrainingGraph() {
    }

    /** The training graph for {@code spec}, weights copied from it (or random from the seed), the schedule over {@code totalSteps}. */
    public static ComputationGraph build(TrainConfig config, ModelSpec spec, int totalSteps) {
        NeuralNetConfiguration.Builder base = EncoderGraphFactory.baseConfiguration(config.seed(), DataType.FLOAT)
                .updater(new Adam(schedule(config, totalSteps)));
        if (config.weightDecay() > 0) {
            base.weightDecay(config.weightDecay(), true);
        }
        if (config.clipNorm() > 0) {
            base.gradientNormalization(GradientNormalization.ClipL2PerLayer).gradientNormalizationThreshold(config.clipNorm());
        }
        ComputationGraphConfiguration.GraphBuilder b = EncoderGraphFactory.graphBuilder(spec.config(), spec.pooling(), base, spec.layerNormEps(),
                spec.maskBias());
        b.addLayer("loss", new AngleLossLayer(config.loss(), spec.config().hidden()), EncoderGraphFactory.POOLED);
        b.setOutputs("loss");
        ComputationGraph g = new ComputationGraph(b.build());
        g.init();
        if (spec.weights() != null) {
            EncoderGraphFactory.copyWeights(spec.weights(), g);
        }
        return g;
    }

    /** The learning rate at each step: linear warm-up (capped at the run's steps), then linear decay to 0 at {@code totalSteps}. */
    public static WarmupLinearSchedule schedule(TrainConfig config, int totalSteps) {
        return new WarmupLinearSchedule(config.learningRate(), Math.min(config.warmupSteps(), totalSteps), totalSteps);
    }
}
