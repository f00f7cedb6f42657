package io.anglespark.model.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anglespark.model.BertConfig;
import io.anglespark.model.Pooling;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An exported encoder in the folder layout the Hugging Face ecosystem loads: sentence-transformers (its ONNX backend),
 * Optimum, Text Embeddings Inference, LangChain4j's {@code OnnxEmbeddingModel} and DJL's tokenizer. Pure: it maps an
 * {@link OnnxExporter.Exported} and what the caller knows of the model to file names and bytes.
 *
 * <ul>
 *   <li>{@code config.json}: the BERT architecture in transformers' {@code BertConfig} fields;</li>
 *   <li>{@code tokenizer.json} (the model's own), {@code tokenizer_config.json}, {@code special_tokens_map.json} and
 *       {@code vocab.txt} (one token per line in id order) for transformers' {@code BertTokenizer(Fast)};</li>
 *   <li>{@code modules.json}, {@code sentence_bert_config.json} (the one maximum length), {@code 1_Pooling/config.json},
 *       {@code config_sentence_transformers.json} (cosine similarity, the query prompt) for sentence-transformers;</li>
 *   <li>{@code onnx/model.onnx}, where sentence-transformers and Optimum look for an ONNX model;</li>
 *   <li>{@code encoder.json} (this project's description: model id, pooling, length) and a model card {@code README.md}.</li>
 * </ul>
 * Pooling {@code cls_avg} has no sentence-transformers equivalent (its CLS plus mean modes concatenate), so such an
 * export is refused.
 */
public final class HuggingFaceLayout {
    public static final String ONNX_FILE = "onnx/model.onnx";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SPECIAL = List.of("unk_token", "sep_token", "pad_token", "cls_token", "mask_token");
    private static final Map<String, String> SPECIAL_TEXT = Map.of("unk_token", "[UNK]", "sep_token", "[SEP]", "pad_token", "[PAD]",
            "cls_token", "[CLS]", "mask_token", "[MASK]");

    private HuggingFaceLayout() {
    }

    /**
     * What the model card says beyond the files: where the weights came from and how they were trained.
     *
     * @param baseModel   the registered model the weights started from ({@code bge-small-en-v1.5}) or the artifact's name
     * @param upstream    its Hugging Face repository ({@code BAAI/bge-small-en-v1.5}), or null when unknown
     * @param licence     its licence (SPDX id, e.g. {@code mit}), or null when unknown
     * @param data        the training data (paths as the training run recorded them), or null for a pretrained model
     * @param recipe      the loss recipe and its settings in one line, or null
     * @param scores      named scores (e.g. {@code dev Spearman x100}) in order, may be empty
     * @param queryPrefix the text the model expects before a query ("" when none)
     */
    public record Card(String baseModel, String upstream, String licence, String data, String recipe, Map<String, String> scores,
                       String queryPrefix) {
    }

    /** The folder's files, relative path to bytes, in a stable order. */
    public static Map<String, byte[]> files(OnnxExporter.Exported ex, String name, BertConfig config, Pooling pooling, int maxLength,
                                            boolean normalize, Card card) throws IOException {
        if (pooling == Pooling.CLS_AVG) {
            throw new IllegalArgumentException("pooling cls_avg has no sentence-transformers equivalent (its cls and mean modes "
                    + "concatenate, they do not average): export a model trained with cls, mean, max or last pooling");
        }
        JsonNode tokenizer = JSON.readTree(ex.tokenizerJson());
        Map<String, Integer> vocab = vocab(tokenizer);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("config.json", json(bertConfig(config, vocab.getOrDefault("[PAD]", 0))));
        files.put("tokenizer.json", ex.tokenizerJson());
        files.put("tokenizer_config.json", json(tokenizerConfig(tokenizer, vocab, maxLength)));
        files.put("special_tokens_map.json", json(specialTokens(vocab)));
        files.put("vocab.txt", vocabTxt(vocab));
        files.put("modules.json", json(modules(normalize)));
        files.put("sentence_bert_config.json", json(JSON.createObjectNode().put("max_seq_length", maxLength).put("do_lower_case", false)));
        files.put("1_Pooling/config.json", json(poolingConfig(config.hidden(), pooling)));
        files.put("config_sentence_transformers.json", json(sentenceTransformersConfig(card.queryPrefix())));
        files.put(ONNX_FILE, ex.onnx());
        if (ex.int8Onnx() != null) {
            files.put(OnnxExporter.INT8_FILE, ex.int8Onnx());
        }
        files.put(OnnxExporter.ENCODER_FILE, ex.encoderJson());
        files.put("README.md", modelCard(name, ex.modelId(), config, pooling, maxLength, normalize, card).getBytes(StandardCharsets.UTF_8));
        return files;
    }

    /** transformers' {@code BertConfig}: the architecture, BERT's activation and dropout, absolute positions. */
    static ObjectNode bertConfig(BertConfig c, int padId) {
        ObjectNode n = JSON.createObjectNode();
        n.putArray("architectures").add("BertModel");
        n.put("model_type", "bert");
        n.put("attention_probs_dropout_prob", 0.1);
        n.put("hidden_act", "gelu");
        n.put("hidden_dropout_prob", 0.1);
        n.put("hidden_size", c.hidden());
        n.put("initializer_range", 0.02);
        n.put("intermediate_size", c.intermediate());
        n.put("layer_norm_eps", c.layerNormEps());
        n.put("max_position_embeddings", c.positions());
        n.put("num_attention_heads", c.heads());
        n.put("num_hidden_layers", c.layers());
        n.put("pad_token_id", padId);
        n.put("position_embedding_type", "absolute");
        n.put("type_vocab_size", c.typeVocab());
        n.put("vocab_size", c.vocab());
        return n;
    }

    /** transformers' {@code BertTokenizer} settings, read from the model's own {@code tokenizer.json}. */
    static ObjectNode tokenizerConfig(JsonNode tokenizer, Map<String, Integer> vocab, int maxLength) {
        JsonNode norm = tokenizer.path("normalizer");
        ObjectNode n = JSON.createObjectNode();
        n.put("tokenizer_class", "BertTokenizer");
        n.put("do_lower_case", norm.path("lowercase").asBoolean(true));
        n.put("do_basic_tokenize", true);
        n.put("tokenize_chinese_chars", norm.path("handle_chinese_chars").asBoolean(true));
        JsonNode strip = norm.get("strip_accents");
        if (strip == null || strip.isNull()) {
            n.putNull("strip_accents");
        } else {
            n.put("strip_accents", strip.asBoolean());
        }
        n.put("clean_up_tokenization_spaces", true);
        n.put("model_max_length", maxLength);
        n.putNull("never_split");
        specialTokens(vocab).fields().forEachRemaining(e -> n.set(e.getKey(), e.getValue()));
        return n;
    }

    /** The special tokens BERT's tokenizer names, those the vocabulary has. */
    static ObjectNode specialTokens(Map<String, Integer> vocab) {
        ObjectNode n = JSON.createObjectNode();
        for (String key : SPECIAL) {
            String text = SPECIAL_TEXT.get(key);
            if (vocab.containsKey(text)) {
                n.put(key, text);
            }
        }
        return n;
    }

    /** sentence-transformers' modules: the transformer, its pooling, and L2 normalisation when the vectors are normalised. */
    static ArrayNode modules(boolean normalize) {
        ArrayNode a = JSON.createArrayNode();
        a.addObject().put("idx", 0).put("name", "0").put("path", "").put("type", "sentence_transformers.models.Transformer");
        a.addObject().put("idx", 1).put("name", "1").put("path", "1_Pooling").put("type", "sentence_transformers.models.Pooling");
        if (normalize) {
            a.addObject().put("idx", 2).put("name", "2").put("path", "2_Normalize").put("type", "sentence_transformers.models.Normalize");
        }
        return a;
    }

    /** sentence-transformers' {@code Pooling} module configuration for one of our poolings. */
    static ObjectNode poolingConfig(int dimension, Pooling p) {
        ObjectNode n = JSON.createObjectNode();
        n.put("word_embedding_dimension", dimension);
        n.put("pooling_mode_cls_token", p == Pooling.CLS);
        n.put("pooling_mode_mean_tokens", p == Pooling.MEAN);
        n.put("pooling_mode_max_tokens", p == Pooling.MAX);
        n.put("pooling_mode_mean_sqrt_len_tokens", false);
        n.put("pooling_mode_weightedmean_tokens", false);
        n.put("pooling_mode_lasttoken", p == Pooling.LAST);
        n.put("include_prompt", true);
        return n;
    }

    /** Cosine similarity, and the query prompt for models that expect one (e5's "query: "). */
    static ObjectNode sentenceTransformersConfig(String queryPrefix) {
        ObjectNode n = JSON.createObjectNode();
        ObjectNode prompts = n.putObject("prompts");
        if (queryPrefix != null && !queryPrefix.isEmpty()) {
            prompts.put("query", queryPrefix);
        }
        n.putNull("default_prompt_name");
        n.put("similarity_fn_name", "cosine");
        return n;
    }

    /** The WordPiece vocabulary of {@code tokenizer.json} (model.vocab), which must be dense: ids 0 .. n-1, each once. */
    static Map<String, Integer> vocab(JsonNode tokenizer) {
        JsonNode v = tokenizer.path("model").path("vocab");
        if (!v.isObject() || v.isEmpty()) {
            throw new IllegalArgumentException("tokenizer.json has no model.vocab");
        }
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            vocab.put(e.getKey(), e.getValue().asInt(-1));
        }
        return vocab;
    }

    static byte[] vocabTxt(Map<String, Integer> vocab) {
        String[] byId = new String[vocab.size()];
        vocab.forEach((token, id) -> {
            if (id < 0 || id >= byId.length || byId[id] != null) {
                throw new IllegalArgumentException("tokenizer.json: model.vocab ids are not 0 .. " + (byId.length - 1) + ", each once (at '"
                        + token + "' = " + id + ")");
            }
            if (token.contains("\n") || token.contains("\r")) {
                throw new IllegalArgumentException("tokenizer.json: token id " + id + " holds a line break; vocab.txt cannot hold it");
            }
            byId[id] = token;
        });
        return (String.join("\n", byId) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    static String modelCard(String name, String modelId, BertConfig c, Pooling pooling, int maxLength, boolean normalize, Card card) {
        StringBuilder s = new StringBuilder();
        s.append("---\n");
        if (card.licence() != null) {
            s.append("license: ").append(card.licence()).append('\n');
        }
        if (card.upstream() != null) {
            s.append("base_model: ").append(card.upstream()).append('\n');
        }
        s.append("library_name: sentence-transformers\npipeline_tag: sentence-similarity\ntags:\n- sentence-transformers\n- onnx\n")
                .append("- angle-spark\n---\n\n");
        s.append("# ").append(name).append("\n\n");
        s.append("A BERT sentence encoder exported by angle-spark (model id `").append(modelId).append("`).\n\n");
        s.append("| | |\n|---|---|\n");
        s.append("| base model | ").append(card.baseModel()).append(card.upstream() == null ? "" : " (" + card.upstream() + ")").append(" |\n");
        s.append("| training data | ").append(card.data() == null ? "none (pretrained weights)" : card.data()).append(" |\n");
        s.append("| recipe | ").append(card.recipe() == null ? "none" : card.recipe()).append(" |\n");
        s.append("| architecture | ").append(c.layers()).append(" layers, hidden ").append(c.hidden()).append(", ").append(c.heads())
                .append(" heads, ").append(c.parameters()).append(" parameters |\n");
        s.append("| pooling | ").append(pooling.label()).append(normalize ? ", then L2-normalised" : "").append(" |\n");
        s.append("| maximum length | ").append(maxLength).append(" tokens, [CLS] and [SEP] included |\n");
        if (card.queryPrefix() != null && !card.queryPrefix().isEmpty()) {
            s.append("| query prefix | `").append(card.queryPrefix()).append("` |\n");
        }
        s.append("| licence | ").append(card.licence() == null ? "that of the base model" : card.licence()
                + " (the base model's; fine-tuned weights remain under it)").append(" |\n");
        card.scores().forEach((k, v) -> s.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        s.append("\n## Use\n\n");
        s.append("sentence-transformers (ONNX backend): `SentenceTransformer(\"PATH\", backend=\"onnx\")`. ");
        s.append("LangChain4j: `new OnnxEmbeddingModel(\"PATH/onnx/model.onnx\", \"PATH/tokenizer.json\", PoolingMode.")
                .append(pooling == Pooling.CLS ? "CLS" : "MEAN").append(")`")
                .append(pooling == Pooling.CLS || pooling == Pooling.MEAN ? "" : " (it has no " + pooling.label() + " pooling)").append(". ");
        s.append("angle-spark: `submit/embed --set embed.model=PATH`.\n");
        return s.toString();
    }

    private static byte[] json(JsonNode n) throws IOException {
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n);
    }
}
