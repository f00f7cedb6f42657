package io.anglespark.model.encoder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anglespark.model.BertConfig;
import io.anglespark.model.Pooling;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * One file holding a whole {@link Encoder}: DL4J's {@link ModelSerializer} zip (graph configuration and
 * parameters; no updater state) with two more entries, {@value #TOKENIZER_ENTRY} (the Hugging Face
 * {@code tokenizer.json} bytes) and {@value #CONFIG_ENTRY} (model name, pooling, max length and the
 * {@link BertConfig}, as JSON). We write the zip ourselves, copying ModelSerializer's entries and adding ours,
 * rather than using {@code ModelSerializer.addObjectToFile} (Java serialisation, file-only): the extras stay
 * readable JSON, streams work, and the artifact is still a valid ModelSerializer file
 * ({@code ModelSerializer.restoreComputationGraph} opens it and ignores our entries).
 */
public final class EncoderArtifact {
    public static final String TOKENIZER_ENTRY = "angle-spark/tokenizer.json";
    public static final String CONFIG_ENTRY = "angle-spark/encoder.json";
    private static final int FORMAT = 1;
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
        Path tmp = Files.createTempFile("encoder-dl4j", ".zip");
        try {
            ModelSerializer.writeModel(encoder.graph(), tmp.toFile(), false);
            ZipOutputStream zip = new ZipOutputStream(out);
            try (ZipInputStream in = new ZipInputStream(new BufferedInputStream(Files.newInputStream(tmp)))) {
                for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                    zip.putNextEntry(new ZipEntry(e.getName()));
                    in.transferTo(zip);
                    zip.closeEntry();
                }
            }
            zip.putNextEntry(new ZipEntry(TOKENIZER_ENTRY));
            zip.write(encoder.tokenizerJson());
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry(CONFIG_ENTRY));
            zip.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(config(encoder)));
            zip.closeEntry();
            zip.finish();
            out.flush();
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public static Encoder load(File file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file.toPath()))) {
            return load(in);
        }
    }

    /** Reads an artifact from {@code in} (read to its end, not closed). */
    public static Encoder load(InputStream in) throws IOException {
        Path tmp = Files.createTempFile("encoder-artifact", ".zip");
        try {
            Files.copy(in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            byte[] tokenizer = null;
            JsonNode conf = null;
            try (ZipInputStream zin = new ZipInputStream(new BufferedInputStream(Files.newInputStream(tmp)))) {
                for (ZipEntry e; (e = zin.getNextEntry()) != null; ) {
                    if (e.getName().equals(TOKENIZER_ENTRY)) {
                        tokenizer = zin.readAllBytes();
                    } else if (e.getName().equals(CONFIG_ENTRY)) {
                        conf = JSON.readTree(zin.readAllBytes());
                    }
                }
            }
            if (tokenizer == null || conf == null) {
                throw new IOException("not an encoder artifact: entry " + (tokenizer == null ? TOKENIZER_ENTRY : CONFIG_ENTRY) + " is missing");
            }
            if (conf.path("format").asInt() != FORMAT) {
                throw new IOException("encoder artifact format " + conf.path("format") + " is not supported (expected " + FORMAT + ")");
            }
            ComputationGraph graph = ModelSerializer.restoreComputationGraph(tmp.toFile(), false);
            BertConfig bert = bertConfig(conf.get("bertConfig"));
            return new Encoder(conf.get("model").asText(), bert, Pooling.parse(conf.get("pooling").asText()),
                    conf.get("maxLength").asInt(), graph, tokenizer);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static ObjectNode config(Encoder e) {
        ObjectNode n = JSON.createObjectNode();
        n.put("format", FORMAT);
        n.put("model", e.modelName());
        n.put("pooling", e.pooling().label());
        n.put("maxLength", e.maxLength());
        putBertConfig(n, e.config());
        return n;
    }

    /** The architecture {@link #putBertConfig} wrote. */
    public static BertConfig bertConfig(JsonNode c) {
        return new BertConfig(c.get("layers").asInt(), c.get("hidden").asInt(), c.get("heads").asInt(), c.get("intermediate").asInt(),
                c.get("vocab").asInt(), c.get("positions").asInt(), c.get("typeVocab").asInt(), c.get("layerNormEps").asDouble());
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
}
