package io.anglespark.model.encoder;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.anglespark.model.BertConfig;
import io.anglespark.model.Machine;
import io.anglespark.model.NativeBuild;
import io.anglespark.model.PretrainedModel;
import io.anglespark.model.onnx.BertWeights;
import io.anglespark.model.onnx.OnnxModel;
import io.anglespark.model.tokenize.WordPieceTokenizer;
import io.anglespark.prep.SharedData;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The encoder benchmark (run by {@code bench/encoder}, never by the test suite), in one run:
 * <ol>
 *   <li>quality and speed on real text: for each registered model, all unique STS-B test sentences in
 *       length-bucketed batches of 32 (sorted by token count, each batch padded to its longest), through our DL4J
 *       encoder and through ONNX Runtime on the same ONNX file and the same token ids: parity (last hidden states,
 *       pooled cosines), zero-shot STS-B test Spearman x100 on all 1,379 raw pairs through both, sentences/s of
 *       each and their ratio;</li>
 *   <li>fixed-length batches of 32 at sequence 32 and 128 (rows of real STS-B word pieces, no padding) through
 *       both engines;</li>
 *   <li>training pairs/s (forward + backward + Adam update; two texts per pair, 16 pairs per step) for
 *       bge-small and MiniLM-L6, on length-bucketed STS-B train pairs and on fixed sequence 32, and the share of
 *       the machine's measured sgemm FLOP/s it reaches (training FLOPs = 3 x forward FLOPs, padded tokens
 *       counted). The loss head is a stand-in (mean squared error of the pooled vector against a fixed random
 *       target) until the AnglE loss lands; its cost is negligible next to the encoder's.</li>
 * </ol>
 * Only APIs that predate the speed work are used, so that the same file measures the code before it.
 * Writes {@code bench/results/encoder.md}; fails after writing when a parity or Spearman bar is missed.
 */
@Tag("benchmark")
class EncoderBenchmark {
    private static final int BATCH = 32;
    private static final int MAX_LENGTH = 128;
    private static final int TRAIN_PAIRS = 16;

    record QualityRow(String model, String prefix, double maxDiff, double minCos, double spearmanDl4j, double spearmanOrt,
                      double dl4jSentPerS, double ortSentPerS, double dl4jGflops) {
    }

    record FixedRow(String model, int seq, int batches, double dl4jSentPerS, double ortSentPerS, double dl4jGflops) {
    }

    record TrainRow(String model, String data, int steps, double pairsPerS, double gflops, double meanWidth, double stepOverForward) {
    }

