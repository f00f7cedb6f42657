package io.anglespark.model.encoder;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anglespark.model.BertConfig;
import io.anglespark.model.ModelFileException;
import io.anglespark.model.Pooling;
import io.anglespark.model.PretrainedModel;
import io.anglespark.model.loss.AngleLossConfig;
import io.anglespark.model.loss.LabelScale;
import io.anglespark.model.train.TrainingGraph;
import io.anglespark.model.train.ModelSpec;
import io.anglespark.model.train.TrainConfig;
import io.anglespark.prep.ExampleShape;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.anglespark.model.encoder.ArtifactZips.entries;
import static io.anglespark.model.encoder.ArtifactZips.zip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link EncoderArtifact#load} on model files that are not what they claim, built here from a small encoder's
 * artifact: it runs no code the file names (a Java-serialised entry, a class in DL4J's configuration JSON; DL4J's own
 * loader is shown to run both), refuses entries that are not ours, checks the weights' header against the architecture
 * before allocating, bounds the architecture, and each failure is one {@link ModelFileException} line naming the
 * file. Artifacts of the current format and of format 1 (as the earlier code wrote them) load and embed like the
 * original.
 */
class EncoderArtifactHostileFilesTest {
    /** 1 layer, hidden 16, MiniLM's vocabulary and tokenizer: 491,664 parameters. */
    private static final BertConfig SMALL = new BertConfig(1, 16, 2, 32, 30522, 64, 2, 1e-12);
    /** Block settings that are not the defaults: a loader that ignored them would embed differently. */
    private static final EncoderGraphFactory.BlockSettings BLOCKS = new EncoderGraphFactory.BlockSettings(1e-7, -1e4);
    private static final List<String> TEXTS = List.of("A man is playing a flute.", "Two dogs run across a snowy field.", "Hi");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Set when {@link Gadget#readObject} runs: Java deserialisation executed code the file chose. */
    static volatile boolean gadgetDeserialised;
    /** Set when {@link Trap} is initialised or constructed: a class the file named was loaded or built. */
    static volatile boolean trapTouched;

    private static byte[] tokenizer;
    private static Encoder encoder;
    private static byte[] artifact;

    @TempDir
    Path dir;

    @BeforeAll
    static void fixtures() throws IOException {
        try (InputStream in = PretrainedModel.MINILM_L6_V2.openTokenizer()) {
            tokenizer = in.readAllBytes();
        }
        ComputationGraph g = new ComputationGraph(EncoderGraphFactory.graphBuilder(SMALL, Pooling.MEAN, 5, DataType.FLOAT,
                BLOCKS.layerNormEps(), BLOCKS.maskBias()).build());
        g.init();
        encoder = new Encoder("small", SMALL, Pooling.MEAN, 64, g, tokenizer);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        EncoderArtifact.save(encoder, b);
        artifact = b.toByteArray();
    }

    /** A Java-serialisable object whose deserialisation has a side effect, as a gadget chain would. */
    public static final class Gadget implements DataSetPreProcessor {
        private static final long serialVersionUID = 1L;

        @Override
        public void preProcess(DataSet toPreProcess) {
        }

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            gadgetDeserialised = true;
        }
    }

    /** A class DL4J's Jackson mapper accepts where an activation goes; loading or building it has a side effect. */
    public static final class Trap extends ActivationIdentity {
        static {
            trapTouched = true;
        }

        public Trap() {
            trapTouched = true;
        }
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private Path write(String name, Map<String, byte[]> entries) throws IOException {
        return write(name, zip(entries));
    }

    /** Loading {@code file} fails with one line that names it and every one of {@code parts}. */
    private static ModelFileException refused(Path file, String... parts) {
        ModelFileException e = assertThrows(ModelFileException.class, () -> EncoderArtifact.load(file.toFile()));
        String m = e.getMessage();
        assertTrue(m.startsWith("model file " + file + ": "), m);
        assertFalse(m.contains("\n"), "one line: " + m);
        for (String p : parts) {
            assertTrue(m.contains(p), "'" + p + "' in: " + m);
        }
        return e;
    }

