package io.anglespark.model.serve;

import io.anglespark.model.BertConfig;
import io.anglespark.model.Pooling;
import io.anglespark.model.PretrainedModel;
import io.anglespark.model.encoder.Encoder;
import io.anglespark.model.encoder.EncoderGraphFactory;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * {@link Dl4jEngine} runs every forward pass on its own thread: callers on several threads get what the encoder
 * gives on the caller's thread, and no caller's thread is left holding DL4J workspaces (native memory sized to the
 * largest batch, one set per thread that runs a forward pass).
 */
class Dl4jEngineTest {
    private static final BertConfig TINY = new BertConfig(2, 32, 4, 64, 50, 16, 2, 1e-12);

    @Test
    void callersOnManyThreadsGetTheEncodersVectorsAndHoldNoWorkspaces() throws Exception {
        byte[] tokenizer;
        try (InputStream in = PretrainedModel.MINILM_L6_V2.openTokenizer()) {
            tokenizer = in.readAllBytes();
        }
        Encoder encoder = new Encoder("tiny", TINY, Pooling.MEAN, 16, EncoderGraphFactory.build(TINY, Pooling.MEAN, 3), tokenizer);
        int[][] ids = {{1, 5, 7, 2}, {1, 9, 2, 0}};
        int[][] mask = {{1, 1, 1, 1}, {1, 1, 1, 0}};
        float[][] direct = encoder.pooled(ids, mask);
        assertEquals(TINY.hidden(), direct[0].length);
        assertFalse(Nd4j.getWorkspaceManager().getAllWorkspacesForCurrentThread().isEmpty(),
                "a forward pass on a thread leaves that thread's workspaces behind (what the engine keeps off the callers)");
        Nd4j.getWorkspaceManager().destroyAllWorkspacesForCurrentThread();

        ExecutorService callers = Executors.newFixedThreadPool(3);
        try (Dl4jEngine engine = new Dl4jEngine(encoder)) {
            List<Future<float[][]>> results = new ArrayList<>();
            List<Future<Integer>> workspaces = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                results.add(callers.submit(() -> engine.pooled(ids, mask)));
            }
            for (int i = 0; i < 3; i++) {
                workspaces.add(callers.submit(() -> {
                    engine.pooled(ids, mask);
                    return Nd4j.getWorkspaceManager().getAllWorkspacesForCurrentThread().size();
                }));
            }
            for (Future<float[][]> f : results) {
                float[][] v = f.get();
                for (int r = 0; r < direct.length; r++) {
                    assertArrayEquals(direct[r], v[r], 1e-6f);
                }
            }
            for (Future<Integer> w : workspaces) {
                assertEquals(0, w.get(), "the caller's thread holds no workspace");
            }
        } finally {
            callers.shutdownNow();
        }
    }
}