    @Test
    void benchmark() throws Exception {
        System.out.println("bench/encoder: ND4J native build " + NativeBuild.select() + "; " + Machine.describe());
        List<String[]> pairs = new ArrayList<>();
        List<Double> gold = new ArrayList<>();
        LinkedHashSet<String> unique = new LinkedHashSet<>();
        for (String line : SharedData.lines("stsbenchmark/sts-test.csv")) {
            String[] f = line.split("\t");
            pairs.add(new String[]{f[5], f[6]});
            gold.add(Double.parseDouble(f[4]));
            unique.add(f[5]);
            unique.add(f[6]);
        }
        List<String> sentences = new ArrayList<>(unique);
        List<String[]> trainPairs = new ArrayList<>();
        for (String line : SharedData.lines("stsbenchmark/sts-train.csv")) {
            String[] f = line.split("\t");
            if (f.length >= 7) {
                trainPairs.add(new String[]{f[5], f[6]});
            }
        }
        Collections.shuffle(trainPairs, new Random(7));
        double sgemm = io.anglespark.model.MachineRate.sgemmGflops();
        Report report = new Report(sgemm, sentences.size(), pairs.size());

        List<String> parts = List.of(System.getProperty("bench.parts", "train,fixed,quality").split(","));
        for (PretrainedModel m : parts.contains("train") ? List.of(PretrainedModel.BGE_SMALL_EN_V15, PretrainedModel.MINILM_L6_V2) : List.<PretrainedModel>of()) {
            report.train.add(train(m, "STS-B train, length-bucketed", trainPairs, 0, 8));
            report.write();
            report.train.add(train(m, "fixed sequence 32", trainPairs, 32, 4));
            report.write();
        }
        for (PretrainedModel m : parts.contains("fixed") ? List.of(PretrainedModel.BGE_SMALL_EN_V15, PretrainedModel.MINILM_L6_V2) : List.<PretrainedModel>of()) {
            report.fixed.add(fixed(m, 32, 8, sentences));
            report.fixed.add(fixed(m, 128, 3, sentences));
            report.write();
        }
        Map<String, String> runs = new LinkedHashMap<>();
        runs.put("minilm-l6-v2", "");
        runs.put("bge-small-en-v1.5", "");
        runs.put("e5-small-v2", "");
        runs.put("e5-small-v2 ", "query: ");
        for (Map.Entry<String, String> run : parts.contains("quality") ? runs.entrySet() : Map.<String, String>of().entrySet()) {
            report.quality.add(quality(PretrainedModel.byName(run.getKey().trim()), run.getValue(), sentences, pairs, gold));
            report.write();
        }
        for (QualityRow r : report.quality) {
            assertTrue(r.maxDiff() < 1e-3, r.model() + ": hidden-state difference " + r.maxDiff());
            assertTrue(r.minCos() >= 0.99999, r.model() + ": min cosine " + r.minCos());
            assertTrue(Math.abs(r.spearmanDl4j() - r.spearmanOrt()) <= 0.01, r.model() + ": Spearman " + r.spearmanDl4j() + " vs ORT " + r.spearmanOrt());
        }
    }

    // ------------------------------------------------------------------------------------------ inference

