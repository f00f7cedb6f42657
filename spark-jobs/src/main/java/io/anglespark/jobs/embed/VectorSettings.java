package io.anglespark.jobs.embed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anglespark.jobs.common.ConfigException;
import io.anglespark.jobs.common.HadoopFs;
import io.anglespark.model.serve.ModelIds;
import org.apache.hadoop.conf.Configuration;

import java.io.IOException;

/**
 * The settings that shape a model's vectors beyond its weights and pooling (which the model id covers): how long
 * texts are cut or windowed, and whether vectors are normalised. An embed output keeps them per model id in
 * {@value #FILE}; a run that continues an output must use the same ones, or its rows (and the stored vectors it
 * reuses for known texts) would mix two kinds of vector under one model id. Batch size and engine do not change
 * a vector (padding is masked; both engines agree to a cosine of 1 - 1e-8), so they are not kept.
 */
final class VectorSettings {
    static final String FILE = "_vectors.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private VectorSettings() {
    }

    static ObjectNode of(EmbedConfig cfg) {
        return JSON.createObjectNode().put("long_text", cfg.policy().describe()).put("normalize", cfg.normalize());
    }

    /**
     * Refuses settings other than the ones the output's vectors of {@code modelId} were made with.
     *
     * @return whether the output has no record for {@code modelId} yet ({@link #record} it before the first commit)
     */
    static boolean check(String out, String modelId, EmbedConfig cfg, Configuration hadoop) throws IOException {
        ObjectNode all = read(out, hadoop);
        for (java.util.Iterator<String> ids = all.fieldNames(); ids.hasNext(); ) {
            String id = ids.next();
            if (!id.equals(modelId) && ModelIds.floatModel(id).equals(ModelIds.floatModel(modelId))) {
                throw new ConfigException("output " + out + " holds vectors of " + id + "; this run's model is " + modelId + ", the "
                        + (modelId.endsWith(ModelIds.INT8_SUFFIX) ? "int8 quantization of that model" : "float model of that int8 one")
                        + ": the two kinds of vectors of one model would sit side by side, and a reader could mix them. Write them to "
                        + "another output, or pass --overwrite to replace this one");
            }
        }
        JsonNode have = all.get(modelId);
        if (have == null) {
            return true;
        }
        ObjectNode want = of(cfg);
        if (!have.equals(want)) {
            throw new ConfigException("output " + out + " holds vectors of " + modelId + " made with " + describe(have)
                    + "; this run would make them with " + describe(want) + " and the two kinds would mix under one model id "
                    + "(keys embed.max-length, embed.long-text.*, embed.normalize): run with the output's settings, write to "
                    + "another output, or pass --overwrite to replace it");
        }
        return false;
    }

    /** Adds this run's settings for {@code modelId} to the output's record (written atomically). */
    static void record(String out, String modelId, EmbedConfig cfg, Configuration hadoop) throws IOException {
        ObjectNode all = read(out, hadoop);
        all.set(modelId, of(cfg));
        HadoopFs.writeStringAtomically(out + "/" + FILE, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(all), hadoop);
    }

    private static ObjectNode read(String out, Configuration hadoop) throws IOException {
        String file = out + "/" + FILE;
        if (!HadoopFs.exists(file, hadoop)) {
            return JSON.createObjectNode();
        }
        JsonNode n = JSON.readTree(HadoopFs.readString(file, hadoop));
        if (!(n instanceof ObjectNode o)) {
            throw new IOException(file + " is not a JSON object (an embed output's record of its vector settings)");
        }
        return o;
    }

    private static String describe(JsonNode s) {
        return s.path("long_text").asText() + (s.path("normalize").asBoolean() ? ", normalised" : ", not normalised");
    }
}
