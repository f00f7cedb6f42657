package io.anglespark.model.train;

import io.anglespark.model.Pooling;
import io.anglespark.model.PretrainedModel;
import io.anglespark.model.encoder.Encoder;
import io.anglespark.model.loss.AngleLossConfig;
import io.anglespark.model.loss.LabelScale;
import io.anglespark.prep.ExampleShape;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link ModelSpec#firstLayers} keeps MiniLM's embeddings and first layer (a graph built from it embeds like the full
 * model's first block would); {@link ModelSpec#fromEncoder} gives back the weights, epsilon and mask bias a graph was
 * built with (the warm start of the Spark job).
 */
class ModelSpecTest {
    @Test
    void firstLayersKeepsThePretrainedWeightsOfTheKeptLayersAndFromEncoderReadsThemBack() {
        ModelSpec full = ModelSpec.pretrained(PretrainedModel.MINILM_L6_V2, null);
        ModelSpec one = full.firstLayers(1);
        assertEquals(1, one.config().layers());
        assertEquals(1, one.weights().layers().size());
        assertSame(full.weights().layers().get(0), one.weights().layers().get(0));
        assertSame(full, full.firstLayers(6), "all layers: the same spec");
        assertThrows(IllegalArgumentException.class, () -> full.firstLayers(0));

        TrainConfig tc = TrainConfig.defaults(AngleLossConfig.cosent(ExampleShape.SCORED_PAIR, LabelScale.STS));
        ComputationGraph g = TrainingGraph.build(tc, one, 10);
        Encoder e = new Encoder(one.name(), one.config(), Pooling.MEAN, 32, g, one.tokenizerJson());
        ModelSpec back = ModelSpec.fromEncoder(e);
        assertEquals(one.config(), back.config());
        assertEquals(one.layerNormEps(), back.layerNormEps());
        assertEquals(one.maskBias(), back.maskBias());
        assertArrayEquals(one.weights().layers().get(0).ffnInW(), back.weights().layers().get(0).ffnInW());
        assertArrayEquals(one.weights().wordEmbeddings(), back.weights().wordEmbeddings());
        float[][] a = e.embed(List.of("a dog runs"));
        float[][] b = new Encoder(back.name(), back.config(), Pooling.MEAN, 32, TrainingGraph.build(tc, back, 10), back.tokenizerJson())
                .embed(List.of("a dog runs"));
        assertArrayEquals(a[0], b[0], 1e-6f, "a graph rebuilt from the read-back spec embeds the same");
    }
}