    private static QualityRow quality(PretrainedModel m, String prefix, List<String> sentences, List<String[]> pairs, List<Double> gold) throws Exception {
        Encoder enc = Encoder.pretrained(m, null, MAX_LENGTH);
        WordPieceTokenizer tok = enc.tokenizer();
        ComputationGraph g = enc.graph();
        String last = EncoderGraphFactory.lastHiddenVertex(m.config());
        BertConfig c = m.config();
        List<WordPieceTokenizer.Batch> batches = bucketed(tok, sentences.stream().map(s -> prefix + s).toList(), BATCH);
        List<List<String>> batchTexts = bucketedTexts(tok, sentences, prefix, BATCH);
        Map<String, double[]> dl4jVec = new HashMap<>();
        Map<String, double[]> ortVec = new HashMap<>();
        double maxDiff = 0;
        double minCos = 1;
        long dl4jNanos = 0;
        long ortNanos = 0;
        double flops = 0;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(2);
            try (OrtSession session = env.createSession(onnx(m), options)) {
                g.feedForward(enc.inputs(batches.get(0).inputIds(), batches.get(0).attentionMask()), false);
                OnnxRuntimeParityTest.runOrt(env, session, batches.get(0));
                for (int bi = 0; bi < batches.size(); bi++) {
                    WordPieceTokenizer.Batch b = batches.get(bi);
                    List<String> texts = batchTexts.get(bi);
                    long a = System.nanoTime();
                    Map<String, INDArray> acts = g.feedForward(enc.inputs(b.inputIds(), b.attentionMask()), false);
                    long t1 = System.nanoTime();
                    float[][][] ort = OnnxRuntimeParityTest.runOrt(env, session, b);
                    long t2 = System.nanoTime();
                    dl4jNanos += t1 - a;
                    ortNanos += t2 - t1;
                    flops += forwardFlops(c, b.size(), b.width());
                    INDArray hidden = acts.get(last);
                    INDArray pooled = acts.get(EncoderGraphFactory.POOLED);
                    for (int r = 0; r < b.size(); r++) {
                        int n = b.lengths()[r];
                        for (int i = 0; i < n; i++) {
                            for (int j = 0; j < c.hidden(); j++) {
                                maxDiff = Math.max(maxDiff, Math.abs(ort[r][i][j] - hidden.getDouble(r, i, j)));
                            }
                        }
                        double[] want = OnnxRuntimeParityTest.pool(ort[r], n, m.pooling());
                        double[] got = pooled.getRow(r).castTo(DataType.DOUBLE).toDoubleVector();
                        minCos = Math.min(minCos, cosine(want, got));
                        ortVec.put(texts.get(r), want);
                        dl4jVec.put(texts.get(r), got);
                    }
                }
            }
        }
        double[] simDl4j = new double[pairs.size()];
        double[] simOrt = new double[pairs.size()];
        double[] goldScores = gold.stream().mapToDouble(Double::doubleValue).toArray();
        for (int i = 0; i < pairs.size(); i++) {
            simDl4j[i] = cosine(dl4jVec.get(pairs.get(i)[0]), dl4jVec.get(pairs.get(i)[1]));
            simOrt[i] = cosine(ortVec.get(pairs.get(i)[0]), ortVec.get(pairs.get(i)[1]));
        }
        SpearmansCorrelation sp = new SpearmansCorrelation();
        QualityRow row = new QualityRow(m.name(), prefix, maxDiff, minCos, 100 * sp.correlation(simDl4j, goldScores),
                100 * sp.correlation(simOrt, goldScores), sentences.size() / (dl4jNanos / 1e9), sentences.size() / (ortNanos / 1e9),
                flops / (dl4jNanos / 1e9) / 1e9);
        System.out.println(row);
        return row;
    }

    private static FixedRow fixed(PretrainedModel m, int seq, int batches, List<String> sentences) throws Exception {
        Encoder enc = Encoder.pretrained(m, null, MAX_LENGTH);
        ComputationGraph g = enc.graph();
        List<WordPieceTokenizer.Batch> bs = new ArrayList<>();
        for (int i = 0; i <= batches; i++) {
            bs.add(fixedBatch(enc.tokenizer(), sentences, i * BATCH * seq / 8, seq));
        }
        long dl4j = 0;
        long ort = 0;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(2);
            try (OrtSession session = env.createSession(onnx(m), options)) {
                g.output(false, enc.inputs(bs.get(0).inputIds(), bs.get(0).attentionMask()));
                OnnxRuntimeParityTest.runOrt(env, session, bs.get(0));
                for (WordPieceTokenizer.Batch b : bs.subList(1, bs.size())) {
                    long a = System.nanoTime();
                    g.output(false, enc.inputs(b.inputIds(), b.attentionMask()));
                    long t1 = System.nanoTime();
                    OnnxRuntimeParityTest.runOrt(env, session, b);
                    ort += System.nanoTime() - t1;
                    dl4j += t1 - a;
                }
            }
        }
        double texts = (double) batches * BATCH;
        FixedRow row = new FixedRow(m.name(), seq, batches, texts / (dl4j / 1e9), texts / (ort / 1e9),
                batches * forwardFlops(m.config(), BATCH, seq) / (dl4j / 1e9) / 1e9);
        System.out.println(row);
        return row;
    }

    /** {@code rows} x {@code seq} real tokens: word pieces of consecutive sentences between [CLS] and [SEP]. */
    private static WordPieceTokenizer.Batch fixedBatch(WordPieceTokenizer tok, List<String> sentences, int from, int seq) {
        int[][] ids = new int[BATCH][seq];
        int[][] mask = new int[BATCH][seq];
        int[] lengths = new int[BATCH];
        int next = from % sentences.size();
        for (int r = 0; r < BATCH; r++) {
            int[] row = ids[r];
            int at = 0;
            while (at < seq) {
                int[] e = tok.encode(sentences.get(next), MAX_LENGTH);
                next = (next + 1) % sentences.size();
                // e = [CLS] pieces [SEP]: keep [CLS] only at the row's start and end the row with [SEP]
                int start = at == 0 ? 0 : 1;
                for (int i = start; i < e.length - 1 && at < seq - 1; i++) {
                    row[at++] = e[i];
                }
                if (at == seq - 1) {
                    row[at++] = e[e.length - 1];
                }
            }
            Arrays.fill(mask[r], 1);
            lengths[r] = seq;
        }
        return new WordPieceTokenizer.Batch(ids, mask, new int[BATCH][seq], lengths);
    }

    // ------------------------------------------------------------------------------------------- training

    private static TrainRow train(PretrainedModel m, String data, List<String[]> trainPairs, int fixedSeq, int steps) throws Exception {
        BertWeights w;
        try (InputStream in = m.openOnnx()) {
            w = BertWeights.from(OnnxModel.read(in), m.config());
        }
        BertConfig c = m.config();
        ComputationGraphConfiguration.GraphBuilder b = EncoderGraphFactory.graphBuilder(c, m.pooling(),
                EncoderGraphFactory.baseConfiguration(1, DataType.FLOAT).updater(new Adam(1e-5)), w.layerNormEps(), w.maskBias());
        b.addLayer("loss", new LossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build(), EncoderGraphFactory.POOLED);
        b.setOutputs("loss");
        ComputationGraph g = new ComputationGraph(b.build());
        g.init();
        EncoderGraphFactory.copyWeights(w, g);
        Encoder enc = Encoder.pretrained(m, null, MAX_LENGTH);
        WordPieceTokenizer tok = enc.tokenizer();

        List<WordPieceTokenizer.Batch> batches = new ArrayList<>();
        int warmup = 2;
        if (fixedSeq > 0) {
            List<String> texts = new ArrayList<>();
            for (String[] p : trainPairs) {
                texts.add(p[0]);
                texts.add(p[1]);
            }
            for (int i = 0; i < steps + warmup; i++) {
                batches.add(fixedBatch(tok, texts, i * 2 * TRAIN_PAIRS * fixedSeq / 8, fixedSeq));
            }
        } else {
            // pairs sorted by their longer text, cut into steps of TRAIN_PAIRS pairs; take evenly spread steps
            List<int[][]> encoded = new ArrayList<>();
            for (String[] p : trainPairs) {
                encoded.add(new int[][]{tok.encode(p[0], MAX_LENGTH), tok.encode(p[1], MAX_LENGTH)});
            }
            encoded.sort((x, y) -> Integer.compare(Math.max(x[0].length, x[1].length), Math.max(y[0].length, y[1].length)));
            int all = encoded.size() / TRAIN_PAIRS;
            Random rnd = new Random(11);
            for (int i = 0; i < steps + warmup; i++) {
                int step = rnd.nextInt(all);
                List<int[]> rows = new ArrayList<>();
                for (int[][] pair : encoded.subList(step * TRAIN_PAIRS, (step + 1) * TRAIN_PAIRS)) {
                    rows.add(pair[0]);
                    rows.add(pair[1]);
                }
                batches.add(pad(tok, rows));
            }
        }
        Nd4j.getRandom().setSeed(3);
        INDArray target = Nd4j.rand(DataType.FLOAT, 2L * TRAIN_PAIRS, c.hidden());
        long nanos = 0;
        long forwardNanos = 0;
        double flops = 0;
        double widths = 0;
        for (int i = 0; i < batches.size(); i++) {
            WordPieceTokenizer.Batch batch = batches.get(i);
            MultiDataSet mds = new MultiDataSet(enc.inputs(batch.inputIds(), batch.attentionMask()), new INDArray[]{target});
            long a = System.nanoTime();
            g.fit(mds);
            long t = System.nanoTime() - a;
            INDArray[] features = mds.getFeatures();
            long f0 = System.nanoTime();
            g.output(false, features);
            long forward = System.nanoTime() - f0;
            if (i >= warmup) {
                forwardNanos += forward;
                nanos += t;
                flops += 3 * forwardFlops(c, batch.size(), batch.width());
                widths += batch.width();
            }
        }
        TrainRow row = new TrainRow(m.name(), data, steps, steps * TRAIN_PAIRS / (nanos / 1e9), flops / (nanos / 1e9) / 1e9, widths / steps,
                (double) nanos / forwardNanos);
        System.out.println(row);
        return row;
    }

    /**
     * Where a training step and an inference batch spend their time: ND4J's op profiler over 4 training steps and
     * 4 inference batches of bge-small at fixed sequence 32, after a warm-up; written to
     * {@code bench/results/encoder-profile.md}.
     */
    @Test
    void profile() throws Exception {
        PretrainedModel m = PretrainedModel.BGE_SMALL_EN_V15;
        BertWeights w;
        try (InputStream in = m.openOnnx()) {
            w = BertWeights.from(OnnxModel.read(in), m.config());
        }
        ComputationGraphConfiguration.GraphBuilder gb = EncoderGraphFactory.graphBuilder(m.config(), m.pooling(),
                EncoderGraphFactory.baseConfiguration(1, DataType.FLOAT).updater(new Adam(1e-5)), w.layerNormEps(), w.maskBias());
        gb.addLayer("loss", new LossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build(), EncoderGraphFactory.POOLED);
        gb.setOutputs("loss");
        ComputationGraph g = new ComputationGraph(gb.build());
        g.init();
        EncoderGraphFactory.copyWeights(w, g);
        Encoder enc = Encoder.pretrained(m, null, MAX_LENGTH);
        List<String> sentences = new ArrayList<>();
        for (String line : SharedData.lines("stsbenchmark/sts-test.csv")) {
            sentences.add(line.split("\t")[5]);
        }
        WordPieceTokenizer.Batch batch = fixedBatch(enc.tokenizer(), sentences, 0, 32);
        INDArray[] in = enc.inputs(batch.inputIds(), batch.attentionMask());
        MultiDataSet mds = new MultiDataSet(in, new INDArray[]{Nd4j.rand(DataType.FLOAT, BATCH, m.config().hidden())});
        StringBuilder b = new StringBuilder("# Encoder profile: where a step spends its time\n\n");
        b.append("bge-small-en-v1.5, batches of 32 texts at fixed sequence 32; ND4J OpProfiler (op time only; the rest of the wall "
                + "time is Java-side work and allocation), after one warm-up each.\n");
        for (String phase : List.of("training step (fit)", "inference (output)")) {
            boolean train = phase.startsWith("training");
            if (train) {
                g.fit(mds);
            } else {
                enc.graph().output(false, in);
            }
            org.nd4j.linalg.profiler.OpProfiler.getInstance().reset();
            Nd4j.getExecutioner().setProfilingConfig(org.nd4j.linalg.profiler.ProfilerConfig.builder().checkElapsedTime(true).build());
            long t0 = System.nanoTime();
            for (int i = 0; i < 4; i++) {
                if (train) {
                    g.fit(mds);
                } else {
                    enc.graph().output(false, in);
                }
            }
            double wall = (System.nanoTime() - t0) / 1e9;
            Nd4j.getExecutioner().setProfilingConfig(org.nd4j.linalg.profiler.ProfilerConfig.builder().build());
            org.nd4j.linalg.profiler.OpProfiler prof = org.nd4j.linalg.profiler.OpProfiler.getInstance();
            b.append(String.format(Locale.ROOT, "%n## %s: 4 x, wall %.2f s with profiling on%n%n```%n%s```%n", phase, wall,
                    prof.getLongAggergator().asPercentageString()));
        }
        Path out = SharedData.projectRoot().resolve(System.getProperty("bench.profile.out", "bench/results/encoder-profile.md"));
        Files.writeString(out, b.toString());
        System.out.println(b);
    }

    // ------------------------------------------------------------------------------------------- helpers

    /** Forward FLOPs of a [rows, width] batch, padded tokens counted: per token 2 x non-embedding parameters + 4 x layers x width x hidden. */
    private static double forwardFlops(BertConfig c, int rows, int width) {
        return (double) rows * width * (2.0 * c.nonEmbeddingParameters() + 4.0 * c.layers() * width * c.hidden());
    }

    private static byte[] onnx(PretrainedModel m) throws Exception {
        try (InputStream in = m.openOnnx()) {
            return in.readAllBytes();
        }
    }

    /** Texts sorted by token count (stable), cut into batches, each padded to its longest. */
    private static List<WordPieceTokenizer.Batch> bucketed(WordPieceTokenizer tok, List<String> texts, int size) {
        List<WordPieceTokenizer.Batch> out = new ArrayList<>();
        for (List<String> chunk : chunks(sortedByLength(tok, texts), size)) {
            out.add(tok.encodeBatch(chunk, MAX_LENGTH));
        }
        return out;
    }

    /** The unprefixed texts of {@link #bucketed}'s batches (same order: sorting is on the prefixed text). */
    private static List<List<String>> bucketedTexts(WordPieceTokenizer tok, List<String> texts, String prefix, int size) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            idx.add(i);
        }
        int[] len = texts.stream().mapToInt(t -> tok.encode(prefix + t, MAX_LENGTH).length).toArray();
        idx.sort((x, y) -> Integer.compare(len[x], len[y]));
        return chunks(idx.stream().map(texts::get).toList(), size);
    }

    private static List<String> sortedByLength(WordPieceTokenizer tok, List<String> texts) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            idx.add(i);
        }
        int[] len = texts.stream().mapToInt(t -> tok.encode(t, MAX_LENGTH).length).toArray();
        idx.sort((x, y) -> Integer.compare(len[x], len[y]));
        return idx.stream().map(texts::get).toList();
    }

    private static <T> List<List<T>> chunks(List<T> all, int size) {
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i += size) {
            out.add(all.subList(i, Math.min(all.size(), i + size)));
        }
        return out;
    }

    private static WordPieceTokenizer.Batch pad(WordPieceTokenizer tok, List<int[]> rows) {
        int width = rows.stream().mapToInt(r -> r.length).max().orElse(0);
        int n = rows.size();
        int[][] ids = new int[n][width];
        int[][] mask = new int[n][width];
        int[] lengths = new int[n];
        for (int i = 0; i < n; i++) {
            lengths[i] = rows.get(i).length;
            System.arraycopy(rows.get(i), 0, ids[i], 0, lengths[i]);
            Arrays.fill(ids[i], lengths[i], width, tok.padId());
            Arrays.fill(mask[i], 0, lengths[i], 1);
        }
        return new WordPieceTokenizer.Batch(ids, mask, new int[n][width], lengths);
    }

    private static double cosine(double[] a, double[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    /** The report, rewritten after every measurement so that a stopped run leaves what it measured. */
    private static final class Report {
        final double sgemm;
        final int sentences;
        final int pairs;
        final List<QualityRow> quality = new ArrayList<>();
        final List<FixedRow> fixed = new ArrayList<>();
        final List<TrainRow> train = new ArrayList<>();

        Report(double sgemm, int sentences, int pairs) {
            this.sgemm = sgemm;
            this.sentences = sentences;
            this.pairs = pairs;
        }

        void write() throws Exception {
            StringBuilder b = new StringBuilder("# Encoder benchmark: DL4J encoder vs ONNX Runtime\n\n");
            b.append(String.format(Locale.ROOT, "- date: %s; machine: %s (ND4J build chosen because %s); ONNX Runtime 1.20.0 with 2 intra-op threads%n",
                    Instant.now(), Machine.describe(), NativeBuild.select().reason()));
            b.append(String.format(Locale.ROOT, "- command: `%s` (model/src/test/java/io/anglespark/model/encoder/EncoderBenchmark.java)%n",
                    System.getProperty("bench.command", "bench/encoder")));
            b.append(String.format(Locale.ROOT, "- machine fp32 matmul (ND4J sgemm 1024^3, median of 7): **%.1f GFLOP/s**%n", sgemm));
            b.append("- step time / forward time: a training step (forward, backward, Adam) over an inference pass on the same batch; "
                    + "3 would be the FLOP ratio with the forward computed once, 4 with it recomputed in backprop, as DL4J's SameDiff vertices do\n");
            b.append("- FLOPs: forward, per token, 2 x non-embedding parameters + 4 x layers x sequence length x hidden, padded tokens counted; "
                    + "training = 3 x forward\n\n");
            b.append(String.format(Locale.ROOT, "## Training (%d pairs = %d texts per step, forward + backward + Adam update)%n%n", TRAIN_PAIRS, 2 * TRAIN_PAIRS));
            b.append("| model | batches | steps timed | mean padded width | pairs/s | GFLOP/s | share of sgemm | step time / forward time |\n|---|---|---|---|---|---|---|---|\n");
            for (TrainRow r : train) {
                b.append(String.format(Locale.ROOT, "| %s | %s | %d | %.1f | %.2f | %.1f | %.0f%% | %.2f |%n", r.model(), r.data(), r.steps(), r.meanWidth(),
                        r.pairsPerS(), r.gflops(), 100 * r.gflops() / sgemm, r.stepOverForward()));
            }
            b.append(String.format(Locale.ROOT, "%n## Inference, fixed-length batches of %d (no padding)%n%n", BATCH));
            b.append("| model | sequence | batches timed | DL4J sent/s | ORT sent/s | ratio DL4J/ORT | DL4J GFLOP/s | share of sgemm |\n|---|---|---|---|---|---|---|---|\n");
            for (FixedRow r : fixed) {
                b.append(String.format(Locale.ROOT, "| %s | %d | %d | %.1f | %.1f | %.2f | %.1f | %.0f%% |%n", r.model(), r.seq(), r.batches(),
                        r.dl4jSentPerS(), r.ortSentPerS(), r.dl4jSentPerS() / r.ortSentPerS(), r.dl4jGflops(), 100 * r.dl4jGflops() / sgemm));
            }
            b.append(String.format(Locale.ROOT, "%n## Inference and parity on real text%n%nThe %d unique sentences of the raw STS-B test file, "
                    + "sorted by token count into batches of %d, each padded to its longest (max length %d); Spearman on all %d raw test pairs, "
                    + "cosine of pooled vectors, average-tie ranks.%n%n", sentences, BATCH, MAX_LENGTH, pairs));
            b.append("| model | prefix | max abs diff of last hidden state | min cosine of pooled | Spearman x100 DL4J | Spearman x100 ORT | DL4J sent/s | ORT sent/s | ratio DL4J/ORT | DL4J GFLOP/s | share of sgemm |\n");
            b.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
            for (QualityRow r : quality) {
                b.append(String.format(Locale.ROOT, "| %s | %s | %.2e | 1 - %.1e | %.2f | %.2f | %.1f | %.1f | %.2f | %.1f | %.0f%% |%n", r.model(),
                        r.prefix().isEmpty() ? "" : "`" + r.prefix() + "`", r.maxDiff(), 1 - r.minCos(), r.spearmanDl4j(), r.spearmanOrt(),
                        r.dl4jSentPerS(), r.ortSentPerS(), r.dl4jSentPerS() / r.ortSentPerS(), r.dl4jGflops(), 100 * r.dl4jGflops() / sgemm));
            }
            Path out = SharedData.projectRoot().resolve(System.getProperty("bench.out", "bench/results/encoder.md"));
            Files.createDirectories(out.getParent());
            Files.writeString(out, b.toString());
            System.out.println(b);
        }
    }
}
