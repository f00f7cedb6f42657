package io.anglespark.model.serve;

import io.anglespark.model.BertConfig;
import io.anglespark.model.ModelFileException;
import io.anglespark.model.Pooling;
import io.anglespark.model.PretrainedModel;
import io.anglespark.model.encoder.Encoder;
import io.anglespark.model.encoder.EncoderArtifact;
import io.anglespark.model.encoder.EncoderGraphFactory;
import io.anglespark.model.train.ModelSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A trained model's own name ({@code train.name}) is what its model id carries, on every road (the artifact on DL4J and
 * on ONNX Runtime, its export on both), while the model it started from stays recorded for the source ONNX file.
 */
class ModelNameTest {
    private static byte[] tokenizer() throws IOException {
        try (InputStream in = PretrainedModel.MINILM_L6_V2.openTokenizer()) {
            return in.readAllBytes();
        }
    }

    @Test
    void aNamedArtifactKeepsItsBaseAndItsNameAndTheIdCarriesTheName(@TempDir Path dir) throws IOException {
        BertConfig tiny = new BertConfig(1, 16, 2, 32, 30522, 64, 2, 1e-12);
        Encoder unnamed = new Encoder("tiny", tiny, Pooling.MEAN, 48, EncoderGraphFactory.build(tiny, Pooling.MEAN, 3), tokenizer());
        Path plain = dir.resolve("plain.zip");
        Path named = dir.resolve("named.zip");
        EncoderArtifact.save(unnamed, plain.toFile());
        EncoderArtifact.save(unnamed.named("support-search"), named.toFile());

        Encoder back = EncoderArtifact.load(named.toFile());
        assertEquals("tiny", back.modelName(), "the model the weights started from");
        assertEquals("support-search", back.name());
        assertEquals("tiny", EncoderArtifact.load(plain.toFile()).name(), "an unnamed artifact is named after its model");

        String plainId = load(plain, Engine.DL4J);
        String namedId = load(named, Engine.DL4J);
        assertTrue(plainId.startsWith("tiny@"), plainId);
        assertTrue(namedId.startsWith("support-search@"), namedId);
        assertEquals(plainId.substring(plainId.indexOf('@')), namedId.substring(namedId.indexOf('@')), "the same weights, the same hash");
    }

    @Test
    void aNamedRegisteredModelRunsOnOnnxRuntimeFromItsBaseAndItsExportKeepsTheName(@TempDir Path dir) throws IOException {
        Encoder bge = Encoder.pretrained(PretrainedModel.BGE_SMALL_EN_V15, Pooling.CLS, 128).named("support-search");
        Path zip = dir.resolve("model.zip");
        EncoderArtifact.save(bge, zip.toFile());
        String onOrt = load(zip, Engine.ONNXRUNTIME);
        assertTrue(onOrt.startsWith("support-search@"), "the artifact's id on ONNX Runtime: " + onOrt);
        assertEquals(onOrt, load(zip, Engine.DL4J), "one id whichever engine");

        byte[] source;
        try (InputStream in = PretrainedModel.BGE_SMALL_EN_V15.openOnnx()) {
            source = in.readAllBytes();
        }
        OnnxExporter.Exported ex = OnnxExporter.export(bge, source);
        assertEquals(onOrt, ex.modelId());
        ex.writeTo(dir.resolve("export"));
        String json = Files.readString(dir.resolve("export").resolve(OnnxExporter.ENCODER_FILE));
        assertTrue(json.contains("\"model\" : \"bge-small-en-v1.5\"") && json.contains("\"name\" : \"support-search\""), json);
        assertEquals(onOrt, load(dir.resolve("export"), Engine.DL4J), "the export's id");
        String registered = ModelRef.parse("bge-small-en-v1.5").load(Engine.DL4J, Pooling.CLS, 1).modelId();
        assertEquals(registered.substring(registered.indexOf('@')), onOrt.substring(onOrt.indexOf('@')),
                "untrained, the named model has the base's weights");
    }

    @Test
    void aWarmStartKeepsTheNameAndNamingChecksTheName() {
        BertConfig tiny = new BertConfig(1, 16, 2, 32, 30522, 64, 2, 1e-12);
        Encoder e;
        try {
            e = new Encoder("tiny", tiny, Pooling.MEAN, 48, EncoderGraphFactory.build(tiny, Pooling.MEAN, 3), tokenizer()).named("faq.v2");
        } catch (IOException ex) {
            throw new AssertionError(ex);
        }
        ModelSpec spec = ModelSpec.fromEncoder(e);
        assertEquals("tiny", spec.name());
        assertEquals("faq.v2", spec.ownName());
        assertEquals("faq", spec.named("faq").ownName());
        assertSame(e, e.named("faq.v2"));
        for (String bad : new String[]{"", "-x", "a/b", "a b", "../x", "x".repeat(101), "a@b"}) {
            assertThrows(IllegalArgumentException.class, () -> e.named(bad), bad);
            assertThrows(IllegalArgumentException.class, () -> spec.named(bad), bad);
        }
    }

    @Test
    void anArtifactWhoseNameIsNoModelNameIsRefusedNamingTheFile(@TempDir Path dir) throws IOException {
        BertConfig tiny = new BertConfig(1, 16, 2, 32, 30522, 64, 2, 1e-12);
        Path good = dir.resolve("good.zip");
        EncoderArtifact.save(new Encoder("tiny", tiny, Pooling.MEAN, 48, EncoderGraphFactory.build(tiny, Pooling.MEAN, 3), tokenizer())
                .named("ok"), good.toFile());
        Path bad = dir.resolve("bad.zip");
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(good)); ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(bad))) {
            for (ZipEntry en; (en = in.getNextEntry()) != null; ) {
                byte[] b = in.readAllBytes();
                if (en.getName().equals(EncoderArtifact.CONFIG_ENTRY)) {
                    b = new String(b, StandardCharsets.UTF_8).replace("\"name\" : \"ok\"", "\"name\" : \"../../etc\"").getBytes(StandardCharsets.UTF_8);
                }
                out.putNextEntry(new ZipEntry(en.getName()));
                out.write(b);
                out.closeEntry();
            }
        }
        ModelFileException e = assertThrows(ModelFileException.class, () -> EncoderArtifact.load(bad.toFile()));
        assertTrue(e.getMessage().contains("bad.zip") && e.getMessage().contains("name"), e.getMessage());
        assertFalse(e.getMessage().contains("etc"), "the hostile value is not echoed: " + e.getMessage());
    }

    private static String load(Path p, Engine engine) throws IOException {
        ModelRef.Loaded l = ModelRef.parse(p.toString()).load(engine, null, 1);
        try {
            return l.modelId();
        } finally {
            l.engine().close();
        }
    }
}
