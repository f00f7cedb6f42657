package io.anglespark.model.serve;

import io.anglespark.model.BertConfig;
import io.anglespark.model.Pooling;
import io.anglespark.model.PretrainedModel;
import io.anglespark.model.encoder.Encoder;
import io.anglespark.model.encoder.EncoderArtifact;
import io.anglespark.model.encoder.EncoderGraphFactory;
import io.anglespark.model.onnx.BertWeights;
import io.anglespark.model.onnx.OnnxModel;
import io.anglespark.model.tokenize.WordPieceTokenizer;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Which model to embed with, as users write it:
 * <ul>
 *   <li>a registered pretrained name ({@code minilm-l6-v2}, see {@link PretrainedModel});</li>
 *   <li>a path ending in {@code .zip}: a trained {@link EncoderArtifact} (the training checkpoints
 *       {@code best.zip}, {@code latest.zip});</li>
 *   <li>any other path: a folder written by the export job ({@link HuggingFaceLayout}: {@code onnx/model.onnx},
 *       {@code tokenizer.json}, {@code encoder.json}; {@code model.onnx} in exports from before that layout).</li>
 * </ul>
 * Each kind loads into either {@link Engine}: an artifact runs on ONNX Runtime through an in-memory export over its
 * registered source model's ONNX file (an artifact of an unregistered model must be exported first); an ONNX
 * folder runs on DL4J by importing its weights. Paths are local; callers fetch remote files first.
 *
 * @param kind  what {@code value} names
 * @param value the name or the path, as given
 */
public record ModelRef(Kind kind, String value) implements Serializable {
    public enum Kind {
        REGISTERED,
        ARTIFACT,
        ONNX_EXPORT
    }

    /**
     * An engine loaded from a reference, with the model id of the weights it holds ({@link ModelIds}) and the model's one
     * maximum length (a registered model's own, the length a trained artifact was trained at, an export's), which the
     * jobs embed with unless told otherwise. The engine itself accepts up to the model's positions.
     */
    public record Loaded(EmbeddingEngine engine, String modelId, int maxLength) {
    }

