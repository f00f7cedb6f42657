package io.anglespark.jobs.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.anglespark.jobs.TestSpark;
import io.anglespark.jobs.common.ConfigException;
import io.anglespark.jobs.common.JobConfigs;
import io.anglespark.model.BertConfig;
import io.anglespark.model.Pooling;
import io.anglespark.model.PretrainedModel;
import io.anglespark.model.encoder.Encoder;
import io.anglespark.model.encoder.EncoderArtifact;
import io.anglespark.model.encoder.EncoderGraphFactory;
import io.anglespark.model.serve.Engine;
import io.anglespark.model.serve.ModelRef;
import io.anglespark.prep.SharedData;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The export job writes a MiniLM-L6 artifact (pretrained weights, CLS pooling instead of its own mean, so the
 * export carries a setting of the artifact) as an ONNX folder that loads on ONNX Runtime with the same model id,
 * checked against DL4J before writing; an artifact of an unregistered model needs its source ONNX named.
 */
class ExportJobTest {
    private static final String CONF = SharedData.projectRoot().resolve("conf/export.conf").toString();
    private static SparkSession spark;
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        spark = TestSpark.start("export-test");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static ExportConfig config(String... overrides) {
        return ExportConfig.from(JobConfigs.load(CONF, List.of(overrides), new Configuration()));
    }

    @Test
    void aTrainedArtifactIsWrittenInTheHuggingFaceLayoutWithoutChecksumFilesAndLoadsOnOnnxRuntimeWithItsModelId() throws IOException {
        Path zip = dir.resolve("minilm-cls.zip");
        EncoderArtifact.save(Encoder.pretrained(PretrainedModel.MINILM_L6_V2, Pooling.CLS, 128), zip.toFile());
        Path out = dir.resolve("onnx");
        String id = ExportJob.run(spark, config("export.model=" + zip, "export.output=" + out));
        List<String> written;
        try (var files = Files.walk(out)) {
            written = files.filter(Files::isRegularFile).map(f -> out.relativize(f).toString()).sorted().toList();
        }
        assertEquals(List.of("1_Pooling/config.json", "README.md", "_run.json", "config.json", "config_sentence_transformers.json", "encoder.json",
                "modules.json", "onnx/model.onnx", "sentence_bert_config.json", "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json",
                "vocab.txt"), written, "the Hugging Face layout, ours beside it, no Hadoop .crc file");
        assertEquals(128, new ObjectMapper().readTree(out.resolve("sentence_bert_config.json").toFile()).path("max_seq_length").asInt(),
                "the artifact's one maximum length");
        JsonNode run = new ObjectMapper().readTree(out.resolve("_run.json").toFile());
        assertEquals(id, run.path("model_id").asText());
        assertTrue(run.path("check_min_cosine").asDouble() >= 0.9999, run.toString());
        ModelRef.Loaded ort = ModelRef.parse(out.toString()).load(Engine.ONNXRUNTIME, null, 0);
        assertEquals(id, ort.modelId());
        assertEquals(Pooling.CLS, ort.engine().pooling());
        ort.engine().close();
        assertThrows(io.anglespark.jobs.common.HadoopFs.OutputExistsException.class,
                () -> ExportJob.run(spark, config("export.model=" + zip, "export.output=" + out)));
    }

    @Test
    void anUnregisteredModelWithoutSourceOnnxIsRefusedNamingTheKey() throws IOException {
        byte[] tok;
        try (InputStream in = PretrainedModel.MINILM_L6_V2.openTokenizer()) {
            tok = in.readAllBytes();
        }
        BertConfig tiny = new BertConfig(1, 16, 2, 32, 30522, 64, 2, 1e-12);
        Path zip = dir.resolve("tiny.zip");
        EncoderArtifact.save(new Encoder("tiny", tiny, Pooling.MEAN, 64, EncoderGraphFactory.build(tiny, Pooling.MEAN, 3), tok), zip.toFile());
        ConfigException e = assertThrows(ConfigException.class,
                () -> ExportJob.run(spark, config("export.model=" + zip, "export.output=" + dir.resolve("tiny-onnx"))));
        assertTrue(e.getMessage().contains("export.source-onnx"), e.getMessage());
        assertTrue(!Files.exists(dir.resolve("tiny-onnx")), "nothing written");
    }

    @Test
    void theModelCardOfATrainedModelNamesItsBaseModelDataRecipeAndScoresFromItsTrainingRun() throws IOException {
        Path run = Files.createDirectories(dir.resolve("run-7"));
        Path zip = run.resolve("model.zip");
        EncoderArtifact.save(Encoder.pretrained(PretrainedModel.BGE_SMALL_EN_V15, Pooling.CLS, 64), zip.toFile());
        // the fields a training run's _run.json has (TrainJobTest writes real ones; these values are made up)
        Files.writeString(run.resolve("_run.json"), """
                {"job": "train", "producer": "angle-spark",
                 "config": {"input": "hdfs://nn/prepared/2026-12", "training": {"loss": {"cosineWeight": 0.0, "angleWeight": 1.0}}},
                 "training": {"initial_dev_spearman": 0.8512, "best_dev_spearman": 0.8803, "best_step": 120}}""");
        Path out = dir.resolve("card-export");
        ExportJob.run(spark, config("export.model=" + zip, "export.output=" + out, "export.check.texts=2"));
        String card = Files.readString(out.resolve("README.md"));
        assertTrue(card.startsWith("---\nlicense: mit\nbase_model: BAAI/bge-small-en-v1.5\n"), card);
        for (String expected : List.of("| base model | bge-small-en-v1.5 (BAAI/bge-small-en-v1.5) |", "| training data | hdfs://nn/prepared/2026-12 |",
                "| recipe | AnglE loss (cosineWeight 0.0, angleWeight 1.0) |", "| dev Spearman x100 at the start | 85.12 |",
                "| dev Spearman x100, best (step 120) | 88.03 |", "| maximum length | 64 tokens", "| pooling | cls, then L2-normalised |")) {
            assertTrue(card.contains(expected), expected + " in:\n" + card);
        }
    }
}
