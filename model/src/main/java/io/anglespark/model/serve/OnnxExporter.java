package io.anglespark.model.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anglespark.model.BertConfig;
import io.anglespark.model.Pooling;
import io.anglespark.model.encoder.Encoder;
import io.anglespark.model.encoder.EncoderArtifact;
import io.anglespark.model.encoder.EncoderGraphFactory;
import io.anglespark.model.onnx.BertWeights;
import io.anglespark.model.onnx.OnnxExport;
import io.anglespark.model.onnx.OnnxQuantizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A trained {@link Encoder} as an ONNX folder that ONNX Runtime, LangChain4j or Spark NLP can serve:
 * {@value #ONNX_FILE} (the source model's ONNX with its initializers replaced by the trained weights, see
 * {@link OnnxExport}), {@value #TOKENIZER_FILE} (the encoder's Hugging Face tokenizer) and {@value #ENCODER_FILE}
 * (model name, model id, pooling, max length, architecture). {@link ModelRef} reads such a folder back for either
 * engine.
 */
public final class OnnxExporter {
    public static final String ONNX_FILE = "model.onnx";
    public static final String TOKENIZER_FILE = "tokenizer.json";
    public static final String ENCODER_FILE = "encoder.json";
    /** An export's int8 file, relative to its folder (the name Hugging Face Optimum gives a dynamically quantized model). */
    public static final String INT8_FILE = "onnx/model_quantized.onnx";
    private static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private OnnxExporter() {
    }

    /** The three files of an export, in memory, and the model id of the weights they hold. */
    public record Exported(byte[] onnx, byte[] tokenizerJson, byte[] encoderJson, String modelId, byte[] int8Onnx) {
        public Exported(byte[] onnx, byte[] tokenizerJson, byte[] encoderJson, String modelId) {
            this(onnx, tokenizerJson, encoderJson, modelId, null);
        }

        /**
         * This export with an int8 quantization of its ONNX file ({@link OnnxQuantizer}), recorded in {@value #ENCODER_FILE}
         * ({@code int8: {file, model_id}}) under its own model id ({@link ModelIds#int8}).
         */
        public Exported withInt8() throws IOException {
            String id = ModelIds.int8(modelId);
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("angle_spark.model_id", id);
            meta.put("angle_spark.quantization", "int8-dynamic");
            OnnxQuantizer.Result q = OnnxQuantizer.quantize(onnx, meta);
            ObjectNode n = (ObjectNode) JSON.readTree(encoderJson);
            n.putObject("int8").put("file", INT8_FILE).put("model_id", id).put("quantized_matmuls", q.matMuls());
            return new Exported(onnx, tokenizerJson, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n), modelId, q.onnx());
        }

        /** Writes the three files into {@code dir} (created). */
        public void writeTo(Path dir) throws IOException {
            Files.createDirectories(dir);
            Files.write(dir.resolve(ONNX_FILE), onnx);
            Files.write(dir.resolve(TOKENIZER_FILE), tokenizerJson);
            Files.write(dir.resolve(ENCODER_FILE), encoderJson);
        }
    }

    /**
     * Exports {@code trained} by rewriting {@code sourceOnnx}, the ONNX file its weights were first imported from
     * (for a fine-tuned registered model: that model's file).
     */
    public static Exported export(Encoder trained, byte[] sourceOnnx) throws IOException {
        BertConfig c = trained.config();
        BertWeights w = EncoderGraphFactory.weightsOf(trained.graph(), c, c.layerNormEps(), EncoderGraphFactory.DEFAULT_MASK_BIAS);
        String id = ModelIds.of(trained.name(), w, trained.pooling());
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("angle_spark.model_id", id);
        meta.put("angle_spark.pooling", trained.pooling().label());
        byte[] onnx = OnnxExport.export(sourceOnnx, w, meta);
        return new Exported(onnx, trained.tokenizerJson(), encoderJson(trained.modelName(), trained.name(), id, trained.pooling(),
                trained.maxLength(), c), id);
    }

    /** {@code model}: the model the weights started from; {@code name}: the model's own name (written when it differs). */
    static byte[] encoderJson(String model, String name, String modelId, Pooling pooling, int maxLength, BertConfig c) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("format", FORMAT);
        n.put("model", model);
        if (!name.equals(model)) {
            n.put("name", name);
        }
        n.put("model_id", modelId);
        n.put("pooling", pooling.label());
        n.put("maxLength", maxLength);
        EncoderArtifact.putBertConfig(n, c);
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n);
    }

    /** What {@value #ENCODER_FILE} says: the model the weights started from, the model's own name (the same when unnamed). */
    record Description(String model, String name, String modelId, Pooling pooling, int maxLength, BertConfig config, String int8File,
                       String int8ModelId) {
    }

    static Description describe(byte[] encoderJson, String where) throws IOException {
        JsonNode n = JSON.readTree(encoderJson);
        if (n.path("format").asInt() != FORMAT) {
            throw new IOException(where + ": " + ENCODER_FILE + " format " + n.path("format") + " is not supported (expected " + FORMAT + ")");
        }
        JsonNode c = n.get("bertConfig");
        if (c == null) {
            throw new IOException(where + ": " + ENCODER_FILE + " has no bertConfig");
        }
        BertConfig bert = EncoderArtifact.bertConfig(c);
        String model = n.path("model").asText();
        String name = n.path("name").asText(model);
        if (!name.matches(io.anglespark.model.encoder.Encoder.NAME_PATTERN)) {
            throw new IOException(where + ": " + ENCODER_FILE + " name is not a model name (letters, digits, '.', '_', '-')");
        }
        return new Description(model, name, n.path("model_id").asText(), Pooling.parse(n.path("pooling").asText()),
                n.path("maxLength").asInt(), bert, n.path("int8").path("file").asText(null), n.path("int8").path("model_id").asText(null));
    }
}
