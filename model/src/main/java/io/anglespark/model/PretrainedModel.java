package io.anglespark.model;

import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The pretrained encoders this project knows by name. Each is an ONNX export plus the Hugging Face
 * {@code tokenizer.json} it was trained with, read as class-path resources from a Maven Central jar
 * ({@code dev.langchain4j:langchain4j-embeddings-*}): nothing is downloaded at run time. A user's own
 * BERT-family export is described with {@link #fromFiles}.
 *
 * @param name        the registry name users write ({@code bge-small-en-v1.5})
 * @param onnx        class-path resource of the ONNX file, or {@code file:} and a path
 * @param tokenizer   class-path resource of {@code tokenizer.json}, or {@code file:} and a path
 * @param pooling     the pooling the model was trained for
 * @param queryPrefix text the model expects before a query ("" when none)
 * @param config      its architecture
 * @param upstream    the Hugging Face repository the weights come from; null for a user's own model
 * @param licence     the weights' licence (SPDX id, as NOTICE lists them); null for a user's own model
 * @param maxLength   the model's one maximum length in tokens, [CLS] and [SEP] included: its sentence-transformers
 *                    {@code max_seq_length} (all-MiniLM-L6-v2 was trained at 128 and is served at 256; bge and e5 at
 *                    512); a user's own model: its positions. Jobs embed with it unless told otherwise.
 */
public record PretrainedModel(String name, String onnx, String tokenizer, Pooling pooling, String queryPrefix, BertConfig config,
                              String upstream, String licence, int maxLength) {

    private static final BertConfig SMALL_6 = new BertConfig(6, 384, 12, 1536, 30522, 512, 2, 1e-12);
    private static final BertConfig SMALL_12 = new BertConfig(12, 384, 12, 1536, 30522, 512, 2, 1e-12);

    public static final PretrainedModel MINILM_L6_V2 = new PretrainedModel("minilm-l6-v2",
            "all-minilm-l6-v2.onnx", "all-minilm-l6-v2-tokenizer.json", Pooling.MEAN, "", SMALL_6, "sentence-transformers/all-MiniLM-L6-v2",
            "apache-2.0", 256);
    public static final PretrainedModel BGE_SMALL_EN_V15 = new PretrainedModel("bge-small-en-v1.5",
            "bge-small-en-v1.5.onnx", "bge-small-en-v1.5-tokenizer.json", Pooling.CLS, "", SMALL_12, "BAAI/bge-small-en-v1.5", "mit", 512);
    public static final PretrainedModel E5_SMALL_V2 = new PretrainedModel("e5-small-v2",
            "e5-small-v2.onnx", "e5-small-v2-tokenizer.json", Pooling.MEAN, "query: ", SMALL_12, "intfloat/e5-small-v2", "mit", 512);

    public static List<PretrainedModel> all() {
        return List.of(MINILM_L6_V2, BGE_SMALL_EN_V15, E5_SMALL_V2);
    }

    /** The model of that name; an unknown name fails listing the known ones. */
    public static PretrainedModel byName(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return all().stream().filter(m -> m.name().equals(n)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "unknown model '" + name + "' (known: " + Arrays.toString(all().stream().map(PretrainedModel::name).toArray()) + ")"));
    }

    private static final String FILE = "file:";

    /**
     * A user's own BERT-family model: an ONNX export with the inputs and output of these ({@code input_ids},
     * {@code attention_mask}, {@code token_type_ids} to {@code last_hidden_state}) and its WordPiece
     * {@code tokenizer.json}. The architecture is given, not guessed; a file that does not match it fails when
     * the weights are mapped, naming what is missing.
     */
    public static PretrainedModel fromFiles(String name, java.nio.file.Path onnx, java.nio.file.Path tokenizer, Pooling pooling,
                                            String queryPrefix, BertConfig config) {
        return new PretrainedModel(name, FILE + onnx.toAbsolutePath(), FILE + tokenizer.toAbsolutePath(), pooling,
                queryPrefix == null ? "" : queryPrefix, config, null, null, config.positions());
    }

    public InputStream openOnnx() {
        return open(onnx, "ONNX file");
    }

    public InputStream openTokenizer() {
        return open(tokenizer, "tokenizer.json");
    }

    private InputStream open(String resource, String what) {
        if (resource.startsWith(FILE)) {
            java.nio.file.Path p = java.nio.file.Path.of(resource.substring(FILE.length()));
            try {
                return new java.io.BufferedInputStream(java.nio.file.Files.newInputStream(p), 1 << 16);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("model '" + name + "': cannot read its " + what + " " + p + ": " + e, e);
            }
        }
        InputStream in = PretrainedModel.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("model '" + name + "': its " + what + " '" + resource + "' is not on the class path; add the "
                    + "dev.langchain4j:langchain4j-embeddings-* jar that carries it");
        }
        return in;
    }
}
