package io.anglespark.model;

import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The pretrained encoders this project knows by name. Each is an ONNX export plus the Hugging Face
 * {@code tokenizer.json} it was trained with, read as class-path resources from a Maven Central jar
 * ({@code dev.langchain4j:langchain4j-embeddings-*}): nothing is downloaded at run time.
 *
 * @param name        the registry name users write ({@code bge-small-en-v1.5})
 * @param onnx        class-path resource of the ONNX file
 * @param tokenizer   class-path resource of {@code tokenizer.json}
 * @param pooling     the pooling the model was trained for
 * @param queryPrefix text the model expects before a query ("" when none)
 * @param config      its architecture
 */
public record PretrainedModel(String name, String onnx, String tokenizer, Pooling pooling, String queryPrefix, BertConfig config) {

    private static final BertConfig SMALL_6 = new BertConfig(6, 384, 12, 1536, 30522, 512, 2, 1e-12);
    private static final BertConfig SMALL_12 = new BertConfig(12, 384, 12, 1536, 30522, 512, 2, 1e-12);

    public static final PretrainedModel MINILM_L6_V2 = new PretrainedModel("minilm-l6-v2",
            "all-minilm-l6-v2.onnx", "all-minilm-l6-v2-tokenizer.json", Pooling.MEAN, "", SMALL_6);
    public static final PretrainedModel BGE_SMALL_EN_V15 = new PretrainedModel("bge-small-en-v1.5",
            "bge-small-en-v1.5.onnx", "bge-small-en-v1.5-tokenizer.json", Pooling.CLS, "", SMALL_12);
    public static final PretrainedModel E5_SMALL_V2 = new PretrainedModel("e5-small-v2",
            "e5-small-v2.onnx", "e5-small-v2-tokenizer.json", Pooling.MEAN, "query: ", SMALL_12);

    public static List<PretrainedModel> all() {
        return List.of(MINILM_L6_V2, BGE_SMALL_EN_V15, E5_SMALL_V2);
    }

    /** The model of that name; an unknown name fails listing the known ones. */
    public static PretrainedModel byName(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return all().stream().filter(m -> m.name().equals(n)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "unknown model '" + name + "' (known: " + Arrays.toString(all().stream().map(PretrainedModel::name).toArray()) + ")"));
    }

    public InputStream openOnnx() {
        return open(onnx, "ONNX file");
    }

    public InputStream openTokenizer() {
        return open(tokenizer, "tokenizer.json");
    }

    private InputStream open(String resource, String what) {
        InputStream in = PretrainedModel.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("model '" + name + "': its " + what + " '" + resource + "' is not on the class path; add the "
                    + "dev.langchain4j:langchain4j-embeddings-* jar that carries it");
        }
        return in;
    }
}
