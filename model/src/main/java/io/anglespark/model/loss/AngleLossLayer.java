package io.anglespark.model.loss;

import io.anglespark.prep.ExampleShape;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffOutputLayer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

import java.util.Collection;
import java.util.Map;
import java.util.Objects;

/**
 * The AnglE loss ({@link AngleLoss}) as a DL4J output layer on the pooled embeddings [rows, hidden], labels
 * [rows, 1] (format A: the pair's label on both rows; formats B and C: any value, unused). No parameters.
 *
 * <p><b>Forward output.</b> The layer's activations are its input ({@link #activationsVertexName()} is
 * {@code "input"}): {@code graph.output(...)} of a training graph returns the pooled embeddings, so the same graph
 * embeds texts for evaluation.
 *
 * <p><b>The optimised quantity.</b> DL4J divides an output layer's score by the minibatch rows
 * ({@code SameDiffOutputLayer.computeScore} returns {@code value / rows}), and its updater divides every gradient
 * by the minibatch rows before the learning rate, clipping and AdamW see it ({@code BaseMultiLayerUpdater.update},
 * {@code miniBatch(true)}, DL4J's default). The SameDiff value this layer defines is therefore the reference's
 * per-batch loss {@code L} (a mean over the batch's pairs or rows) <em>times the number of rows</em>: DL4J's score is
 * then exactly {@code L}, and the gradient the updater applies is exactly {@code dL/dθ}, the gradient the authors'
 * PyTorch code steps on. A learning rate means what it means there. {@link AngleLoss#total} builds {@code L} itself,
 * which the tests compare with the reference vectors.
 *
 * <p><b>The "factor 2" of a naive SameDiff output layer.</b> DL4J's {@code SameDiffOutputLayer} itself is
 * correct: its backward seeds the loss variable with 1 ({@code SameDiff.createGradFunction} sets the gradient
 * of each loss variable to a scalar {@code one-var}) and returns {@code dValue/dInput}; the score is
 * {@code value / rows} and {@code GradientCheckUtil} divides the analytic gradient by the same rows, so the
 * layer alone checks out ({@code AngleLossLayerTest}: DL4J's dense layer under this layer passes
 * {@code GradientCheckUtil} at 1e-5 relative error for formats A, B and C). The factor 2 measured with a naive output layer came from the layers <em>below</em> it: DL4J
 * 1.0.0-M2.1's {@code SameDiffLayer} and {@code SameDiffGraphVertex} feed the epsilon arriving from above through
 * an {@code ExternalErrorsFunction} whose {@code doDiff} both registers the epsilon as the output's gradient
 * and returns it as a contribution, and SameDiff sums the two: every gradient below doubles (each further such
 * layer doubles again), and the second backward pass of such vertices read garbage reduction axes. The encoder's
 * vertices are not computed by SameDiff ({@code TransformerBlock}, {@code EmbeddingBlock}, {@code PoolingBlock}
 * write their backward passes by hand), so neither applies; DL4J's own {@code GradientCheckUtil} passes on a
 * whole encoder ending in this layer ({@code AngleLossGradientCheckTest}).
 * One trap of a naive layer is avoided here: it must call {@code setLossVariables} on exactly the value it returns
 * (the DL4J notes: training fails with "No loss variables" otherwise).
 *
 * <p>Configuration fields carry the shaded {@code @JsonProperty} so that DL4J's Jackson mapper writes them (the
 * graph configuration travels in checkpoints and to Spark executors); the SameDiff graph is built lazily by DL4J
 * on the first forward or backward pass, never held by this configuration object.
 */
public class AngleLossLayer extends SameDiffOutputLayer {
    @JsonProperty
    private ExampleShape format;
    @JsonProperty
    private double cosineWeight;
    @JsonProperty
    private double ibnWeight;
    @JsonProperty
    private double clnWeight;
    @JsonProperty
    private double angleWeight;
    @JsonProperty
    private double cosineTau;
    @JsonProperty
    private double ibnTau;
    @JsonProperty
    private double angleTau;
    /** null in configurations written before the rule was a choice: the threshold rule, as then. */
    @JsonProperty
    private AngleLossConfig.IbnPositives ibnPositives;
    @JsonProperty
    private double positiveThreshold;
    @JsonProperty
    private double labelMin;
    @JsonProperty
    private double labelMax;
    @JsonProperty
    private boolean labelBinary;
    /** The embedding size (0 until known from the input type; the loss reads it from the input itself). */
    @JsonProperty
    private long nIn;

