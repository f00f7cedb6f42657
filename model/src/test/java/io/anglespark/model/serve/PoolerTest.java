package io.anglespark.model.serve;

import io.anglespark.model.BertConfig;
import io.anglespark.model.Pooling;
import io.anglespark.model.PretrainedModel;
import io.anglespark.model.encoder.Encoder;
import io.anglespark.model.encoder.EncoderGraphFactory;
import io.anglespark.model.tokenize.WordPieceTokenizer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link Pooler} (the ONNX Runtime side) pools a last hidden state as the DL4J graph's pooling vertex does, padding included. */
class PoolerTest {
    @ParameterizedTest
    @EnumSource(Pooling.class)
    void poolerEqualsTheGraphPoolingOnPaddedRows(Pooling pooling) throws IOException {
        byte[] tok;
        try (InputStream in = PretrainedModel.MINILM_L6_V2.openTokenizer()) {
            tok = in.readAllBytes();
        }
        BertConfig tiny = new BertConfig(1, 16, 2, 32, 30522, 64, 2, 1e-12);
        Encoder enc = new Encoder("tiny", tiny, pooling, 64, EncoderGraphFactory.build(tiny, pooling, 5), tok);
        WordPieceTokenizer.Batch b = enc.tokenizer().encodeBatch(List.of("a short one", "a somewhat longer sentence with more words", "x"), 64);
        float[][] graph = enc.pooled(b.inputIds(), b.attentionMask());
        float[][] ours = Pooler.pool(enc.lastHiddenState(b.inputIds(), b.attentionMask()), b.attentionMask(), pooling);
        for (int r = 0; r < graph.length; r++) {
            for (int j = 0; j < graph[r].length; j++) {
                assertEquals(graph[r][j], ours[r][j], 1e-5, pooling + " row " + r + " dim " + j);
            }
        }
    }
}
