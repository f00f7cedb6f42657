package io.anglespark.model;

import org.junit.jupiter.api.Test;

import java.io.InputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PretrainedModelTest {

    @Test
    void eachRegisteredModelFindsItsOnnxFileAndTokenizerOnTheClassPath() throws Exception {
        for (PretrainedModel m : PretrainedModel.all()) {
            try (InputStream onnx = m.openOnnx(); InputStream tok = m.openTokenizer()) {
                assertTrue(onnx.read() >= 0, m.name());
                assertTrue(tok.read() == '{', m.name());
            }
        }
    }

    @Test
    void defaultPoolingAndPrefixesAreTheModelsOwn() {
        assertEquals(Pooling.MEAN, PretrainedModel.byName("minilm-l6-v2").pooling());
        assertEquals(Pooling.CLS, PretrainedModel.byName("BGE-small-en-v1.5").pooling());
        assertEquals("query: ", PretrainedModel.byName("e5-small-v2").queryPrefix());
        assertEquals("", PretrainedModel.byName("bge-small-en-v1.5").queryPrefix());
    }

    @Test
    void parameterCountsMatchThePublishedSizes() {
        // SOURCES.md: MiniLM-L6 22.6M, bge-small and e5-small 33.2M parameters.
        BertConfig six = PretrainedModel.MINILM_L6_V2.config();
        BertConfig twelve = PretrainedModel.BGE_SMALL_EN_V15.config();
        assertEquals(22.6e6, six.embeddingParameters() + six.nonEmbeddingParameters(), 0.05e6);
        assertEquals(33.2e6, twelve.embeddingParameters() + twelve.nonEmbeddingParameters(), 0.05e6);
    }

    @Test
    void anUnknownNameListsTheKnownOnes() {
        String m = assertThrows(IllegalArgumentException.class, () -> PretrainedModel.byName("bert-large")).getMessage();
        assertTrue(m.contains("bert-large") && m.contains("minilm-l6-v2") && m.contains("e5-small-v2"), m);
        assertThrows(IllegalArgumentException.class, () -> Pooling.parse("median"));
        assertEquals(Pooling.CLS_AVG, Pooling.parse("cls_avg"));
    }
}
