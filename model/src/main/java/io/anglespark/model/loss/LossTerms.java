package io.anglespark.model.loss;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The value of each term of the AnglE objective ({@link AngleLoss#terms}: weighted, as summed into the loss) on one
 * batch's pooled embeddings and labels, for training curves. A SameDiff graph of its own (no gradient), built once.
 * Not thread-safe.
 */
public final class LossTerms {
    private final SameDiff sd = SameDiff.create();
    private final List<String> names = new ArrayList<>();
    private final List<String> outputs = new ArrayList<>();

    public LossTerms(AngleLossConfig config, long dim) {
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, dim);
        SDVariable y = sd.placeHolder("y", DataType.FLOAT, -1, 1);
        for (Map.Entry<String, SDVariable> t : AngleLoss.terms(sd, x, y, config, dim).entrySet()) {
            names.add(t.getKey());
            outputs.add(t.getValue().name());
        }
    }

    /** Each term's value, by name, in summation order, on embeddings [rows, dim] and labels [rows, 1]. */
    public Map<String, Double> values(INDArray embeddings, INDArray labels) {
        Map<String, INDArray> out = sd.output(Map.of("x", embeddings.castTo(DataType.FLOAT), "y", labels.castTo(DataType.FLOAT)),
                outputs.toArray(String[]::new));
        Map<String, Double> values = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            values.put(names.get(i), out.get(outputs.get(i)).getDouble(0));
        }
        return values;
    }
}
