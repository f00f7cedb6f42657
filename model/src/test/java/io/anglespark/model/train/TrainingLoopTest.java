package io.anglespark.model.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.anglespark.model.BertConfig;
import io.anglespark.model.Pooling;
import io.anglespark.model.PretrainedModel;
import io.anglespark.model.batch.Fixtures;
import io.anglespark.model.batch.TrainingExample;
import io.anglespark.model.encoder.Encoder;
import io.anglespark.model.encoder.EncoderArtifact;
import io.anglespark.model.loss.AngleLossConfig;
import io.anglespark.model.loss.LabelScale;
import io.anglespark.prep.ExampleShape;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TrainingLoop} with the one-JVM fitter on a tiny random encoder (1 layer, hidden 16, MiniLM's tokenizer and
 * vocabulary) and the batching fixtures: two runs with one seed end with bit-identical parameters; a run stopped after
 * 3 of 8 updates and resumed from its checkpoint ends bit-identical to an uninterrupted run (parameters, dev history,
 * curves); the kept model loads as an encoder; another configuration cannot resume a checkpoint; early stopping ends a
 * run whose dev score stopped improving; the curves files; the schedule's values.
 */
class TrainingLoopTest {
    static final BertConfig TINY = new BertConfig(1, 16, 2, 32, 30522, 64, 2, 1e-12);
    private static final ObjectMapper JSON = new ObjectMapper();
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
        train = Fixtures.examples("lengths-mixed.tsv", ExampleShape.SCORED_PAIR);
        dev = Fixtures.examples("duplicate-text.tsv", ExampleShape.SCORED_PAIR);
    }

    /** 8 pairs, 2 per step, 2 epochs: 8 updates; warm-up 2, weight decay, clipping: every part of the optimiser used; dev every 3. */
    static TrainConfig config() {
        return new TrainConfig(AngleLossConfig.paper(ExampleShape.SCORED_PAIR, LabelScale.STS), 2, 32, 2, 0, 1e-3, 2, 0.01, 1.0, 3, 0, 2, 17);
    }

    static TrainingLoop.Result train(TrainConfig c, Path dir, TrainingLoop.Limits limits, boolean resume) throws IOException {
        return new TrainingLoop(c, new TrainingLoop.Settings(4, 2, 0, limits))
                .run(spec, train, dev, LocalFitter.factory(), RunFolder.local(dir), resume, "test");
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    private static List<String> withoutRates(Path metrics) throws IOException {
        return Files.readAllLines(metrics).stream().map(l -> l.replaceAll("\"examples_per_s\":[0-9.Ee+-]+", "")).toList();
    }

    static float[] params(ComputationGraph g) {
        return g.params().dup().data().asFloat();
    }

    @Test
    void twoRunsWithOneSeedGiveIdenticalParameters(@TempDir Path dir) throws IOException {
        TrainingLoop.Result a = train(config(), dir.resolve("a"), TrainingLoop.Limits.NONE, false);
        TrainingLoop.Result b = train(config(), dir.resolve("b"), TrainingLoop.Limits.NONE, false);
        assertEquals(8, a.state().step());
        assertTrue(a.state().finished());
        assertArrayEquals(params(a.graph()), params(b.graph()), "same seed, same parameters");
        assertEquals(a.state().history(), b.state().history());
        float[] start = params(TrainingGraph.build(config(), spec, 8));
        assertFalse(java.util.Arrays.equals(start, params(a.graph())), "training moved the parameters");
        TrainingLoop.Result c = train(config().withSeed(18), dir.resolve("c"), TrainingLoop.Limits.NONE, false);
        assertFalse(java.util.Arrays.equals(params(a.graph()), params(c.graph())), "another seed: another initialisation and order");
    }

    @Test
    void aResumedRunEqualsAnUninterruptedOne(@TempDir Path dir) throws IOException {
        TrainingLoop.Result whole = train(config(), dir.resolve("whole"), TrainingLoop.Limits.NONE, false);
        Path part = dir.resolve("part");
        TrainingLoop.Result first = train(config(), part, new TrainingLoop.Limits(3, null), false);
        assertFalse(first.state().finished());
        assertTrue(first.stoppedByLimit());
        assertEquals(3, first.state().step());
        TrainingLoop.Result resumed = train(config(), part, TrainingLoop.Limits.NONE, true);
        assertTrue(resumed.resumed());
        assertTrue(resumed.state().finished());
        assertEquals(8, resumed.state().step());
        assertArrayEquals(params(whole.graph()), params(resumed.graph()), "resumed parameters equal the uninterrupted run's");
        assertEquals(whole.state().history(), resumed.state().history(), "and so do the dev evaluations");
        assertEquals(List.of(0, 3, 4, 6, 8), whole.state().history().stream().map(TrainingState.Evaluation::step).toList(),
                "the start, every 3 steps, and each epoch's end (step 4 and 8)");
        assertEquals(withoutRates(dir.resolve("whole/" + TrainingLog.METRICS)), withoutRates(part.resolve(TrainingLog.METRICS)),
                "the resumed run's metrics lines equal the uninterrupted run's (but for its rates)");

        // the kept model is an encoder
        Encoder best = EncoderArtifact.load(part.resolve(TrainingLoop.MODEL).toFile());
        assertEquals(TINY.hidden(), best.embed(List.of("a dog runs"))[0].length);

        // a different configuration does not resume this folder
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> train(config().withSeed(5), part, TrainingLoop.Limits.NONE, true));
        assertTrue(e.getMessage().contains("another configuration"), e.getMessage());
    }

    @Test
    void earlyStoppingEndsARunWhoseDevScoreStoppedImproving(@TempDir Path dir) throws IOException {
        // lr 0.05 on a tiny model: the dev score moves erratically; with patience 1 the first evaluation that does not
        // beat the best ends the run
        TrainConfig c = new TrainConfig(AngleLossConfig.paper(ExampleShape.SCORED_PAIR, LabelScale.STS), 2, 32, 6, 0, 0.05, 0, 0.0, 0, 1, 1, 1, 17);
        TrainingLoop.Result r = train(c, dir, TrainingLoop.Limits.NONE, false);
        List<TrainingState.Evaluation> h = r.state().history();
        assertTrue(r.state().stoppedEarly(), "history: " + h);
        assertTrue(r.state().finished());
        assertTrue(r.state().step() < r.plan().totalSteps(), "stopped before the plan's " + r.plan().totalSteps() + " steps: " + h);
        TrainingState.Evaluation last = h.get(h.size() - 1);
        assertTrue(last.spearman() <= r.state().best(), "the last evaluation did not beat the best");
        double best = h.get(0).spearman();
        for (int i = 1; i < h.size() - 1; i++) {
            assertTrue(h.get(i).spearman() > best, "with patience 1, every evaluation but the last improved: " + h);
            best = h.get(i).spearman();
        }
        // a resume of a finished run trains nothing more
        TrainingLoop.Result again = train(c, dir, TrainingLoop.Limits.NONE, true);
        assertEquals(r.state().step(), again.state().step());
        assertEquals(0, again.examplesThisRun());
    }

    @Test
    void everyRunWritesItsCurvesAndTellsItsObserverOfEachDevEvaluation(@TempDir Path dir) throws Exception {
        List<Integer> observed = new ArrayList<>();
        new TrainingLoop(config(), new TrainingLoop.Settings(4, 2, 0, TrainingLoop.Limits.NONE))
                .observedBy((step, encoder) -> observed.add(step))
                .run(spec, train, dev, LocalFitter.factory(), RunFolder.local(dir), false, "test");
        List<JsonNode> lines = new ArrayList<>();
        for (String l : Files.readAllLines(dir.resolve(TrainingLog.METRICS))) {
            lines.add(JSON.readTree(l));
        }
        List<Integer> trainSteps = lines.stream().filter(n -> n.get("type").asText().equals("train")).map(n -> n.get("step").asInt()).toList();
        List<Integer> devSteps = lines.stream().filter(n -> n.get("type").asText().equals("dev")).map(n -> n.get("step").asInt()).toList();
        assertEquals(List.of(2, 4, 6, 8), trainSteps, "a line every log-every-steps (2) steps");
        assertEquals(List.of(0, 3, 4, 6, 8), devSteps);
        assertEquals(devSteps, observed, "the observer is told of every dev evaluation, in order");
        JsonNode t = lines.stream().filter(n -> n.get("type").asText().equals("train")).findFirst().orElseThrow();
        assertTrue(t.get("loss").isNumber() && t.get("lr").asDouble() > 0 && t.get("examples_per_s").asDouble() > 0, t.toString());
        assertEquals(List.of("cosine", "ibn", "angle"), iterable(t.get("terms").fieldNames()), "the paper preset's terms, by name");
        BufferedImage png = ImageIO.read(dir.resolve(TrainingLog.CURVES).toFile());
        assertNotNull(png);
        assertEquals(800, png.getWidth());
        assertTrue(Files.exists(dir.resolve(TrainingLoop.MODEL)));
        assertTrue(Files.exists(dir.resolve("checkpoints")));
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