    /** Reads a reference: a registered name first, then a {@code .zip} artifact, else an export folder. */
    public static ModelRef parse(String ref) {
        String s = ref.trim();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty model reference (a registered name, a trained .zip, or an ONNX export folder)");
        }
        String lower = s.toLowerCase(Locale.ROOT);
        if (PretrainedModel.all().stream().anyMatch(m -> m.name().equals(lower))) {
            return new ModelRef(Kind.REGISTERED, lower);
        }
        if (lower.endsWith(".zip")) {
            return new ModelRef(Kind.ARTIFACT, s);
        }
        if (!s.contains("/") && !s.contains("\\") && !s.contains(".")) {
            // a bare word that is no registered name is most likely a typo of one
            PretrainedModel.byName(s);
        }
        return new ModelRef(Kind.ONNX_EXPORT, s);
    }

    /**
     * Loads the model into an engine.
     *
     * @param pooling    the pooling to use; null for the model's own
     * @param ortThreads ONNX Runtime intra-op threads (0: its default); ignored by DL4J
     */
    public Loaded load(Engine engine, Pooling pooling, int ortThreads) throws IOException {
        return load(engine, pooling, ortThreads, Precision.FP32);
    }

    /**
     * Loads the model's float weights, or ({@link Precision#INT8}) the int8 file of an export folder written with
     * {@code export.quantize = int8}, on ONNX Runtime, with the export's own pooling.
     */
    public Loaded load(Engine engine, Pooling pooling, int ortThreads, Precision precision) throws IOException {
        if (precision == Precision.INT8) {
            if (kind != Kind.ONNX_EXPORT) {
                throw new IllegalArgumentException("model '" + value + "': int8 runs from an export folder that holds an int8 file "
                        + "(submit/export --set export.quantize=int8), not from a " + (kind == Kind.REGISTERED ? "registered name" : "model .zip"));
            }
            return loadInt8(engine, pooling, ortThreads);
        }
        return switch (kind) {
            case REGISTERED -> loadRegistered(PretrainedModel.byName(value), engine, pooling, ortThreads);
            case ARTIFACT -> loadArtifact(engine, pooling, ortThreads);
            case ONNX_EXPORT -> loadExport(engine, pooling, ortThreads);
        };
    }

    private static Loaded loadRegistered(PretrainedModel m, Engine engine, Pooling pooling, int ortThreads) throws IOException {
        Pooling p = pooling == null ? m.pooling() : pooling;
        byte[] onnx;
        byte[] tok;
        try (InputStream in = m.openOnnx(); InputStream t = m.openTokenizer()) {
            onnx = in.readAllBytes();
            tok = t.readAllBytes();
        }
        return fromOnnx(m.name(), m.name(), m.config(), p, onnx, tok, engine, ortThreads, m.maxLength());
    }

    private Loaded loadArtifact(Engine engine, Pooling pooling, int ortThreads) throws IOException {
        Path file = existing(Path.of(value), "trained encoder artifact");
        Encoder loaded = EncoderArtifact.load(file.toFile());
        Pooling p = pooling == null ? loaded.pooling() : pooling;
        Encoder enc = loaded;
        EncoderGraphFactory.BlockSettings blocks = EncoderGraphFactory.blockSettings(loaded.graph());
        if (p != loaded.pooling()) {
            // the pooling is a vertex of the graph: rebuild with the same weights and block settings
            BertConfig c = loaded.config();
            BertWeights w = EncoderGraphFactory.weightsOf(loaded.graph(), c, blocks.layerNormEps(), blocks.maskBias());
            enc = new Encoder(loaded.modelName(), c, p, c.positions(), EncoderGraphFactory.fromWeights(w, p), loaded.tokenizerJson())
                    .named(loaded.name());
        }
        if (engine == Engine.DL4J) {
            BertConfig c = enc.config();
            BertWeights w = EncoderGraphFactory.weightsOf(enc.graph(), c, blocks.layerNormEps(), blocks.maskBias());
            return new Loaded(new Dl4jEngine(positionsWide(enc)), ModelIds.of(enc.name(), w, p), loaded.maxLength());
        }
        PretrainedModel source;
        try {
            source = PretrainedModel.byName(enc.modelName());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("artifact " + value + " is a '" + enc.modelName() + "' model, which is not registered: "
                    + "there is no source ONNX to run it on ONNX Runtime; export it (with the model's own ONNX file) and use the export folder", e);
        }
        byte[] src;
        try (InputStream in = source.openOnnx()) {
            src = in.readAllBytes();
        }
        OnnxExporter.Exported ex = OnnxExporter.export(enc, src);
        return new Loaded(new OnnxRuntimeEngine(enc.modelName(), enc.config(), p, enc.tokenizer(), ex.onnx(), ortThreads), ex.modelId(),
                loaded.maxLength());
    }

    private Loaded loadExport(Engine engine, Pooling pooling, int ortThreads) throws IOException {
        Path dir = existing(Path.of(value), "ONNX export folder");
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("model '" + value + "' is neither a registered name (" + PretrainedModel.all().stream()
                    .map(PretrainedModel::name).toList() + "), a trained .zip, nor an ONNX export folder");
        }
        byte[] desc = Files.readAllBytes(existing(dir.resolve(OnnxExporter.ENCODER_FILE), "export description"));
        OnnxExporter.Description d = OnnxExporter.describe(desc, dir.toString());
        // onnx/model.onnx (the Hugging Face layout); model.onnx in exports written before it
        Path onnxFile = Files.exists(dir.resolve(HuggingFaceLayout.ONNX_FILE)) ? dir.resolve(HuggingFaceLayout.ONNX_FILE) : dir.resolve(OnnxExporter.ONNX_FILE);
        byte[] onnx = Files.readAllBytes(existing(onnxFile, "ONNX file"));
        byte[] tok = Files.readAllBytes(existing(dir.resolve(OnnxExporter.TOKENIZER_FILE), "tokenizer"));
        return fromOnnx(d.model(), d.name(), d.config(), pooling == null ? d.pooling() : pooling, onnx, tok, engine, ortThreads, d.maxLength());
    }

    private Loaded loadInt8(Engine engine, Pooling pooling, int ortThreads) throws IOException {
        Path dir = existing(Path.of(value), "ONNX export folder");
        OnnxExporter.Description d = OnnxExporter.describe(Files.readAllBytes(existing(dir.resolve(OnnxExporter.ENCODER_FILE),
                "export description")), dir.toString());
        if (d.int8File() == null || d.int8ModelId() == null) {
            throw new IllegalArgumentException("model '" + value + "' has no int8 file: export it with --set export.quantize=int8");
        }
        if (engine != Engine.ONNXRUNTIME) {
            throw new IllegalArgumentException("model '" + value + "': int8 runs on ONNX Runtime, not " + engine.label()
                    + " (set the engine to onnxruntime)");
        }
        if (pooling != null && pooling != d.pooling()) {
            throw new IllegalArgumentException("model '" + value + "': its int8 file's model id is for its exported pooling ("
                    + d.pooling().label() + "), not " + pooling.label() + "; leave the pooling unset or export with that pooling");
        }
        byte[] onnx = Files.readAllBytes(existing(dir.resolve(d.int8File()), "int8 ONNX file"));
        byte[] tok = Files.readAllBytes(existing(dir.resolve(OnnxExporter.TOKENIZER_FILE), "tokenizer"));
        WordPieceTokenizer tokenizer = WordPieceTokenizer.fromJson(new ByteArrayInputStream(tok));
        return new Loaded(new OnnxRuntimeEngine(d.model(), d.config(), d.pooling(), tokenizer, onnx, ortThreads), d.int8ModelId(), d.maxLength());
    }

    /**
     * Either engine over ONNX bytes; the weights are imported once (DL4J's graph, the model id).
     *
     * @param model the model the weights started from (the engines' model name)
     * @param name  the model's own name, which its id carries
     */
    private static Loaded fromOnnx(String model, String name, BertConfig config, Pooling p, byte[] onnx, byte[] tok, Engine engine,
                                   int ortThreads, int maxLength) throws IOException {
        BertWeights w = BertWeights.from(OnnxModel.read(new ByteArrayInputStream(onnx)), config);
        String id = ModelIds.of(name, w, p);
        if (engine == Engine.DL4J) {
            ComputationGraph g = EncoderGraphFactory.fromWeights(w, p);
            return new Loaded(new Dl4jEngine(new Encoder(model, config, p, config.positions(), g, tok).named(name)), id, maxLength);
        }
        WordPieceTokenizer tokenizer = WordPieceTokenizer.fromJson(new ByteArrayInputStream(tok));
        return new Loaded(new OnnxRuntimeEngine(model, config, p, tokenizer, onnx, ortThreads), id, maxLength);
    }

    /** The same encoder allowed its model's full length (the long-text policy decides the length, not the artifact). */
    private static Encoder positionsWide(Encoder e) {
        return e.withMaxLength(e.config().positions());
    }

    private Path existing(Path p, String what) {
        if (!Files.exists(p)) {
            throw new UncheckedIOException(new java.io.FileNotFoundException("model '" + value + "': " + what + " " + p.toAbsolutePath()
                    + " does not exist"));
        }
        return p;
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(Locale.ROOT) + ":" + value;
    }
}
