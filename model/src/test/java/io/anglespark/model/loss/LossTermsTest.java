package io.anglespark.model.loss;

import io.anglespark.prep.ExampleShape;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The terms the training curves report add up to the loss the layer optimises, for every shape, named as documented. */
class LossTermsTest {
    private static double total(AngleLossConfig c, INDArray x, INDArray y) {
        SameDiff sd = SameDiff.create();
        SDVariable xs = sd.placeHolder("x", DataType.FLOAT, -1, x.columns());
        SDVariable ys = sd.placeHolder("y", DataType.FLOAT, -1, 1);
        SDVariable t = AngleLoss.total(sd, xs, ys, c, x.columns());
        return sd.output(Map.of("x", x, "y", y), t.name()).get(t.name()).getDouble(0);
    }

    @Test
    void theTermsOfEachShapeAddUpToTheTotal() {
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.randn(DataType.FLOAT, 12, 8);
        INDArray y = Nd4j.createFromArray(new float[][]{{4.2f}, {4.2f}, {2f}, {2f}, {0.6f}, {0.6f}, {3f}, {3f}, {5f}, {5f}, {1f}, {1f}});
        record Case(AngleLossConfig config, List<String> names) {
        }
        for (Case k : List.of(new Case(AngleLossConfig.paper(ExampleShape.SCORED_PAIR, LabelScale.STS), List.of("cosine", "ibn", "angle")),
                new Case(AngleLossConfig.cosent(ExampleShape.SCORED_PAIR, LabelScale.STS), List.of("cosine")),
                new Case(AngleLossConfig.paper(ExampleShape.POSITIVE_PAIR, LabelScale.STS), List.of("contrastive")),
                new Case(AngleLossConfig.paper(ExampleShape.TRIPLET, LabelScale.STS), List.of("ibn", "cln", "angle", "cosine")))) {
            Map<String, Double> terms = new LossTerms(k.config(), 8).values(x, y);
            assertEquals(k.names(), List.copyOf(terms.keySet()), k.config().toString());
            double sum = terms.values().stream().mapToDouble(Double::doubleValue).sum();
            assertEquals(total(k.config(), x, y), sum, 1e-5 * Math.max(1, Math.abs(sum)), k.config() + " " + terms);
        }
    }
}
