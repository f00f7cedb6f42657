package io.anglespark.model.serve;

import io.anglespark.model.BertConfig;
import io.anglespark.model.Pooling;
import io.anglespark.model.PretrainedModel;
import io.anglespark.model.encoder.Encoder;
import io.anglespark.model.encoder.EncoderArtifact;
import io.anglespark.model.encoder.EncoderGraphFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every model carries one maximum length, whichever way it is loaded: a registered model its sentence-transformers
 * length, a trained artifact the length it was trained at, an export the length it records.
 */
class ModelMaxLengthTest {
    @Test
    void registeredModelsHaveTheirSentenceTransformersLength() throws IOException {
        assertEquals(Map.of("minilm-l6-v2", 256, "bge-small-en-v1.5", 512, "e5-small-v2", 512),
                Map.of("minilm-l6-v2", PretrainedModel.MINILM_L6_V2.maxLength(), "bge-small-en-v1.5", PretrainedModel.BGE_SMALL_EN_V15.maxLength(),
                        "e5-small-v2", PretrainedModel.E5_SMALL_V2.maxLength()));
        ModelRef.Loaded minilm = ModelRef.parse("minilm-l6-v2").load(Engine.ONNXRUNTIME, null, 1);
        assertEquals(256, minilm.maxLength());
        assertEquals(512, minilm.engine().config().positions(), "the engine itself accepts the model's positions");
        minilm.engine().close();
    }

    @Test
    void aTrainedArtifactAndItsExportCarryTheLengthItWasTrainedAt(@TempDir Path dir) throws IOException {
        byte[] tok;
        try (InputStream in = PretrainedModel.MINILM_L6_V2.openTokenizer()) {
            tok = in.readAllBytes();
        }
        BertConfig tiny = new BertConfig(1, 16, 2, 32, 30522, 64, 2, 1e-12);
        Path zip = dir.resolve("tiny.zip");
        EncoderArtifact.save(new Encoder("tiny", tiny, Pooling.MEAN, 48, EncoderGraphFactory.build(tiny, Pooling.MEAN, 3), tok), zip.toFile());
        ModelRef.Loaded trained = ModelRef.parse(zip.toString()).load(Engine.DL4J, null, 1);
        assertEquals(48, trained.maxLength(), "the length the artifact was trained at");
        assertEquals(64, trained.engine().config().positions());
        trained.engine().close();
        Encoder bge = Encoder.pretrained(PretrainedModel.BGE_SMALL_EN_V15, Pooling.CLS, 200);
        byte[] source;
        try (InputStream in = PretrainedModel.BGE_SMALL_EN_V15.openOnnx()) {
            source = in.readAllBytes();
        }
        OnnxExporter.export(bge, source).writeTo(dir.resolve("export"));
        ModelRef.Loaded exported = ModelRef.parse(dir.resolve("export").toString()).load(Engine.ONNXRUNTIME, null, 1);
        assertEquals(200, exported.maxLength(), "the export's encoder.json");
        exported.engine().close();
    }
}
