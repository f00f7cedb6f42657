package io.anglespark.model.train;

import io.anglespark.model.BertConfig;
import io.anglespark.model.ModelFileException;
import io.anglespark.model.Pooling;
import io.anglespark.model.PretrainedModel;
import io.anglespark.model.batch.Fixtures;
import io.anglespark.model.batch.TrainingExample;
import io.anglespark.model.encoder.Encoder;
import io.anglespark.model.encoder.EncoderArtifact;
import io.anglespark.model.loss.AngleLossConfig;
import io.anglespark.model.loss.LabelScale;
import io.anglespark.prep.read.TargetFormat;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link LocalTrainer} on a tiny random encoder (1 layer, hidden 16, MiniLM's tokenizer and vocabulary) and the
 * batching fixtures: two runs with one seed end with bit-identical parameters; a run stopped after 3 of 8 updates
 * and resumed from its checkpoint ends bit-identical to an uninterrupted run (parameters, dev history, step); the
 * checkpoints load as encoders; a different configuration cannot resume a checkpoint; the schedule's values.
 */
class LocalTrainerTest {
    static final BertConfig TINY = new BertConfig(1, 16, 2, 32, 30522, 64, 2, 1e-12);
    private static ModelSpec spec;
    private static List<TrainingExample> train;
    private static List<TrainingExample> dev;

    @BeforeAll
    static void data() throws IOException {
        byte[] tok;
        try (InputStream in = PretrainedModel.MINILM_L6_V2.openTokenizer()) {
            tok = in.readAllBytes();
        }
        spec = ModelSpec.random("tiny", TINY, Pooling.MEAN, tok);
        train = Fixtures.examples("lengths-mixed.tsv", TargetFormat.A);
        dev = Fixtures.examples("duplicate-text.tsv", TargetFormat.A);
    }

    /** 8 pairs, 2 per step, 2 epochs: 8 updates; warm-up 2, weight decay, clipping: every part of the optimiser used. */
    static TrainConfig config() {
        return new TrainConfig(AngleLossConfig.paper(TargetFormat.A, LabelScale.STS), 2, 32, 2, 0, 1e-3, 2, 0.01, 1.0, 3, 2, 17);
    }

    static float[] params(ComputationGraph g) {
        return g.params().dup().data().asFloat();
    }

    @Test
    void twoRunsWithOneSeedGiveIdenticalParameters(@TempDir Path dir) throws IOException {
        LocalTrainer.Result a = new LocalTrainer(config()).train(spec, train, dev, dir.resolve("a"), LocalTrainer.Limits.NONE);
        LocalTrainer.Result b = new LocalTrainer(config()).train(spec, train, dev, dir.resolve("b"), LocalTrainer.Limits.NONE);
        assertEquals(8, a.steps());
        assertTrue(a.finished());
        assertArrayEquals(params(a.graph()), params(b.graph()), "same seed, same parameters");
        assertEquals(a.history(), b.history());
        float[] start = params(new LocalTrainer(config()).buildGraph(spec, 8));
        assertFalse(java.util.Arrays.equals(start, params(a.graph())), "training moved the parameters");
        // another seed: another initialisation and order
        LocalTrainer.Result c = new LocalTrainer(config().withSeed(18)).train(spec, train, dev, dir.resolve("c"), LocalTrainer.Limits.NONE);
        assertFalse(java.util.Arrays.equals(params(a.graph()), params(c.graph())));
    }

    @Test
    void aResumedRunEqualsAnUninterruptedOne(@TempDir Path dir) throws IOException {
        LocalTrainer.Result whole = new LocalTrainer(config()).train(spec, train, dev, dir.resolve("whole"), LocalTrainer.Limits.NONE);
        Path part = dir.resolve("part");
        LocalTrainer.Result first = new LocalTrainer(config()).train(spec, train, dev, part, new LocalTrainer.Limits(3, null));
        assertFalse(first.finished());
        assertEquals(3, first.steps());
        LocalTrainer.Result resumed = new LocalTrainer(config()).train(spec, train, dev, part, LocalTrainer.Limits.NONE);
        assertTrue(resumed.finished());
        assertEquals(8, resumed.steps());
        assertArrayEquals(params(whole.graph()), params(resumed.graph()), "resumed parameters equal the uninterrupted run's");
        assertEquals(whole.history(), resumed.history(), "and so do the dev evaluations (steps 0, 3, 6, 8)");
        assertEquals(List.of(0, 3, 6, 8), whole.history().stream().map(LocalTrainer.Evaluation::step).toList());

        // the checkpoints are encoders
        Encoder best = EncoderArtifact.load(part.resolve(LocalTrainer.BEST).toFile());
        assertEquals(TINY.hidden(), best.embed(List.of("a dog runs")).length == 1 ? best.embed(List.of("a dog runs"))[0].length : -1);
        assertTrue(Files.exists(part.resolve(LocalTrainer.LATEST)));

        // a different configuration does not resume this directory
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LocalTrainer(config().withSeed(5))
                .train(spec, train, dev, part, LocalTrainer.Limits.NONE));
        assertTrue(e.getMessage().contains("another configuration"), e.getMessage());
    }

    @Test
    void theTrainingGraphHasExactlyTheEncodersParametersSoItsCheckpointsLoadAsEncoders() {
        // the AnglE loss layer on "pooled" adds none: a checkpoint's coefficients.bin is the encoder's parameter vector
        assertEquals(TINY.parameters(), new LocalTrainer(config()).buildGraph(spec, 8).params().length());
    }

    @Test
    void anUpdaterFileOfTheWrongLengthIsRefusedOnResumeNamingIt(@TempDir Path dir) throws IOException {
        Path part = dir.resolve("part");
        new LocalTrainer(config()).train(spec, train, dev, part, new LocalTrainer.Limits(3, null));
        Path updater = part.resolve(LocalTrainer.UPDATER);
        long n = Nd4j.readBinary(updater.toFile()).length();
        assertEquals(2 * TINY.parameters(), n, "Adam: two moments per parameter");

        Nd4j.saveBinary(Nd4j.zeros(DataType.FLOAT, n - 2), updater.toFile());
        ModelFileException e = assertThrows(ModelFileException.class,
                () -> new LocalTrainer(config()).train(spec, train, dev, part, LocalTrainer.Limits.NONE));
        assertEquals(updater.toString(), e.file());
        assertTrue(e.getMessage().contains((n - 2) + " values") && e.getMessage().contains("needs " + n), e.getMessage());

        Files.delete(updater);
        e = assertThrows(ModelFileException.class, () -> new LocalTrainer(config()).train(spec, train, dev, part, LocalTrainer.Limits.NONE));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void scheduleWarmsUpThenDecaysLinearlyToZero() {
        WarmupLinearSchedule s = new WarmupLinearSchedule(1.0, 4, 12);
        assertEquals(0.25, s.valueAt(0, 0), 1e-12);
        assertEquals(1.0, s.valueAt(3, 0), 1e-12);
        assertEquals(1.0, s.valueAt(4, 0), 1e-12);
        assertEquals(0.5, s.valueAt(8, 0), 1e-12);
        assertEquals(0.125, s.valueAt(11, 0), 1e-12);
        assertEquals(0.0, s.valueAt(12, 0), 1e-12);
        assertEquals(0.0, s.valueAt(40, 0), 1e-12);
    }
}