    /** For JSON. */
    public AngleLossLayer() {
    }

    public AngleLossLayer(AngleLossConfig c) {
        this(c, 0);
    }

    /** @param nIn the embedding size, for {@link #getOutputType} (0: taken from the input type when the graph is built) */
    public AngleLossLayer(AngleLossConfig c, long nIn) {
        Objects.requireNonNull(c, "config");
        this.format = c.format();
        this.cosineWeight = c.cosineWeight();
        this.ibnWeight = c.ibnWeight();
        this.clnWeight = c.clnWeight();
        this.angleWeight = c.angleWeight();
        this.cosineTau = c.cosineTau();
        this.ibnTau = c.ibnTau();
        this.angleTau = c.angleTau();
        this.ibnPositives = c.ibnPositives();
        this.positiveThreshold = c.positiveThreshold();
        this.labelMin = c.labelScale().min();
        this.labelMax = c.labelScale().max();
        this.labelBinary = c.labelScale().binary();
        this.nIn = nIn;
    }

    /** The loss configuration (validated again). */
    public AngleLossConfig config() {
        return new AngleLossConfig(format, cosineWeight, ibnWeight, clnWeight, angleWeight, cosineTau, ibnTau, angleTau,
                ibnPositives == null ? AngleLossConfig.IbnPositives.THRESHOLD : ibnPositives, positiveThreshold, new LabelScale(labelMin, labelMax, labelBinary));
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable input, SDVariable labels, Map<String, SDVariable> params) {
        // SameDiff prints a line per op when it differentiates this graph, in every JVM that trains: keep it off the console
        SameDiffConsole.install();
        long dim = input.getShape()[1];
        SDVariable loss = AngleLoss.total(sd, input, labels, config(), dim);
        // x rows: DL4J divides the score and the gradients by the rows (see the class comment)
        SDVariable rows = sd.sizeAt(input, 0).castTo(input.dataType());
        SDVariable out = loss.mul("angle_loss_times_rows", rows);
        sd.setLossVariables(out);
        return out;
    }

    @Override
    public String activationsVertexName() {
        return org.deeplearning4j.nn.layers.samediff.SameDiffOutputLayer.INPUT_KEY;
    }

    @Override
    public void defineParameters(SDLayerParams params) {
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        if (inputType instanceof InputType.InputTypeFeedForward ff && (nIn <= 0 || override)) {
            nIn = ff.getSize();
        }
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return nIn > 0 ? InputType.feedForward(nIn) : inputType;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex, INDArray paramsView,
                             boolean initializeParams, DataType networkDataType) {
        AngleLossOutputLayer ret = new AngleLossOutputLayer(conf, networkDataType, config());
        ret.setIndex(layerIndex);
        ret.setParamsViewArray(paramsView);
        ret.setParamTable(initializer().init(conf, paramsView, initializeParams));
        ret.setConf(conf);
        return ret;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AngleLossLayer l && super.equals(o) && format == l.format && cosineWeight == l.cosineWeight
                && ibnWeight == l.ibnWeight && clnWeight == l.clnWeight && angleWeight == l.angleWeight && cosineTau == l.cosineTau
                && ibnTau == l.ibnTau && angleTau == l.angleTau && ibnPositives == l.ibnPositives && positiveThreshold == l.positiveThreshold && labelMin == l.labelMin
                && labelMax == l.labelMax && labelBinary == l.labelBinary && nIn == l.nIn;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), format, cosineWeight, ibnWeight, clnWeight, angleWeight, cosineTau, ibnTau, angleTau,
                ibnPositives, positiveThreshold, labelMin, labelMax, labelBinary, nIn);
    }
}
