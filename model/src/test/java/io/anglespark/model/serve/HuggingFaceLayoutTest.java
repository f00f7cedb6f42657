package io.anglespark.model.serve;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.OnnxEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import io.anglespark.model.BertConfig;
import io.anglespark.model.Pooling;
import io.anglespark.model.PretrainedModel;
import io.anglespark.model.encoder.Encoder;
import io.anglespark.model.tokenize.WordPieceTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An export in the Hugging Face layout loads where other tools load such folders, with our vectors: LangChain4j's
 * {@code OnnxEmbeddingModel} (its own tokenizer, ONNX Runtime session and pooling) on {@code onnx/model.onnx} and
 * {@code tokenizer.json}, and DJL's Hugging Face tokenizer on the folder; each JSON file has the fields its loader reads
 * (transformers' {@code BertConfig} and {@code BertTokenizer}, sentence-transformers' modules, {@code Pooling} and
 * {@code sentence_bert_config.json}), with the values of the model exported.
 */
class HuggingFaceLayoutTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_LENGTH = 512;

    /** sentence-transformers' Pooling module configuration keys (models/Pooling.py, config_keys). */
    private static final Set<String> POOLING_KEYS = Set.of("word_embedding_dimension", "pooling_mode_cls_token", "pooling_mode_mean_tokens",
            "pooling_mode_max_tokens", "pooling_mode_mean_sqrt_len_tokens", "pooling_mode_weightedmean_tokens", "pooling_mode_lasttoken",
            "include_prompt");

    static Path export(PretrainedModel m, Path dir) throws IOException {
        Encoder enc = Encoder.pretrained(m, m.pooling(), MAX_LENGTH);
        byte[] source;
        try (InputStream in = m.openOnnx()) {
            source = in.readAllBytes();
        }
        OnnxExporter.Exported ex = OnnxExporter.export(enc, source);
        HuggingFaceLayout.Card card = new HuggingFaceLayout.Card(m.name(), m.upstream(), m.licence(), null, null, Map.of(), m.queryPrefix());
        for (Map.Entry<String, byte[]> f : HuggingFaceLayout.files(ex, m.name(), m.config(), m.pooling(), MAX_LENGTH, true, card).entrySet()) {
            Path p = dir.resolve(f.getKey());
            Files.createDirectories(p.getParent());
            Files.write(p, f.getValue());
        }
        return dir;
    }

    private static JsonNode read(Path dir, String file) throws IOException {
        return JSON.readTree(dir.resolve(file).toFile());
    }

    private static Set<String> keys(JsonNode n) {
        Set<String> s = new HashSet<>();
        n.fieldNames().forEachRemaining(s::add);
        return s;
    }

    /** Every distinct STS-B test sentence: LangChain4j's vectors and ours (ONNX Runtime on the same folder) agree. */
    private static void assertLangChain4jGivesOurVectors(PretrainedModel m, PoolingMode mode, Path dir) throws IOException {
        List<String> texts = OnnxExportParityTest.testSentences();
        float[][] ours;
        try (EmbeddingEngine engine = ModelRef.parse(dir.toString()).load(Engine.ONNXRUNTIME, null, 0).engine()) {
            ours = new TextEmbedder(engine, LongTextPolicy.truncate(MAX_LENGTH), 32, true).embed(texts);
        }
        OnnxEmbeddingModel theirs = new OnnxEmbeddingModel(dir.resolve(HuggingFaceLayout.ONNX_FILE), dir.resolve("tokenizer.json"), mode);
        List<Embedding> e = theirs.embedAll(texts.stream().map(TextSegment::from).toList()).content();
        double min = 1;
        for (int i = 0; i < texts.size(); i++) {
            float[] a = ours[i];
            float[] b = e.get(i).vector();
            double dot = 0;
            double na = 0;
            double nb = 0;
            for (int j = 0; j < a.length; j++) {
                dot += (double) a[j] * b[j];
                na += (double) a[j] * a[j];
                nb += (double) b[j] * b[j];
            }
            min = Math.min(min, dot / Math.sqrt(na * nb));
        }
        assertEquals(2552, texts.size());
        assertTrue(min >= 0.9999, m.name() + ": LangChain4j vs ours, min cosine over " + texts.size() + " sentences: " + min);
    }

    @Test
    void aMeanPooledExportLoadsInLangChain4jWithOurVectors(@TempDir Path dir) throws IOException {
        assertLangChain4jGivesOurVectors(PretrainedModel.MINILM_L6_V2, PoolingMode.MEAN, export(PretrainedModel.MINILM_L6_V2, dir));
    }

    @Test
    void aClsPooledExportLoadsInLangChain4jWithOurVectors(@TempDir Path dir) throws IOException {
        assertLangChain4jGivesOurVectors(PretrainedModel.BGE_SMALL_EN_V15, PoolingMode.CLS, export(PretrainedModel.BGE_SMALL_EN_V15, dir));
    }

    @Test
    void djlsHuggingFaceTokenizerLoadsTheFolderAndGivesOurTokenIds(@TempDir Path dir) throws IOException {
        PretrainedModel m = PretrainedModel.BGE_SMALL_EN_V15;
        export(m, dir);
        WordPieceTokenizer ours = WordPieceTokenizer.fromJson(new ByteArrayInputStream(Files.readAllBytes(dir.resolve("tokenizer.json"))));
        try (HuggingFaceTokenizer djl = HuggingFaceTokenizer.newInstance(dir)) {
            for (String text : OnnxExportParityTest.testSentences().subList(0, 500)) {
                long[] theirs = djl.encode(text).getIds();
                int[] mine = ours.encode(text, MAX_LENGTH);
                assertArrayEquals(Arrays.stream(mine).asLongStream().toArray(), theirs, text);
            }
        }
    }

    @Test
    void eachJsonFileHasTheFieldsItsLoaderReadsWithTheModelsValues(@TempDir Path dir) throws IOException {
        PretrainedModel m = PretrainedModel.E5_SMALL_V2;
        export(m, dir);
        BertConfig c = m.config();
        // transformers' BertConfig
        JsonNode config = read(dir, "config.json");
        assertEquals("bert", config.path("model_type").asText());
        assertEquals("BertModel", config.path("architectures").get(0).asText());
        Map<String, Number> expected = new LinkedHashMap<>();
        expected.put("vocab_size", c.vocab());
        expected.put("hidden_size", c.hidden());
        expected.put("num_hidden_layers", c.layers());
        expected.put("num_attention_heads", c.heads());
        expected.put("intermediate_size", c.intermediate());
        expected.put("max_position_embeddings", c.positions());
        expected.put("type_vocab_size", c.typeVocab());
        expected.forEach((k, v) -> assertEquals(v.intValue(), config.path(k).asInt(-1), k));
        assertEquals(c.layerNormEps(), config.path("layer_norm_eps").asDouble(), 0);
        assertEquals("gelu", config.path("hidden_act").asText());
        assertEquals(0, config.path("pad_token_id").asInt(-1), "[PAD] is id 0 in BERT's vocabulary");
        // transformers' BertTokenizer: the tokenizer settings, one maximum length, special tokens of the vocabulary
        JsonNode tc = read(dir, "tokenizer_config.json");
        assertEquals("BertTokenizer", tc.path("tokenizer_class").asText());
        assertTrue(tc.path("do_lower_case").asBoolean(false), "an uncased model");
        assertEquals(MAX_LENGTH, tc.path("model_max_length").asInt());
        JsonNode special = read(dir, "special_tokens_map.json");
        assertEquals(Set.of("unk_token", "sep_token", "pad_token", "cls_token", "mask_token"), keys(special));
        List<String> vocab = Files.readAllLines(dir.resolve("vocab.txt"), StandardCharsets.UTF_8);
        assertEquals(c.vocab(), vocab.size());
        WordPieceTokenizer tok = WordPieceTokenizer.fromJson(new ByteArrayInputStream(Files.readAllBytes(dir.resolve("tokenizer.json"))));
        for (int id = 0; id < vocab.size(); id++) {
            assertEquals(tok.token(id), vocab.get(id), "vocab.txt line " + (id + 1) + " is token id " + id);
        }
        special.fields().forEachRemaining(e -> {
            assertTrue(vocab.contains(e.getValue().asText()), e.toString());
            assertEquals(e.getValue(), tc.path(e.getKey()), e.getKey());
        });
        // sentence-transformers: modules in order, the pooling module's keys, the one maximum length, the query prompt
        JsonNode modules = read(dir, "modules.json");
        List<String> types = new ArrayList<>();
        for (int i = 0; i < modules.size(); i++) {
            JsonNode mod = modules.get(i);
            assertEquals(Set.of("idx", "name", "path", "type"), keys(mod));
            assertEquals(i, mod.path("idx").asInt());
            types.add(mod.path("type").asText());
        }
        assertEquals(List.of("sentence_transformers.models.Transformer", "sentence_transformers.models.Pooling",
                "sentence_transformers.models.Normalize"), types);
        assertEquals("1_Pooling", modules.get(1).path("path").asText());
        JsonNode pooling = read(dir, "1_Pooling/config.json");
        assertEquals(POOLING_KEYS, keys(pooling));
        assertEquals(c.hidden(), pooling.path("word_embedding_dimension").asInt());
        assertTrue(pooling.path("pooling_mode_mean_tokens").asBoolean(), "e5 pools by mean");
        assertEquals(1, POOLING_KEYS.stream().filter(k -> k.startsWith("pooling_mode_") && pooling.path(k).asBoolean()).count(), "one mode");
        assertEquals(MAX_LENGTH, read(dir, "sentence_bert_config.json").path("max_seq_length").asInt());
        JsonNode st = read(dir, "config_sentence_transformers.json");
        assertEquals("query: ", st.at("/prompts/query").asText(), "e5's query prefix as a prompt");
        assertEquals("cosine", st.path("similarity_fn_name").asText());
        // the model card names the base model and its licence in the hub's front matter
        String card = Files.readString(dir.resolve("README.md"));
        assertTrue(card.startsWith("---\nlicense: mit\nbase_model: intfloat/e5-small-v2\n"), card);
        assertTrue(card.contains("| maximum length | 512 tokens"), card);
        assertTrue(Files.isRegularFile(dir.resolve("onnx/model.onnx")) && !Files.exists(dir.resolve("model.onnx")), "ONNX where the hub's tools look");
    }

    @Test
    void poolingsWithoutASentenceTransformersEquivalentAndDamagedVocabulariesAreRefused() throws IOException {
        PretrainedModel m = PretrainedModel.MINILM_L6_V2;
        OnnxExporter.Exported ex = new OnnxExporter.Exported(new byte[0], tokenizerJson(m), new byte[0], "x");
        HuggingFaceLayout.Card card = new HuggingFaceLayout.Card(m.name(), null, null, null, null, Map.of(), "");
        IllegalArgumentException clsAvg = assertThrows(IllegalArgumentException.class,
                () -> HuggingFaceLayout.files(ex, m.name(), m.config(), Pooling.CLS_AVG, 128, true, card));
        assertTrue(clsAvg.getMessage().contains("cls_avg"), clsAvg.getMessage());
        Map<String, Integer> gap = new LinkedHashMap<>(Map.of("[PAD]", 0, "[UNK]", 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HuggingFaceLayout.vocabTxt(gap));
        assertTrue(e.getMessage().contains("are not 0 .. 1"), e.getMessage());
        assertFalse(new String(HuggingFaceLayout.files(ex, m.name(), m.config(), Pooling.MEAN, 128, false, card).get("modules.json"),
                StandardCharsets.UTF_8).contains("Normalize"), "no Normalize module for vectors that are not normalised");
    }

    private static byte[] tokenizerJson(PretrainedModel m) throws IOException {
        try (InputStream in = m.openTokenizer()) {
            return in.readAllBytes();
        }
    }
}
