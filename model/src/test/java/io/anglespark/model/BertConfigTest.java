package io.anglespark.model;

import io.anglespark.model.encoder.EncoderGraphFactory;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link BertConfig#parameters()} is the length of the encoder graph's parameter vector (what an artifact's
 * {@code coefficients.bin} must hold), and a size beyond its bound is refused naming the size and the bound.
 */
class BertConfigTest {
    @Test
    void theParameterCountIsTheEncoderGraphsForMiniLmL6AndBgeSmall() {
        assertEquals(22_565_376L, PretrainedModel.MINILM_L6_V2.config().parameters());
        assertEquals(33_212_160L, PretrainedModel.BGE_SMALL_EN_V15.config().parameters());
        for (PretrainedModel m : new PretrainedModel[]{PretrainedModel.MINILM_L6_V2, PretrainedModel.BGE_SMALL_EN_V15}) {
            // params(), not numParams(): DL4J's numParams() counts only its own layers (the word embeddings), not our vertices
            assertEquals(m.config().parameters(), EncoderGraphFactory.build(m.config(), Pooling.MEAN, 1).params().length(), m.name());
        }
    }

    @Test
    void aSizeBeyondItsBoundIsRefusedNamingItAndTheBound() {
        String m = assertThrows(IllegalArgumentException.class, () -> new BertConfig(1, 16, 2, 32, 1 << 21, 64, 2, 1e-12)).getMessage();
        assertEquals("vocab 2097152 is above the limit of " + BertConfig.MAX_VOCAB, m);
        m = assertThrows(IllegalArgumentException.class, () -> new BertConfig(128, 8192, 64, 32768, 30522, 512, 2, 1e-12)).getMessage();
        assertTrue(m.contains("parameters, above the limit of " + BertConfig.MAX_PARAMETERS), m);
        m = assertThrows(IllegalArgumentException.class, () -> new BertConfig(0, 16, 2, 32, 30522, 64, 2, 1e-12)).getMessage();
        assertTrue(m.contains("layers 0, hidden 16"), "the message shows the values: " + m);
    }
}
