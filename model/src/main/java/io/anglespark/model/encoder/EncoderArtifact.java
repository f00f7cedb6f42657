package io.anglespark.model.encoder;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anglespark.model.BertConfig;
import io.anglespark.model.ModelFileException;
import io.anglespark.model.NdArrayReader;
import io.anglespark.model.Pooling;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * One file holding a whole {@link Encoder}: a zip of exactly these entries.
 * <ul>
 *   <li>{@value #DL4J_CONFIGURATION_ENTRY} and {@value #DL4J_COEFFICIENTS_ENTRY}: what DL4J's
 *       {@code ModelSerializer.writeModel(graph, file, false)} writes (1.0.0-M2.1: the graph configuration as JSON,
 *       the flattened parameters in ND4J's binary format; no updater state), so the file stays a valid
 *       ModelSerializer file for DL4J tools;</li>
 *   <li>{@value #TOKENIZER_ENTRY}: the Hugging Face {@code tokenizer.json} bytes;</li>
 *   <li>{@value #CONFIG_ENTRY}: our description (format, model name, pooling, max length, the {@link BertConfig}, and
 *       from format 2 on the blocks' layer-norm epsilon and mask bias), as JSON.</li>
 * </ul>
 *
 * <p><b>Loading runs no code from the file.</b> A model.zip may come from anyone, and DL4J's loader is not safe for
 * that: {@code ModelSerializer.restoreComputationGraph} Java-deserialises a {@code preprocessor.bin} entry before it
 * checks its type, and hands {@code configuration.json} to a Jackson mapper that instantiates any class the JSON
 * names ({@code @class}). So {@link #load} never calls ModelSerializer:
 * <ol>
 *   <li>the zip's entry names (from its central directory) must be among the four above, each once; anything else is
 *       refused, naming the entry, before any entry is read;</li>
 *   <li>{@value #CONFIG_ENTRY} is read as a plain JSON tree and checked value by value (the {@link BertConfig}'s
 *       bounds cap what the file can make us allocate);</li>
 *   <li>{@value #DL4J_CONFIGURATION_ENTRY}, when present, is read as a plain JSON tree (no type binding) and every class
 *       it names ({@code @class}, Jackson's type ids of DL4J's distributions, any qualified class name) must be one of
 *       {@link #DL4J_CLASSES}; a format-1 artifact's block settings are read from it;</li>
 *   <li>the graph is built by {@link EncoderGraphFactory} from our description, never from DL4J's JSON;</li>
 *   <li>{@value #DL4J_COEFFICIENTS_ENTRY} is read by {@link NdArrayReader}: its header must agree with the
 *       parameter count the architecture needs ({@link BertConfig#parameters()}) and FLOAT before anything is
 *       allocated, and exactly that many values are read.</li>
 * </ol>
 * Every entry is read through a size cap. Whatever is wrong fails as one {@link ModelFileException} naming the file.
 *
 * <p>We write the zip ourselves, DL4J's two entries as {@code ModelSerializer.writeModel} writes them (the configuration's
 * JSON, {@code Nd4j.write} of the flattened parameters) and ours beside them, the weights stored without compression
 * (they compress by a few percent, and deflating a 130 MB model cost seconds at every checkpoint). A training checkpoint is an artifact of the training graph (the encoder and a loss layer without
 * parameters): it loads as its encoder.
 */
public final class EncoderArtifact {
    public static final String TOKENIZER_ENTRY = "angle-spark/tokenizer.json";
    public static final String CONFIG_ENTRY = "angle-spark/encoder.json";
    /** ModelSerializer's graph configuration (DL4J's polymorphic JSON; never given to DL4J's mapper by {@link #load}). */
    public static final String DL4J_CONFIGURATION_ENTRY = "configuration.json";
    /** ModelSerializer's parameters: ND4J's binary format of the flattened parameter vector. */
    public static final String DL4J_COEFFICIENTS_ENTRY = "coefficients.bin";
    /** Every entry an artifact may hold; {@value #DL4J_CONFIGURATION_ENTRY} is optional, the others are required. */
    public static final Set<String> ENTRIES = Set.of(DL4J_CONFIGURATION_ENTRY, DL4J_COEFFICIENTS_ENTRY, TOKENIZER_ENTRY, CONFIG_ENTRY);

    /**
     * The classes {@value #DL4J_CONFIGURATION_ENTRY} of the graphs we build may name: an encoder graph (DL4J's default
     * Sgd updater) and a training graph (Adam with our schedule, weight decay, the loss layer). Ours by name where
     * referring to the class would tie this package to the training code.
     */
    public static final Set<String> DL4J_CLASSES = Set.of(
            "org.deeplearning4j.nn.conf.graph.LayerVertex",
            "org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer",
            "org.deeplearning4j.nn.weights.WeightInitDistribution",
            "org.deeplearning4j.nn.conf.distribution.NormalDistribution",
            "org.nd4j.linalg.activations.impl.ActivationIdentity",
            "org.nd4j.linalg.learning.config.Sgd",
            "org.nd4j.linalg.learning.config.Adam",
            "org.nd4j.linalg.learning.regularization.WeightDecay",
            "org.nd4j.linalg.schedule.FixedSchedule",
            EmbeddingVertex.class.getName(),
            TransformerBlockVertex.class.getName(),
            PoolingVertex.class.getName(),
            "io.anglespark.model.loss.AngleLossLayer",
            "io.anglespark.model.train.WarmupLinearSchedule");

    /** 2: {@value #CONFIG_ENTRY} records the blocks' layer-norm epsilon and mask bias (format 1 left them to DL4J's JSON). */
    private static final int FORMAT = 2;
    private static final int MAX_CONFIG_BYTES = 1 << 20;
    private static final int MAX_DL4J_CONFIGURATION_BYTES = 16 << 20;
    private static final int MAX_TOKENIZER_BYTES = 64 << 20;
    private static final int MAX_MODEL_NAME_CHARS = 200;
    /** A whole artifact: the largest parameter vector allowed, stored, plus the JSON entries. */
    static final long MAX_FILE_BYTES = 4 * BertConfig.MAX_PARAMETERS + (128L << 20);
    /** A qualified Java class name ({@code a.b.C}, {@code a.b.C$D}), wherever it appears in DL4J's JSON. */
    private static final Pattern CLASS_NAME = Pattern.compile("[A-Za-z_$][\\w$]*(\\.[A-Za-z_$][\\w$]*)+");
    private static final ObjectMapper JSON = new ObjectMapper();

    private EncoderArtifact() {
    }

    public static void save(Encoder encoder, File file) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file.toPath()))) {
            save(encoder, out);
        }
    }

    /** Writes the artifact to {@code out} (not closed). */
    public static void save(Encoder encoder, OutputStream out) throws IOException {
        ZipOutputStream zip = new ZipOutputStream(out);
        put(zip, DL4J_CONFIGURATION_ENTRY, encoder.graph().getConfiguration().toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        // float weights barely compress (a few percent) and deflating 130 MB took seconds at every save: stored as they are
        zip.setLevel(java.util.zip.Deflater.NO_COMPRESSION);
        zip.putNextEntry(new ZipEntry(DL4J_COEFFICIENTS_ENTRY));
        java.io.DataOutputStream d = new java.io.DataOutputStream(new BufferedOutputStream(new java.io.FilterOutputStream(zip) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush(); // the zip stays open for the next entry
            }
        }, 1 << 20));
        org.nd4j.linalg.factory.Nd4j.write(encoder.graph().params(), d);
        d.close();
        zip.closeEntry();
        zip.setLevel(java.util.zip.Deflater.DEFAULT_COMPRESSION);
        put(zip, TOKENIZER_ENTRY, encoder.tokenizerJson());
        put(zip, CONFIG_ENTRY, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(config(encoder)));
        zip.finish();
        out.flush();
    }

    private static void put(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(bytes);
        zip.closeEntry();
    }

    /** Loads an artifact file; failures name {@code file} as given. */
    public static Encoder load(File file) throws IOException {
        String name = file.getPath();
        if (!file.isFile()) {
            throw new ModelFileException(name, file.exists() ? "is not a file" : "does not exist");
        }
        return read(file.toPath(), name);
    }

    /**
     * Reads an artifact from {@code in} (read to its end, at most {@link #MAX_FILE_BYTES}; not closed), e.g. a
     * Hadoop stream.
     *
     * @param name the file as the user named it, for messages
     */
    public static Encoder load(InputStream in, String name) throws IOException {
        Path tmp = Files.createTempFile("encoder-artifact", ".zip");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                byte[] buf = new byte[1 << 16];
                long total = 0;
                for (int n; (n = in.read(buf)) != -1; ) {
                    total += n;
                    if (total > MAX_FILE_BYTES) {
                        throw new ModelFileException(name, "is larger than " + MAX_FILE_BYTES + " bytes, more than any encoder artifact");
                    }
                    out.write(buf, 0, n);
                }
            }
            return read(tmp, name);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static Encoder read(Path path, String name) throws IOException {
        ZipFile zip;
        try {
            zip = new ZipFile(path.toFile());
        } catch (ZipException e) {
            throw new ModelFileException(name, "is not a zip file, so not an encoder artifact (" + e.getMessage() + ")", e);
        }
        try (zip) {
            Map<String, ZipEntry> entries = entries(zip, name);
            JsonNode conf = json(zip, entries.get(CONFIG_ENTRY), MAX_CONFIG_BYTES, name);
            Description d = describe(conf, name);
            JsonNode dl4j = entries.containsKey(DL4J_CONFIGURATION_ENTRY)
                    ? json(zip, entries.get(DL4J_CONFIGURATION_ENTRY), MAX_DL4J_CONFIGURATION_BYTES, name) : null;
            if (dl4j != null) {
                checkClasses(dl4j, "", name);
            }
            EncoderGraphFactory.BlockSettings blocks = d.blocks() != null ? d.blocks() : blocksOfFormat1(dl4j, name);
            byte[] tokenizer = entry(zip, entries.get(TOKENIZER_ENTRY), name, in -> bounded(in, MAX_TOKENIZER_BYTES, TOKENIZER_ENTRY, name));
            INDArray params = entry(zip, entries.get(DL4J_COEFFICIENTS_ENTRY), name, in -> NdArrayReader.readVector(
                    new BufferedInputStream(in), d.bert().parameters(), DataType.FLOAT, name, "entry " + DL4J_COEFFICIENTS_ENTRY));
            ComputationGraph graph = EncoderGraphFactory.withParameters(d.bert(), d.pooling(), blocks, params);
            Encoder encoder;
            try {
                encoder = new Encoder(d.model(), d.bert(), d.pooling(), d.maxLength(), graph, tokenizer).named(d.name());
            } catch (IllegalArgumentException | UncheckedIOException e) {
                throw new ModelFileException(name, "entry " + TOKENIZER_ENTRY + " is not a usable tokenizer: " + e.getMessage(), e);
            }
            if (encoder.tokenizer().vocabSize() > d.bert().vocab()) {
                throw new ModelFileException(name, "entry " + TOKENIZER_ENTRY + " has token ids up to " + (encoder.tokenizer().vocabSize() - 1)
                        + " but the model's vocabulary has " + d.bert().vocab() + " rows");
            }
            return encoder;
        }
    }

    /** The entries by name, checked against {@link #ENTRIES} from the central directory alone (nothing is read). */
    private static Map<String, ZipEntry> entries(ZipFile zip, String name) throws ModelFileException {
        Map<String, ZipEntry> out = new LinkedHashMap<>();
        for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
            ZipEntry e = en.nextElement();
            if (!ENTRIES.contains(e.getName())) {
                throw new ModelFileException(name, "entry '" + e.getName() + "' is not part of an encoder artifact (its entries are "
                        + new TreeSet<>(ENTRIES) + "); nothing was loaded");
            }
            if (out.put(e.getName(), e) != null) {
                throw new ModelFileException(name, "entry '" + e.getName() + "' appears twice");
            }
        }
        for (String required : new String[]{CONFIG_ENTRY, TOKENIZER_ENTRY, DL4J_COEFFICIENTS_ENTRY}) {
            if (!out.containsKey(required)) {
                throw new ModelFileException(name, "entry " + required + " is missing, so this is not an encoder artifact (entries: "
                        + out.keySet() + ")");
            }
        }
        return out;
    }

    private interface EntryReader<T> {
        T read(InputStream in) throws IOException;
    }

    /** Reads one entry; an I/O failure of the zip itself (corrupt or truncated data) names the entry. */
    private static <T> T entry(ZipFile zip, ZipEntry e, String name, EntryReader<T> reader) throws IOException {
        try (InputStream in = zip.getInputStream(e)) {
            return reader.read(in);
        } catch (ModelFileException ex) {
            throw ex;
        } catch (IOException ex) {
            throw new ModelFileException(name, "entry " + e.getName() + " cannot be read, the zip is corrupt or truncated (" + ex + ")", ex);
        }
    }

    private static byte[] bounded(InputStream in, int max, String entry, String name) throws IOException {
        byte[] b = in.readNBytes(max + 1);
        if (b.length > max) {
            throw new ModelFileException(name, "entry " + entry + " is larger than " + max + " bytes");
        }
        return b;
    }

    /** An entry as a plain JSON tree (no type binding: nothing is instantiated from it). */
    private static JsonNode json(ZipFile zip, ZipEntry e, int max, String name) throws IOException {
        byte[] bytes = entry(zip, e, name, in -> bounded(in, max, e.getName(), name));
        JsonNode n;
        try {
            n = JSON.readTree(bytes);
        } catch (JsonProcessingException ex) {
            throw new ModelFileException(name, "entry " + e.getName() + " is not valid JSON: " + ex.getOriginalMessage(), ex);
        }
        if (n == null || !n.isObject()) {
            throw new ModelFileException(name, "entry " + e.getName() + " is not a JSON object");
        }
        return n;
    }

    /** What {@value #CONFIG_ENTRY} says; {@code blocks} is null for format 1. */
    private record Description(String model, String name, Pooling pooling, int maxLength, BertConfig bert,
                               EncoderGraphFactory.BlockSettings blocks) {
    }

    private static Description describe(JsonNode conf, String name) throws ModelFileException {
        try {
            int format = integer(conf, "format", "");
            if (format != 1 && format != FORMAT) {
                throw new IllegalArgumentException("format " + format + " is not supported (1 or " + FORMAT + ")");
            }
            String model = text(conf, "model", "");
            if (model.isEmpty() || model.length() > MAX_MODEL_NAME_CHARS || model.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException("model name must be 1 to " + MAX_MODEL_NAME_CHARS + " printable characters");
            }
            // the model's own name (train.name); absent in artifacts of unnamed runs and of releases before names
            String own = conf.has("name") ? text(conf, "name", "") : model;
            if (conf.has("name") && !own.matches(Encoder.NAME_PATTERN)) {
                throw new IllegalArgumentException("name must be " + Encoder.NAME_RULE);
            }
            Pooling pooling = Pooling.parse(text(conf, "pooling", ""));
            int maxLength = integer(conf, "maxLength", "");
            JsonNode b = conf.get("bertConfig");
            if (b == null || !b.isObject()) {
                throw new IllegalArgumentException("bertConfig is missing or not an object");
            }
            BertConfig bert = bertConfig(b);
            if (maxLength < 2 || maxLength > bert.positions()) {
                throw new IllegalArgumentException("maxLength " + maxLength + " is outside [2, " + bert.positions()
                        + "] (the model's positions)");
            }
            EncoderGraphFactory.BlockSettings blocks = format == 1 ? null : blockSettings(conf, "layerNormEps", "");
            return new Description(model, own, pooling, maxLength, bert, blocks);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(name, "entry " + CONFIG_ENTRY + ": " + e.getMessage(), e);
        }
    }

    /**
     * A format-1 artifact's block settings, from {@value #DL4J_CONFIGURATION_ENTRY} (already checked by
     * {@link #checkClasses}): the {@code eps} and {@code maskBias} of its {@link TransformerBlockVertex} vertices, read
     * as plain numbers.
     */
    private static EncoderGraphFactory.BlockSettings blocksOfFormat1(JsonNode dl4j, String name) throws ModelFileException {
        if (dl4j == null) {
            throw new ModelFileException(name, "entry " + DL4J_CONFIGURATION_ENTRY + " is missing; a format-1 artifact keeps its blocks' "
                    + "layer-norm epsilon and mask bias there");
        }
        EncoderGraphFactory.BlockSettings found = null;
        try {
            for (Iterator<Map.Entry<String, JsonNode>> it = dl4j.path("vertices").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> v = it.next();
                if (!TransformerBlockVertex.class.getName().equals(v.getValue().path("@class").asText())) {
                    continue;
                }
                EncoderGraphFactory.BlockSettings s = blockSettings(v.getValue(), "eps", "vertices." + v.getKey() + ".");
                if (found != null && !found.equals(s)) {
                    throw new IllegalArgumentException("vertex " + v.getKey() + " has " + s + " but an earlier block has " + found);
                }
                found = s;
            }
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(name, "entry " + DL4J_CONFIGURATION_ENTRY + ": " + e.getMessage(), e);
        }
        if (found == null) {
            throw new ModelFileException(name, "entry " + DL4J_CONFIGURATION_ENTRY + " has no transformer block");
        }
        return found;
    }

    /** The epsilon (under {@code epsKey}) and {@code maskBias} of {@code n}. */
    private static EncoderGraphFactory.BlockSettings blockSettings(JsonNode n, String epsKey, String where) {
        double eps = number(n, epsKey, where);
        double maskBias = number(n, "maskBias", where);
        if (!(eps > 0)) {
            throw new IllegalArgumentException(where + epsKey + " must be > 0, got " + eps);
        }
        return new EncoderGraphFactory.BlockSettings(eps, maskBias);
    }

    /**
     * Refuses any class {@code n} names that is not in {@link #DL4J_CLASSES}: {@code @class} values, and any field
     * name or text value shaped like a qualified class name (DL4J also uses other type-id fields, e.g. {@code type}
     * for distributions). Walks the tree only; nothing is resolved or loaded.
     */
    static void checkClasses(JsonNode n, String at, String name) throws ModelFileException {
        if (n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                String path = at.isEmpty() ? f.getKey() : at + "." + f.getKey();
                if (f.getKey().equals("@class") && !(f.getValue().isTextual() && DL4J_CLASSES.contains(f.getValue().asText()))) {
                    throw unknownClass(f.getValue().isTextual() ? f.getValue().asText() : f.getValue().toString(), path, name);
                }
                if (CLASS_NAME.matcher(f.getKey()).matches() && !DL4J_CLASSES.contains(f.getKey())) {
                    throw unknownClass(f.getKey(), path, name);
                }
                checkClasses(f.getValue(), path, name);
            }
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                checkClasses(n.get(i), at + "[" + i + "]", name);
            }
        } else if (n.isTextual() && CLASS_NAME.matcher(n.asText()).matches() && !DL4J_CLASSES.contains(n.asText())) {
            throw unknownClass(n.asText(), at, name);
        }
    }

    private static ModelFileException unknownClass(String cls, String at, String name) {
        return new ModelFileException(name, "entry " + DL4J_CONFIGURATION_ENTRY + " names class " + cls + " (at " + at + "), which is not "
                + "one an encoder artifact uses; nothing was loaded");
    }

    private static ObjectNode config(Encoder e) {
        EncoderGraphFactory.BlockSettings blocks = EncoderGraphFactory.blockSettings(e.graph());
        ObjectNode n = JSON.createObjectNode();
        n.put("format", FORMAT);
        n.put("model", e.modelName());
        if (!e.name().equals(e.modelName())) {
            n.put("name", e.name());
        }
        n.put("pooling", e.pooling().label());
        n.put("maxLength", e.maxLength());
        // the values the graph's blocks are built with (the ONNX export's), which bertConfig.layerNormEps need not be
        n.put("layerNormEps", blocks.layerNormEps());
        n.put("maskBias", blocks.maskBias());
        putBertConfig(n, e.config());
        return n;
    }

    /** The architecture {@link #putBertConfig} wrote; a missing or non-integer field or a size out of bounds fails naming it. */
    public static BertConfig bertConfig(JsonNode c) {
        String w = "bertConfig.";
        int layers = integer(c, "layers", w);
        int hidden = integer(c, "hidden", w);
        int heads = integer(c, "heads", w);
        int intermediate = integer(c, "intermediate", w);
        int vocab = integer(c, "vocab", w);
        int positions = integer(c, "positions", w);
        int typeVocab = integer(c, "typeVocab", w);
        double eps = number(c, "layerNormEps", w);
        try {
            return new BertConfig(layers, hidden, heads, intermediate, vocab, positions, typeVocab, eps);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bertConfig: " + e.getMessage(), e);
        }
    }

    /** Writes the architecture as the {@code bertConfig} object of {@code n}, as {@link #load} reads it back. */
    public static void putBertConfig(ObjectNode n, BertConfig c) {
        ObjectNode b = n.putObject("bertConfig");
        b.put("layers", c.layers());
        b.put("hidden", c.hidden());
        b.put("heads", c.heads());
        b.put("intermediate", c.intermediate());
        b.put("vocab", c.vocab());
        b.put("positions", c.positions());
        b.put("typeVocab", c.typeVocab());
        b.put("layerNormEps", c.layerNormEps());
    }

    private static int integer(JsonNode n, String key, String where) {
        JsonNode v = n.get(key);
        if (v == null || !v.isIntegralNumber()) {
            throw new IllegalArgumentException(where + key + " is missing or not an integer (" + v + ")");
        }
        if (!v.canConvertToInt()) {
            throw new IllegalArgumentException(where + key + " = " + v + " is out of range");
        }
        return v.intValue();
    }

    private static double number(JsonNode n, String key, String where) {
        JsonNode v = n.get(key);
        if (v == null || !v.isNumber() || !Double.isFinite(v.doubleValue())) {
            throw new IllegalArgumentException(where + key + " is missing or not a finite number (" + v + ")");
        }
        return v.doubleValue();
    }

    private static String text(JsonNode n, String key, String where) {
        JsonNode v = n.get(key);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException(where + key + " is missing or not a string (" + v + ")");
        }
        return v.asText();
    }
}
