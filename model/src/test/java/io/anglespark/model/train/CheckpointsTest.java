package io.anglespark.model.train;

import io.anglespark.model.BertConfig;
import io.anglespark.model.ModelFileException;
import io.anglespark.model.Pooling;
import io.anglespark.model.PretrainedModel;
import io.anglespark.model.encoder.Encoder;
import io.anglespark.model.loss.AngleLossConfig;
import io.anglespark.model.loss.LabelScale;
import io.anglespark.prep.ExampleShape;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A checkpoint written by {@link Checkpoints#write} restores into a freshly built training graph (weights, Adam state,
 * step); a damaged one (updater state of another length, a missing updater file, a model.zip that is not an artifact)
 * fails as a {@link ModelFileException} naming the checkpoint's file, before anything of the claimed size is read.
 */
class CheckpointsTest {
    private static final BertConfig TINY = new BertConfig(1, 16, 2, 32, 30522, 64, 2, 1e-12);

    @Test
    void aCheckpointRestoresIntoAFreshTrainingGraphAndADamagedOneIsRefusedNamingItsFile(@TempDir Path dir) throws IOException {
        byte[] tok;
        try (InputStream in = PretrainedModel.MINILM_L6_V2.openTokenizer()) {
            tok = in.readAllBytes();
        }
        TrainConfig tc = new TrainConfig(AngleLossConfig.paper(ExampleShape.SCORED_PAIR, LabelScale.STS), 2, 32, 2, 0, 1e-3, 2, 0.01, 1.0, 3, 0, 2, 17);
        ModelSpec spec = ModelSpec.random("tiny", TINY, Pooling.MEAN, tok);
        ComputationGraph g = TrainingGraph.build(tc, spec, 8);
        // the AnglE loss layer on "pooled" adds no parameter: a checkpoint's coefficients.bin is the encoder's parameter vector
        assertEquals(TINY.parameters(), g.params().length());
        long n = g.getUpdater(true).getStateViewArray().length();
        assertEquals(2 * TINY.parameters(), n, "Adam: two moments per parameter");
        g.getUpdater(true).getStateViewArray().assign(Nd4j.rand(DataType.FLOAT, n));
        TrainingState state = new TrainingState();
        state.identity = "test";
        state.step = 3;
        Checkpoints checkpoints = new Checkpoints(RunFolder.local(dir));
        String cp = checkpoints.write(new Encoder("tiny", TINY, Pooling.MEAN, 32, g, tok), g, state, 2);

        ComputationGraph back = checkpoints.restore(cp, tc, 8, checkpoints.readState(cp));
        assertArrayEquals(g.params().data().asFloat(), back.params().data().asFloat());
        assertArrayEquals(g.getUpdater(true).getStateViewArray().data().asFloat(), back.getUpdater(true).getStateViewArray().data().asFloat());
        assertEquals(3, back.getIterationCount());

        Path updater = dir.resolve(cp).resolve(Checkpoints.UPDATER);
        Nd4j.saveBinary(Nd4j.zeros(DataType.FLOAT, n + 1), updater.toFile());
        ModelFileException e = assertThrows(ModelFileException.class, () -> checkpoints.restore(cp, tc, 8, state));
        assertEquals(dir + "/" + cp + "/" + Checkpoints.UPDATER, e.file());
        assertTrue(e.getMessage().contains((n + 1) + " values") && e.getMessage().contains("needs " + n), e.getMessage());
        Files.delete(updater);
        e = assertThrows(ModelFileException.class, () -> checkpoints.restore(cp, tc, 8, state));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());

        Path model = dir.resolve(cp).resolve(Checkpoints.MODEL);
        Files.write(model, "not a zip".getBytes(StandardCharsets.UTF_8));
        e = assertThrows(ModelFileException.class, () -> checkpoints.readModel(cp));
        assertEquals(dir + "/" + cp + "/" + Checkpoints.MODEL, e.file());
        assertTrue(e.getMessage().contains("is not a zip file"), e.getMessage());
    }
}
