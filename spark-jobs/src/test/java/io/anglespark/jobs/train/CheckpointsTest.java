package io.anglespark.jobs.train;

import io.anglespark.model.BertConfig;
import io.anglespark.model.ModelFileException;
import io.anglespark.model.Pooling;
import io.anglespark.model.PretrainedModel;
import io.anglespark.model.encoder.Encoder;
import io.anglespark.model.loss.AngleLossConfig;
import io.anglespark.model.loss.LabelScale;
import io.anglespark.model.train.LocalTrainer;
import io.anglespark.model.train.ModelSpec;
import io.anglespark.model.train.TrainConfig;
import io.anglespark.prep.read.TargetFormat;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A checkpoint written by {@link Checkpoints#write} reads back into a freshly built training graph (weights and Adam
 * state); a damaged one (updater state of another length, a model.zip that is not an artifact) fails as a
 * {@link ModelFileException} naming the checkpoint's file, before anything of the claimed size is read.
 */
class CheckpointsTest {
    private static final BertConfig TINY = new BertConfig(1, 16, 2, 32, 30522, 64, 2, 1e-12);

    @Test
    void aCheckpointReadsBackIntoAFreshTrainingGraphAndADamagedOneIsRefusedNamingItsFile(@TempDir java.nio.file.Path dir) throws IOException {
        byte[] tok;
        try (InputStream in = PretrainedModel.MINILM_L6_V2.openTokenizer()) {
            tok = in.readAllBytes();
        }
        TrainConfig tc = new TrainConfig(AngleLossConfig.paper(TargetFormat.A, LabelScale.STS), 2, 32, 2, 0, 1e-3, 2, 0.01, 1.0, 3, 2, 17);
        ModelSpec spec = ModelSpec.random("tiny", TINY, Pooling.MEAN, tok);
        ComputationGraph g = new LocalTrainer(tc).buildGraph(spec, 8);
        g.getUpdater(true).getStateViewArray().assign(Nd4j.rand(DataType.FLOAT, g.getUpdater(true).getStateViewArray().length()));
        Configuration conf = new Configuration();
        Checkpoints.State state = new Checkpoints.State();
        state.identity = "test";
        state.step = 3;
        Path cp = new Checkpoints(dir.toString(), conf).write(new Encoder("tiny", TINY, Pooling.MEAN, 32, g, tok), g, state, 2);

        ComputationGraph back = new LocalTrainer(tc).buildGraph(ModelSpec.fromEncoder(Checkpoints.readModel(cp, conf)), 8);
        Checkpoints.readUpdater(cp, conf, back);
        assertArrayEquals(g.params().data().asFloat(), back.params().data().asFloat());
        assertArrayEquals(g.getUpdater(true).getStateViewArray().data().asFloat(), back.getUpdater(true).getStateViewArray().data().asFloat());

        java.nio.file.Path updater = dir.resolve(Checkpoints.DIR).resolve(cp.getName()).resolve(Checkpoints.UPDATER);
        long n = back.getUpdater(true).getStateViewArray().length();
        // rewritten by another tool: Hadoop's local checksum file goes (it would report the change as a checksum error)
        Files.delete(updater.resolveSibling("." + Checkpoints.UPDATER + ".crc"));
        Nd4j.saveBinary(Nd4j.zeros(DataType.FLOAT, n + 1), updater.toFile());
        ModelFileException e = assertThrows(ModelFileException.class, () -> Checkpoints.readUpdater(cp, conf, back));
        assertEquals(new Path(cp, Checkpoints.UPDATER).toString(), e.file());
        assertTrue(e.getMessage().contains((n + 1) + " values") && e.getMessage().contains("needs " + n), e.getMessage());

        java.nio.file.Path model = dir.resolve(Checkpoints.DIR).resolve(cp.getName()).resolve(Checkpoints.MODEL);
        Files.delete(model.resolveSibling("." + Checkpoints.MODEL + ".crc"));
        Files.write(model, "not a zip".getBytes(StandardCharsets.UTF_8));
        e = assertThrows(ModelFileException.class, () -> Checkpoints.readModel(cp, conf));
        assertEquals(new Path(cp, Checkpoints.MODEL).toString(), e.file());
        assertTrue(e.getMessage().contains("is not a zip file"), e.getMessage());
    }
}
