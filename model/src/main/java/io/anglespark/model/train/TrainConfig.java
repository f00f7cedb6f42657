package io.anglespark.model.train;

import io.anglespark.model.loss.AngleLossConfig;

import java.io.Serializable;
import java.util.Objects;

/**
 * Hyper-parameters of a training run; validated when built, a bad value fails naming the field.
 *
 * @param loss             the AnglE objective (format, weights, temperatures, positive rule)
 * @param examplesPerBatch pairs (formats A, B) or triplets (C) per step
 * @param maxLength        tokens per text including [CLS] and [SEP]
 * @param epochs           passes over the training examples
 * @param maxSteps         cap on parameter updates (0: none); the schedule decays to 0 at the last update
 * @param learningRate     peak learning rate of Adam
 * @param warmupSteps      linear warm-up updates ({@link WarmupLinearSchedule}); capped at the run's total
 * @param weightDecay      decoupled weight decay (AdamW): {@code lr * weightDecay * w} subtracted from each weight
 *                         after Adam's update (DL4J's {@code WeightDecay(coeff, applyLR = true)}, post-updater);
 *                         biases are not decayed. 0: plain Adam (the authors' trainer default)
 * @param clipNorm         gradient clipping threshold (0: none): DL4J's {@code ClipL2PerLayer}, the gradient of each
 *                         vertex (all its parameters together: the embeddings, each transformer layer) rescaled to
 *                         at most this L2 norm, on the gradient of the per-batch loss. DL4J has no clipping by the
 *                         norm of the whole model's gradient (PyTorch's {@code clip_grad_norm_}); per vertex is the
 *                         closest it offers.
 * @param evalEverySteps   dev evaluation every that many updates (0: only at each epoch's end and the run's end)
 * @param patience         early stopping: stop when this many dev evaluations in a row did not beat the best (0: never)
 * @param logEverySteps    progress line every that many updates
 * @param seed             parameter initialisation (random models), batch order; two runs with one seed are equal
 */
public record TrainConfig(AngleLossConfig loss, int examplesPerBatch, int maxLength, int epochs, int maxSteps, double learningRate,
                          int warmupSteps, double weightDecay, double clipNorm, int evalEverySteps, int patience, int logEverySteps, long seed)
        implements Serializable {
    public TrainConfig {
        Objects.requireNonNull(loss, "loss");
        positive("examplesPerBatch", examplesPerBatch);
        if (maxLength < 2) {
            throw new IllegalArgumentException("maxLength must be >= 2 (room for [CLS] and [SEP]), got " + maxLength);
        }
        positive("epochs", epochs);
        nonNegative("maxSteps", maxSteps);
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be > 0, got " + learningRate);
        }
        nonNegative("warmupSteps", warmupSteps);
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
            throw new IllegalArgumentException("weightDecay must be >= 0, got " + weightDecay);
        }
        if (!(clipNorm >= 0) || !Double.isFinite(clipNorm)) {
            throw new IllegalArgumentException("clipNorm must be >= 0, got " + clipNorm);
        }
        nonNegative("evalEverySteps", evalEverySteps);
        nonNegative("patience", patience);
        positive("logEverySteps", logEverySteps);
    }

    /**
     * Learning rate 2e-5, no weight decay and clipping at 1.0 (Hugging Face Trainer's defaults for the last two;
     * angle_emb trains through it), 32 examples per step, max length 128, 1 epoch, 18 warm-up steps (10% of an epoch
     * of STS-B train in batches of 32), evaluation every 100 updates without early stopping, a metrics line every 10
     * updates, seed 42.
     */
    public static TrainConfig defaults(AngleLossConfig loss) {
        return new TrainConfig(loss, 32, 128, 1, 0, 2e-5, 18, 0.0, 1.0, 100, 0, 10, 42);
    }

    public TrainConfig withSteps(int epochs, int maxSteps, int warmupSteps) {
        return new TrainConfig(loss, examplesPerBatch, maxLength, epochs, maxSteps, learningRate, warmupSteps, weightDecay, clipNorm,
                evalEverySteps, patience, logEverySteps, seed);
    }

    public TrainConfig withBatch(int examplesPerBatch, int maxLength) {
        return new TrainConfig(loss, examplesPerBatch, maxLength, epochs, maxSteps, learningRate, warmupSteps, weightDecay, clipNorm,
                evalEverySteps, patience, logEverySteps, seed);
    }

    public TrainConfig withOptimizer(double learningRate, double weightDecay, double clipNorm) {
        return new TrainConfig(loss, examplesPerBatch, maxLength, epochs, maxSteps, learningRate, warmupSteps, weightDecay, clipNorm,
                evalEverySteps, patience, logEverySteps, seed);
    }

    public TrainConfig withEvaluation(int evalEverySteps, int patience, int logEverySteps) {
        return new TrainConfig(loss, examplesPerBatch, maxLength, epochs, maxSteps, learningRate, warmupSteps, weightDecay, clipNorm,
                evalEverySteps, patience, logEverySteps, seed);
    }

    public TrainConfig withSeed(long seed) {
        return new TrainConfig(loss, examplesPerBatch, maxLength, epochs, maxSteps, learningRate, warmupSteps, weightDecay, clipNorm,
                evalEverySteps, patience, logEverySteps, seed);
    }

    private static void positive(String name, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, got " + v);
        }
    }

    private static void nonNegative(String name, int v) {
        if (v < 0) {
            throw new IllegalArgumentException(name + " must be >= 0, got " + v);
        }
    }
}