    private static byte[] serialise(Object o) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(b)) {
            out.writeObject(o);
        }
        return b.toByteArray();
    }

    private static ObjectNode encoderJson(Map<String, byte[]> e) throws IOException {
        return (ObjectNode) JSON.readTree(e.get(EncoderArtifact.CONFIG_ENTRY));
    }

    @Test
    void aJavaSerialisedPreprocessorEntryIsRefusedUnreadWhileDl4jsOwnLoaderRunsItsCode() throws IOException {
        Map<String, byte[]> e = entries(artifact);
        e.put("preprocessor.bin", serialise(new Gadget()));
        Path f = write("gadget.zip", e);
        gadgetDeserialised = false;

        refused(f, "entry 'preprocessor.bin' is not part of an encoder artifact");
        assertFalse(gadgetDeserialised, "our loader did not deserialise the entry");

        // the premise: DL4J's loader builds the object from the same bytes
        ModelSerializer.restoreComputationGraph(f.toFile(), false);
        assertTrue(gadgetDeserialised, "ModelSerializer.restoreComputationGraph ran the entry's readObject");
    }

    @Test
    void anEntryThatIsNotOursIsRefusedNamingItAndAMissingOneNamingIt() throws IOException {
        Map<String, byte[]> e = entries(artifact);
        e.put("notes/readme.txt", "hello".getBytes(StandardCharsets.UTF_8));
        refused(write("extra.zip", e), "notes/readme.txt");

        Map<String, byte[]> noTokenizer = entries(artifact);
        noTokenizer.remove(EncoderArtifact.TOKENIZER_ENTRY);
        refused(write("no-tokenizer.zip", noTokenizer), EncoderArtifact.TOKENIZER_ENTRY + " is missing");

        Map<String, byte[]> noWeights = entries(artifact);
        noWeights.remove(EncoderArtifact.DL4J_COEFFICIENTS_ENTRY);
        refused(write("no-weights.zip", noWeights), EncoderArtifact.DL4J_COEFFICIENTS_ENTRY + " is missing");

        refused(write("not-a-zip.zip", "this is not a zip".getBytes(StandardCharsets.UTF_8)), "is not a zip file");
        refused(write("empty.zip", new byte[0]), "is not a zip file");
        refused(dir.resolve("absent.zip"), "does not exist");
    }

    @Test
    void aConfigurationJsonNamingAnUnknownClassIsRefusedAndTheClassIsNeitherLoadedNorBuilt() throws IOException {
        Map<String, byte[]> e = entries(artifact);
        String json = new String(e.get(EncoderArtifact.DL4J_CONFIGURATION_ENTRY), StandardCharsets.UTF_8);
        String hostile = json.replace(ActivationIdentity.class.getName(), Trap.class.getName());
        assertNotEquals(json, hostile);
        e.put(EncoderArtifact.DL4J_CONFIGURATION_ENTRY, hostile.getBytes(StandardCharsets.UTF_8));
        trapTouched = false;

        refused(write("trap.zip", e), Trap.class.getName(), "activationFn.@class");
        assertFalse(trapTouched, "the class was not loaded, let alone constructed");

        // the premise: DL4J's mapper loads and builds any class the JSON names where it expects an activation
        ComputationGraphConfiguration.fromJson(hostile);
        assertTrue(trapTouched, "ComputationGraphConfiguration.fromJson built the named class");

        // DL4J's distributions use another type-id field ("type"): it is checked too
        Map<String, byte[]> d = entries(artifact);
        d.put(EncoderArtifact.DL4J_CONFIGURATION_ENTRY, json.replace("org.deeplearning4j.nn.conf.distribution.NormalDistribution",
                "com.example.Gadget").getBytes(StandardCharsets.UTF_8));
        refused(write("distribution.zip", d), "com.example.Gadget", "distribution.type");
    }

    @Test
    void corruptWeightsFailNamingTheFileAndAClaimedSizeIsNeverAllocated() throws IOException {
        long n = SMALL.parameters();
        byte[] coefficients = entries(artifact).get(EncoderArtifact.DL4J_COEFFICIENTS_ENTRY);

        Map<String, byte[]> truncated = entries(artifact);
        truncated.put(EncoderArtifact.DL4J_COEFFICIENTS_ENTRY, Arrays.copyOf(coefficients, coefficients.length / 2));
        refused(write("truncated.zip", truncated), "coefficients.bin is truncated", "of " + n + " values present");

        // a header claiming 2^31 floats, with 16 bytes of data: refused on the header, before anything of that size exists
        Map<String, byte[]> huge = entries(artifact);
        huge.put(EncoderArtifact.DL4J_COEFFICIENTS_ENTRY, ndArray(1L << 31, 1L << 31, "FLOAT", 16));
        refused(write("huge.zip", huge), "coefficients.bin", "2147483648 values", "needs " + n);

        // the right shape but a data buffer claiming 2^31 values
        Map<String, byte[]> hugeData = entries(artifact);
        hugeData.put(EncoderArtifact.DL4J_COEFFICIENTS_ENTRY, ndArray(n, 1L << 31, "FLOAT", 16));
        refused(write("huge-data.zip", hugeData), "claims 2147483648 values", "needs " + n);

        Map<String, byte[]> wrongCount = entries(artifact);
        wrongCount.put(EncoderArtifact.DL4J_COEFFICIENTS_ENTRY, nd4jWrite(Nd4j.zeros(DataType.FLOAT, n + 16)));
        refused(write("wrong-count.zip", wrongCount), (n + 16) + " values", "needs " + n);

        Map<String, byte[]> wrongType = entries(artifact);
        wrongType.put(EncoderArtifact.DL4J_COEFFICIENTS_ENTRY, nd4jWrite(Nd4j.zeros(DataType.DOUBLE, n)));
        refused(write("wrong-type.zip", wrongType), "holds values of type DOUBLE, not FLOAT");

        Map<String, byte[]> trailing = entries(artifact);
        trailing.put(EncoderArtifact.DL4J_COEFFICIENTS_ENTRY, Arrays.copyOf(coefficients, coefficients.length + 4));
        refused(write("trailing.zip", trailing), "bytes after its " + n + " values");

        Map<String, byte[]> garbage = entries(artifact);
        garbage.put(EncoderArtifact.DL4J_COEFFICIENTS_ENTRY, "not an array at all".getBytes(StandardCharsets.UTF_8));
        refused(write("garbage.zip", garbage), "coefficients.bin");
    }

    @Test
    void aHostileArchitectureIsRefusedBeforeAnythingIsAllocated() throws IOException {
        // each of these would need gigabytes (or overflow) if a graph were built before the check
        Object[][] cases = {
                {"vocab", 2147483647L, "vocab 2147483647 is above the limit of " + BertConfig.MAX_VOCAB},
                {"vocab", 2147483648L, "bertConfig.vocab = 2147483648 is out of range"},
                {"vocab", -5L, "every size must be positive"},
                {"hidden", 8192L, "parameters, above the limit of " + BertConfig.MAX_PARAMETERS},
                {"layers", 100000L, "layers 100000 is above the limit"},
        };
        for (Object[] c : cases) {
            Map<String, byte[]> e = entries(artifact);
            ObjectNode conf = encoderJson(e);
            ((ObjectNode) conf.get("bertConfig")).put((String) c[0], (Long) c[1]);
            if (c[0].equals("hidden")) {
                ((ObjectNode) conf.get("bertConfig")).put("heads", 1).put("intermediate", 65536).put("layers", 128);
            }
            e.put(EncoderArtifact.CONFIG_ENTRY, JSON.writeValueAsBytes(conf));
            refused(write("hostile-" + c[0] + c[1] + ".zip", e), EncoderArtifact.CONFIG_ENTRY, (String) c[2]);
        }
        Map<String, byte[]> e = entries(artifact);
        e.put(EncoderArtifact.CONFIG_ENTRY, JSON.writeValueAsBytes(encoderJson(e).put("maxLength", 100000)));
        refused(write("max-length.zip", e), "maxLength 100000 is outside [2, 64]");
        Map<String, byte[]> f = entries(artifact);
        f.put(EncoderArtifact.CONFIG_ENTRY, JSON.writeValueAsBytes(encoderJson(f).put("format", 99)));
        refused(write("format.zip", f), "format 99 is not supported");
        Map<String, byte[]> g = entries(artifact);
        g.put(EncoderArtifact.CONFIG_ENTRY, "{ not json".getBytes(StandardCharsets.UTF_8));
        refused(write("bad-json.zip", g), "angle-spark/encoder.json is not valid JSON");
    }

    @Test
    void aTokenizerThatIsNotUsableOrHasIdsBeyondTheModelsVocabularyIsRefused() throws IOException {
        Map<String, byte[]> e = entries(artifact);
        ObjectNode tok = (ObjectNode) JSON.readTree(tokenizer);
        tok.withArray("added_tokens").addObject().put("id", 40000).put("content", "[EXTRA]").put("single_word", false)
                .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true);
        e.put(EncoderArtifact.TOKENIZER_ENTRY, JSON.writeValueAsBytes(tok));
        refused(write("big-tokenizer.zip", e), "token ids up to 40000", "vocabulary has 30522 rows");

        Map<String, byte[]> f = entries(artifact);
        f.put(EncoderArtifact.TOKENIZER_ENTRY, "{}".getBytes(StandardCharsets.UTF_8));
        refused(write("empty-tokenizer.zip", f), EncoderArtifact.TOKENIZER_ENTRY + " is not a usable tokenizer");
    }

    @Test
    void anArtifactOfTheCurrentFormatAndOneOfFormat1BothLoadAndEmbedLikeTheOriginal() throws IOException {
        float[][] expected = encoder.embed(TEXTS);

        Path current = write("current.zip", artifact);
        assertEquals(2, encoderJson(entries(artifact)).get("format").asInt());
        Encoder a = EncoderArtifact.load(current.toFile());
        assertEquals(BLOCKS, EncoderGraphFactory.blockSettings(a.graph()));
        assertEquals(SMALL, a.config());
        assertEquals(Pooling.MEAN, a.pooling());
        assertEquals(64, a.maxLength());
        assertEmbedsLike(expected, a);
        assertEmbedsLike(expected, EncoderArtifact.load(new ByteArrayInputStream(artifact), "stream.zip"));

        // format 1, as the earlier code wrote it: ModelSerializer's entries, then ours without the block settings
        Path dl4j = dir.resolve("dl4j.zip");
        ModelSerializer.writeModel(encoder.graph(), dl4j.toFile(), false);
        Map<String, byte[]> old = entries(Files.readAllBytes(dl4j));
        old.put(EncoderArtifact.TOKENIZER_ENTRY, tokenizer);
        ObjectNode conf = JSON.createObjectNode().put("format", 1).put("model", "small").put("pooling", "mean").put("maxLength", 64);
        EncoderArtifact.putBertConfig(conf, SMALL);
        old.put(EncoderArtifact.CONFIG_ENTRY, JSON.writeValueAsBytes(conf));
        Encoder b = EncoderArtifact.load(write("format1.zip", old).toFile());
        assertEquals(BLOCKS, EncoderGraphFactory.blockSettings(b.graph()), "the blocks' settings come from DL4J's JSON, read as a tree");
        assertEmbedsLike(expected, b);
        assertArrayEquals(encoder.graph().params().data().asFloat(), b.graph().params().data().asFloat());

        // a format-1 artifact needs DL4J's JSON for its block settings
        old.remove(EncoderArtifact.DL4J_CONFIGURATION_ENTRY);
        refused(write("format1-no-configuration.zip", old), "configuration.json is missing");
    }

    private static void assertEmbedsLike(float[][] expected, Encoder e) {
        float[][] actual = e.embed(TEXTS);
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i], actual[i], "text " + i);
        }
    }

    @Test
    void theConfigurationJsonOfEveryGraphWeBuildPassesTheClassCheckAndEveryAllowedNameIsAClass() throws Exception {
        EncoderArtifact.checkClasses(JSON.readTree(encoder.graph().getConfiguration().toJson()), "", "encoder");
        // a training graph with every optimiser part: Adam on the schedule, weight decay, clipping, the loss layer
        TrainConfig tc = new TrainConfig(AngleLossConfig.paper(ExampleShape.SCORED_PAIR, LabelScale.STS), 2, 32, 2, 0, 1e-3, 2, 0.01, 1.0, 3, 0, 2, 17);
        ComputationGraph training = TrainingGraph.build(tc, ModelSpec.random("small", SMALL, Pooling.CLS, tokenizer), 8);
        EncoderArtifact.checkClasses(JSON.readTree(training.getConfiguration().toJson()), "", "training");
        for (String name : EncoderArtifact.DL4J_CLASSES) {
            Class.forName(name, false, getClass().getClassLoader());
        }
    }

    /** {@code Nd4j.write}'s bytes of {@code a}. */
    private static byte[] nd4jWrite(org.nd4j.linalg.api.ndarray.INDArray a) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (DataOutputStream d = new DataOutputStream(b)) {
            Nd4j.write(a, d);
        }
        return b.toByteArray();
    }

    /** ND4J binary headers of a rank-1 array of {@code shape} values and a data buffer of {@code dataLength}, then {@code bytes} zeros. */
    private static byte[] ndArray(long shape, long dataLength, String type, int bytes) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (DataOutputStream d = new DataOutputStream(b)) {
            d.writeUTF("MIXED_DATA_TYPES");
            d.writeLong(6);
            d.writeUTF("LONG");
            for (long v : new long[]{1, shape, 1, 8192, 1, 'c'}) {
                d.writeLong(v);
            }
            d.writeUTF("MIXED_DATA_TYPES");
            d.writeLong(dataLength);
            d.writeUTF(type);
            d.write(new byte[bytes]);
        }
        return b.toByteArray();
    }
}
