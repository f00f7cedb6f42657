package io.anglespark.model.onnx;

import io.anglespark.model.BertConfig;
import io.anglespark.model.onnx.OnnxModel.Node;
import io.anglespark.model.onnx.OnnxModel.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BertWeightsTest {

    @ParameterizedTest
    @ValueSource(strings = {"minilm-l6-v2", "bge-small-en-v1.5", "e5-small-v2"})
    void mapsEveryLayerAndHoldsExactlyTheConfiguredParameterCountWithNoExtras(String name) {
        ExportedModels.Loaded loaded = ExportedModels.get(name);
        BertConfig c = loaded.spec().config();
        BertWeights w = BertWeights.from(loaded.model(), c);
        assertEquals(c.layers(), w.layers().size());
        // No pooler or other extra weights in these exports: every float initializer is one of these parameters.
        assertEquals(c.embeddingParameters() + c.nonEmbeddingParameters(), w.parameterCount());
        assertEquals(5 + 16 * c.layers(), w.sources().size());
        assertEquals(c.layerNormEps(), w.layerNormEps(), 1e-7 * c.layerNormEps()); // 1e-12 as a float32 constant
        assertEquals(-Float.MAX_VALUE, w.maskBias());
        BertWeights.Layer last = w.layers().get(c.layers() - 1);
        assertEquals(c.hidden() * c.intermediate(), last.ffnInW().length);
        assertEquals(c.intermediate(), last.ffnInB().length);
        assertSame(loaded.model().initializer(w.sources().get("layer." + (c.layers() - 1) + ".ffnOutW")).floats(), last.ffnOutW());
    }

    /**
     * The walk never reads initializer or node names; the exporter's names (HF module paths on biases, layer
     * norms and MatMul nodes) are an independent oracle that the structural mapping is right.
     */
    @ParameterizedTest
    @ValueSource(strings = {"minilm-l6-v2", "bge-small-en-v1.5", "e5-small-v2"})
    void theStructuralMappingAgreesWithTheExportersOwnNames(String name) {
        ExportedModels.Loaded loaded = ExportedModels.get(name);
        OnnxModel m = loaded.model();
        BertWeights w = BertWeights.from(m, loaded.spec().config());
        Map<String, String> s = w.sources();
        assertEquals("embeddings.word_embeddings.weight", s.get("embeddings.word"));
        assertEquals("embeddings.position_embeddings.weight", s.get("embeddings.position"));
        assertEquals("embeddings.token_type_embeddings.weight", s.get("embeddings.tokenType"));
        assertEquals("embeddings.LayerNorm.weight", s.get("embeddings.lnGamma"));
        assertEquals("embeddings.LayerNorm.bias", s.get("embeddings.lnBeta"));
        Map<String, String> modules = new LinkedHashMap<>();
        modules.put("q", "attention/self/query");
        modules.put("k", "attention/self/key");
        modules.put("v", "attention/self/value");
        modules.put("attnOut", "attention/output/dense");
        modules.put("ffnIn", "intermediate/dense");
        modules.put("ffnOut", "output/dense");
        int anonymous = 0;
        for (int i = 0; i < w.layers().size(); i++) {
            String p = "layer." + i + ".";
            String hf = "encoder.layer." + i + ".";
            for (Map.Entry<String, String> e : modules.entrySet()) {
                assertEquals(hf + e.getValue().replace('/', '.') + ".bias", s.get(p + e.getKey() + "B"));
                String weight = s.get(p + e.getKey() + "W");
                anonymous += weight.startsWith("onnx::MatMul_") ? 1 : 0;
                List<String> users = m.nodes().stream().filter(n -> n.inputs().contains(weight)).map(Node::name).toList();
                assertEquals(List.of("/encoder/layer." + i + "/" + e.getValue() + "/MatMul"), users, p + e.getKey() + "W = " + weight);
            }
            assertEquals(hf + "attention.output.LayerNorm.weight", s.get(p + "ln1Gamma"));
            assertEquals(hf + "attention.output.LayerNorm.bias", s.get(p + "ln1Beta"));
            assertEquals(hf + "output.LayerNorm.weight", s.get(p + "ln2Gamma"));
            assertEquals(hf + "output.LayerNorm.bias", s.get(p + "ln2Beta"));
        }
        assertEquals(6 * w.layers().size(), anonymous, "these exports name every MatMul weight anonymously");
    }

    private static String refusal(OnnxModel m, BertConfig c) {
        return assertThrows(IllegalArgumentException.class, () -> BertWeights.from(m, c)).getMessage();
    }

    private static OnnxModel withInitializers(OnnxModel m, Consumer<Map<String, Tensor>> edit) {
        Map<String, Tensor> inits = new LinkedHashMap<>(m.initializers());
        edit.accept(inits);
        return new OnnxModel(m.producer(), m.opset(), m.graphName(), m.nodes(), inits, m.inputs(), m.outputs());
    }

    @Test
    void aMissingAnonymousWeightOrBiasIsNamedInTheError() {
        ExportedModels.Loaded loaded = ExportedModels.get("minilm-l6-v2");
        OnnxModel m = loaded.model();
        BertConfig c = loaded.spec().config();
        Map<String, String> s = BertWeights.from(m, c).sources();
        for (String param : List.of("layer.2.vW", "layer.4.ffnOutW", "layer.0.qB", "layer.5.ln2Gamma", "embeddings.word")) {
            String init = s.get(param);
            String msg = refusal(withInitializers(m, inits -> inits.remove(init)), c);
            assertTrue(msg.contains(param) && msg.contains("'" + init + "' is not an initializer"), msg);
        }
    }

    @Test
    void anExtraInitializerSuchAsAPoolerIsRefusedNotIgnored() {
        ExportedModels.Loaded loaded = ExportedModels.get("minilm-l6-v2");
        int h = loaded.spec().config().hidden();
        OnnxModel m = withInitializers(loaded.model(), inits -> inits.put("pooler.dense.weight",
                new Tensor("pooler.dense.weight", new long[]{h, h}, OnnxModel.FLOAT, new float[h * h], null)));
        String msg = refusal(m, loaded.spec().config());
        assertTrue(msg.contains("not mapped") && msg.contains("pooler.dense.weight"), msg);
    }

    @Test
    void aConfigThatDisagreesWithTheGraphIsRefusedNamingWhereItDiverged() {
        ExportedModels.Loaded loaded = ExportedModels.get("minilm-l6-v2");
        OnnxModel m = loaded.model();
        BertConfig c = loaded.spec().config();
        String tooFew = refusal(m, new BertConfig(5, 384, 12, 1536, 30522, 512, 2, 1e-12));
        assertTrue(tooFew.contains("after 5 layers") && tooFew.contains("not a graph output"), tooFew);
        String tooMany = refusal(m, new BertConfig(7, 384, 12, 1536, 30522, 512, 2, 1e-12));
        assertTrue(tooMany.contains("layer 6 (input 'last_hidden_state')") && tooMany.contains("Q, K and V"), tooMany);
        String ffn = refusal(m, new BertConfig(6, 384, 12, 1024, 30522, 512, 2, 1e-12));
        String w = BertWeights.from(m, c).sources().get("layer.0.ffnInW");
        assertTrue(ffn.contains("layer.0.ffnInW") && ffn.contains(w) && ffn.contains("[384, 1536]") && ffn.contains("[384, 1024]"), ffn);
        String heads = refusal(m, new BertConfig(6, 384, 6, 1536, 30522, 512, 2, 1e-12));
        assertTrue(heads.contains("splits into") && heads.contains("6, 64"), heads);
    }
}
