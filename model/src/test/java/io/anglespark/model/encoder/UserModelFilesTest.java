package io.anglespark.model.encoder;

import io.anglespark.model.BertConfig;
import io.anglespark.model.Pooling;
import io.anglespark.model.PretrainedModel;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A user's own ONNX export and tokenizer.json, given by path, load like a registered model, and bad ones fail clearly. */
class UserModelFilesTest {

    private static Path copy(InputStream in, Path to) throws Exception {
        try (in) {
            Files.copy(in, to);
        }
        return to;
    }

    @Test
    void anOnnxFileAndTokenizerJsonByPathGiveTheSameEmbeddingsAsTheRegisteredModel() throws Exception {
        PretrainedModel registered = PretrainedModel.MINILM_L6_V2;
        Path dir = Files.createTempDirectory("user-model");
        Path onnx = copy(registered.openOnnx(), dir.resolve("model.onnx"));
        Path tok = copy(registered.openTokenizer(), dir.resolve("tokenizer.json"));
        PretrainedModel mine = PretrainedModel.fromFiles("my-minilm", onnx, tok, Pooling.MEAN, "", registered.config());
        List<String> texts = List.of("A man is playing a flute.", "Two dogs run across a snowy field.");
        float[][] expected = Encoder.pretrained(registered, null, 128).embed(texts);
        float[][] actual = Encoder.pretrained(mine, null, 128).embed(texts);
        for (int i = 0; i < texts.size(); i++) {
            assertArrayEquals(expected[i], actual[i]);
        }
    }

    @Test
    void aMissingFileOrAnArchitectureThatDoesNotFitFailsNamingIt() throws Exception {
        PretrainedModel registered = PretrainedModel.MINILM_L6_V2;
        Path dir = Files.createTempDirectory("user-model-bad");
        Path tok = copy(registered.openTokenizer(), dir.resolve("tokenizer.json"));
        Path missing = dir.resolve("nope.onnx");
        PretrainedModel absent = PretrainedModel.fromFiles("absent", missing, tok, Pooling.MEAN, "", registered.config());
        String m = assertThrows(IllegalStateException.class, () -> Encoder.pretrained(absent, null, 128)).getMessage();
        assertTrue(m.contains("absent") && m.contains(missing.toString()), m);

        Path onnx = copy(registered.openOnnx(), dir.resolve("model.onnx"));
        BertConfig wrong = new BertConfig(5, 384, 12, 1536, 30522, 512, 2, 1e-12);
        PretrainedModel misfit = PretrainedModel.fromFiles("misfit", onnx, tok, Pooling.MEAN, "", wrong);
        Exception e = assertThrows(RuntimeException.class, () -> Encoder.pretrained(misfit, null, 128));
        assertTrue(e.getMessage() != null && e.getMessage().toLowerCase().contains("layer"), e.getMessage());
    }
}
