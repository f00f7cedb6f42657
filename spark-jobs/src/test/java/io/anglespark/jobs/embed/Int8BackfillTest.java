package io.anglespark.jobs.embed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.anglespark.jobs.TestSpark;
import io.anglespark.jobs.common.ConfigException;
import io.anglespark.jobs.common.JobConfigs;
import io.anglespark.jobs.export.ExportConfig;
import io.anglespark.jobs.export.ExportJob;
import io.anglespark.model.Pooling;
import io.anglespark.model.PretrainedModel;
import io.anglespark.model.encoder.Encoder;
import io.anglespark.model.encoder.EncoderArtifact;
import io.anglespark.model.serve.OnnxExporter;
import io.anglespark.prep.SharedData;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An int8 export end to end: the export job writes the int8 file beside the float one with its own model id, the
 * embed job runs it on ONNX Runtime with vectors close to the float ones, and an output holding one kind of a
 * model's vectors refuses the other kind, naming both ids.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Int8BackfillTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private SparkSession spark;
    private Path dir;
    private Path export;
    private Path corpus;
    private String floatId;

    @BeforeAll
    void exportWithInt8() throws Exception {
        spark = TestSpark.start("int8-backfill");
        dir = Files.createTempDirectory("int8-backfill");
        Path zip = dir.resolve("model.zip");
        EncoderArtifact.save(Encoder.pretrained(PretrainedModel.MINILM_L6_V2, Pooling.MEAN, 128).named("faq"), zip.toFile());
        export = dir.resolve("export");
        floatId = ExportJob.run(spark, ExportConfig.from(JobConfigs.load(SharedData.projectRoot().resolve("conf/export.conf").toString(),
                List.of("export.model=" + zip, "export.output=" + export, "export.quantize=int8"), new Configuration())));
        List<String> lines = new ArrayList<>();
        List<String> sts = SharedData.lines("stsbenchmark/sts-test.csv");
        for (int i = 0; i < 120; i++) {
            lines.add(JSON.createObjectNode().put("id", "t" + i).put("text", sts.get(i).split("\t")[5]).toString());
        }
        corpus = dir.resolve("corpus.jsonl");
        Files.write(corpus, lines, StandardCharsets.UTF_8);
    }

    @AfterAll
    void stop() {
        EngineCache.clear();
        spark.stop();
    }

    private EmbedConfig config(Path out, String... more) {
        List<String> o = new ArrayList<>(List.of("embed.input.path=" + corpus, "embed.input.format=jsonl", "embed.output=" + out,
                "embed.model=" + export, "embed.engine=onnxruntime", "embed.partitions=2"));
        o.addAll(List.of(more));
        return EmbedConfig.from(JobConfigs.load(SharedData.projectRoot().resolve("conf/embed.conf").toString(), o, new Configuration()));
    }

    @Test
    void theExportCarriesTheInt8FileBesideTheFloatOneUnderItsOwnModelId() throws Exception {
        assertTrue(floatId.startsWith("faq@"), floatId);
        assertTrue(Files.isRegularFile(export.resolve(OnnxExporter.INT8_FILE)));
        assertTrue(Files.size(export.resolve(OnnxExporter.INT8_FILE)) < 0.7 * Files.size(export.resolve("onnx/model.onnx")),
                "the dense layers in int8 (the word embeddings, half of MiniLM-L6's file, stay float)");
        JsonNode enc = JSON.readTree(export.resolve("encoder.json").toFile());
        assertEquals(floatId + "-int8", enc.path("int8").path("model_id").asText());
        assertEquals(36, enc.path("int8").path("quantized_matmuls").asInt(), "six dense layers in each of MiniLM-L6's six blocks");
        JsonNode run = JSON.readTree(export.resolve("_run.json").toFile());
        assertTrue(run.path("int8_check_min_cosine").asDouble() >= 0.95, run.toString());
        assertFalse(Files.exists(export.resolve("onnx/.model_quantized.onnx.crc")), "no checksum files");
    }

    @Test
    void int8VectorsAreCloseToTheFloatOnesAndNeverShareAnOutputWithThem() throws Exception {
        Path floats = dir.resolve("vectors-fp32");
        EmbedReport fp32 = EmbedJob.run(spark, config(floats));
        assertEquals(floatId, fp32.modelId());
        ConfigException mixed = assertThrows(ConfigException.class, () -> EmbedJob.run(spark, config(floats, "embed.precision=int8")));
        assertTrue(mixed.getMessage().contains(floatId + "-int8") && mixed.getMessage().contains("holds vectors of " + floatId + ";"),
                mixed.getMessage());

        Path ints = dir.resolve("vectors-int8");
        EmbedReport int8 = EmbedJob.run(spark, config(ints, "embed.precision=int8"));
        assertEquals(floatId + "-int8", int8.modelId());
        assertEquals(120, int8.written());
        Map<String, float[]> a = vectors(floats);
        Map<String, float[]> b = vectors(ints);
        double min = 1;
        for (String id : a.keySet()) {
            double dot = 0;
            for (int j = 0; j < a.get(id).length; j++) {
                dot += (double) a.get(id)[j] * b.get(id)[j];
            }
            min = Math.min(min, dot);
        }
        assertTrue(min >= 0.95, "min cosine int8 vs fp32 over 120 texts: " + min);
        JsonNode run = JSON.readTree(ints.resolve("_run.json").toFile());
        assertEquals("int8", run.path("precision").asText());
        assertTrue(run.path("ort_threads").asText().startsWith("spark.task.cpus"), run.path("ort_threads").toString());
        ConfigException back = assertThrows(ConfigException.class, () -> EmbedJob.run(spark, config(ints)));
        assertTrue(back.getMessage().contains("float model of that int8 one"), back.getMessage());
    }

    private Map<String, float[]> vectors(Path out) {
        Map<String, float[]> m = new java.util.HashMap<>();
        for (org.apache.spark.sql.Row r : spark.read().parquet(out.resolve(EmbedJob.EMBEDDINGS).toString()).collectAsList()) {
            List<Float> e = r.getList(r.fieldIndex("embedding"));
            float[] v = new float[e.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = e.get(i);
            }
            m.put(r.getString(r.fieldIndex("id")), v);
        }
        return m;
    }

    @Test
    void int8IsRefusedOnDl4jAndForAModelWithoutAnInt8File() {
        ConfigException dl4j = assertThrows(ConfigException.class, () -> config(dir.resolve("x"), "embed.precision=int8", "embed.engine=dl4j"));
        assertTrue(dl4j.getMessage().contains("embed.precision") && dl4j.getMessage().contains("onnxruntime"), dl4j.getMessage());
        Exception registered = assertThrows(Exception.class, () -> EmbedJob.run(spark, config(dir.resolve("y"), "embed.precision=int8",
                "embed.model=minilm-l6-v2")));
        assertTrue(String.valueOf(registered.getMessage()).contains("export.quantize=int8"), registered.getMessage());
    }
}
