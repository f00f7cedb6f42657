package io.anglespark.model.encoder;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.anglespark.model.BertConfig;
import io.anglespark.model.PretrainedModel;
import io.anglespark.model.tokenize.WordPieceTokenizer;
import io.anglespark.prep.SharedData;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The encoder benchmark (run by {@code bench/encoder}, never by the test suite): for each registered model, on
 * all unique STS-B test sentences, our DL4J encoder against ONNX Runtime on the same ONNX file, same token
 * ids, same machine: parity (last hidden states, pooled cosines), zero-shot STS-B test Spearman x100 on all
 * 1,379 raw pairs through both engines, sentences/s of each and their ratio, the machine's sgemm GFLOP/s and
 * the share of it the encoder reaches. Writes {@code bench/results/encoder.md}; fails after writing when a
 * parity or Spearman bar is missed.
 */
@Tag("benchmark")
class EncoderBenchmark {
    private static final int BATCH = 32;
    private static final int MAX_LENGTH = 128;

    record Row(String model, String prefix, int sentences, double maxDiff, double minCos, double spearmanDl4j,
               double spearmanOrt, double dl4jSentPerS, double ortSentPerS, double encoderGflops) {
    }

    @Test
    void benchmark() throws Exception {
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
        double sgemm = sgemmGflops();
        List<Row> rows = new ArrayList<>();
        Map<String, String> runs = new LinkedHashMap<>();
        runs.put("minilm-l6-v2", "");
        runs.put("bge-small-en-v1.5", "");
        runs.put("e5-small-v2", "");
        runs.put("e5-small-v2 ", "query: ");
        for (Map.Entry<String, String> run : runs.entrySet()) {
            rows.add(measure(PretrainedModel.byName(run.getKey().trim()), run.getValue(), sentences, pairs, gold));
            write(rows, sgemm, sentences.size(), pairs.size());
        }
        for (Row r : rows) {
            assertTrue(r.maxDiff() < 1e-3, r.model() + ": hidden-state difference " + r.maxDiff());
            assertTrue(r.minCos() >= 0.99999, r.model() + ": min cosine " + r.minCos());
            assertTrue(Math.abs(r.spearmanDl4j() - r.spearmanOrt()) <= 0.01, r.model() + ": Spearman " + r.spearmanDl4j() + " vs ORT " + r.spearmanOrt());
        }
    }

    private static Row measure(PretrainedModel m, String prefix, List<String> sentences, List<String[]> pairs, List<Double> gold) throws Exception {
        Encoder enc = Encoder.pretrained(m, null, MAX_LENGTH);
        WordPieceTokenizer tok = enc.tokenizer();
        ComputationGraph g = enc.graph();
        String last = EncoderGraphFactory.lastHiddenVertex(m.config());
        byte[] onnx;
        try (InputStream in = m.openOnnx()) {
            onnx = in.readAllBytes();
        }
        Map<String, double[]> dl4jVec = new java.util.HashMap<>();
        Map<String, double[]> ortVec = new java.util.HashMap<>();
        double maxDiff = 0;
        double minCos = 1;
        long dl4jNanos = 0;
        long ortNanos = 0;
        double flops = 0;
        BertConfig c = m.config();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(2);
            try (OrtSession session = env.createSession(onnx, options)) {
                // warm-up of both engines on the first batch
                WordPieceTokenizer.Batch warm = tok.encodeBatch(prefixed(sentences.subList(0, BATCH), prefix), MAX_LENGTH);
                g.feedForward(enc.inputs(warm.inputIds(), warm.attentionMask()), false);
                OnnxRuntimeParityTest.runOrt(env, session, warm);
                for (int start = 0; start < sentences.size(); start += BATCH) {
                    List<String> texts = sentences.subList(start, Math.min(sentences.size(), start + BATCH));
                    WordPieceTokenizer.Batch b = tok.encodeBatch(prefixed(texts, prefix), MAX_LENGTH);
                    long a = System.nanoTime();
                    Map<String, INDArray> acts = g.feedForward(enc.inputs(b.inputIds(), b.attentionMask()), false);
                    long t1 = System.nanoTime();
                    float[][][] ort = OnnxRuntimeParityTest.runOrt(env, session, b);
                    long t2 = System.nanoTime();
                    dl4jNanos += t1 - a;
                    ortNanos += t2 - t1;
                    // forward FLOPs, padded tokens counted: per token 2 x non-embedding parameters + 4 x layers x seq x hidden
                    flops += (double) b.size() * b.width() * (2.0 * c.nonEmbeddingParameters() + 4.0 * c.layers() * b.width() * c.hidden());
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
        Row row = new Row(m.name(), prefix, sentences.size(), maxDiff, minCos, 100 * sp.correlation(simDl4j, goldScores), 100 * sp.correlation(simOrt, goldScores),
                sentences.size() / (dl4jNanos / 1e9), sentences.size() / (ortNanos / 1e9), flops / (dl4jNanos / 1e9) / 1e9);
        System.out.println(row);
        return row;
    }

    /**
     * Where a forward pass spends its time: ND4J's op profiler over 8 batches of bge-small on STS-B test
     * sentences (after a warm-up), time per op class, written to {@code bench/results/encoder-profile.md}.
     */
    @Test
    void profile() throws Exception {
        PretrainedModel m = PretrainedModel.BGE_SMALL_EN_V15;
        Encoder enc = Encoder.pretrained(m, null, MAX_LENGTH);
        List<String> sentences = new ArrayList<>();
        for (String line : SharedData.lines("stsbenchmark/sts-test.csv")) {
            sentences.add(line.split("\t")[5]);
        }
        WordPieceTokenizer.Batch warm = enc.tokenizer().encodeBatch(sentences.subList(0, BATCH), MAX_LENGTH);
        enc.graph().output(enc.inputs(warm.inputIds(), warm.attentionMask()));
        org.nd4j.linalg.profiler.OpProfiler.getInstance().reset();
        Nd4j.getExecutioner().setProfilingConfig(org.nd4j.linalg.profiler.ProfilerConfig.builder().checkElapsedTime(true).build());
        long t0 = System.nanoTime();
        for (int start = BATCH; start < 9 * BATCH; start += BATCH) {
            WordPieceTokenizer.Batch b = enc.tokenizer().encodeBatch(sentences.subList(start, start + BATCH), MAX_LENGTH);
            enc.graph().output(enc.inputs(b.inputIds(), b.attentionMask()));
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        Nd4j.getExecutioner().setProfilingConfig(org.nd4j.linalg.profiler.ProfilerConfig.builder().build());
        org.nd4j.linalg.profiler.OpProfiler prof = org.nd4j.linalg.profiler.OpProfiler.getInstance();
        String dashboard = "time per op (share):\n" + prof.getLongAggergator().asPercentageString()
                + "\ntime per op class (share):\n" + prof.getClassAggergator().asPercentageString();
        StringBuilder b = new StringBuilder("# Encoder profile: where a DL4J forward pass spends its time\n\n");
        b.append(String.format(Locale.ROOT, "bge-small-en-v1.5, 8 batches of %d STS-B test sentences (padded to each batch's longest), wall %.1f s with "
                + "profiling on; ND4J OpProfiler, time per op and per op class:%n%n```%n%s%n```%n", BATCH, wall, dashboard));
        Path out = SharedData.projectRoot().resolve("bench/results/encoder-profile.md");
        Files.writeString(out, b.toString());
        System.out.println(b);
    }

    private static List<String> prefixed(List<String> texts, String prefix) {
        return prefix.isEmpty() ? texts : texts.stream().map(t -> prefix + t).toList();
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

    /** fp32 matrix multiply on ND4J's backend, 1024 x 1024 x 1024, median of 7 after 2 warm-ups: 2 n^3 / s. */
    private static double sgemmGflops() {
        int n = 1024;
        INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray out = Nd4j.create(DataType.FLOAT, n, n);
        double[] t = new double[9];
        for (int i = 0; i < t.length; i++) {
            long s = System.nanoTime();
            Nd4j.gemm(a, b, out, false, false, 1.0, 0.0);
            t[i] = (System.nanoTime() - s) / 1e9;
        }
        double[] timed = java.util.Arrays.copyOfRange(t, 2, t.length);
        java.util.Arrays.sort(timed);
        return 2.0 * n * n * n / timed[timed.length / 2] / 1e9;
    }

    private static void write(List<Row> rows, double sgemm, int sentences, int pairs) throws Exception {
        StringBuilder b = new StringBuilder("# Encoder benchmark: DL4J encoder vs ONNX Runtime\n\n");
        b.append(String.format(Locale.ROOT, "- date: %s; machine: %d cores; Java %s; ND4J CPU backend (portable linux-x86_64 build); ONNX Runtime 1.20.0 with 2 intra-op threads%n",
                Instant.now(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version")));
        b.append("- command: `bench/encoder` (model/src/test/java/io/anglespark/model/encoder/EncoderBenchmark.java)\n");
        b.append(String.format(Locale.ROOT, "- input: the %d unique sentences of the raw STS-B test file, in file order, batches of %d padded to their longest "
                + "(no length bucketing), max length %d; Spearman on all %d raw test pairs, cosine of pooled vectors, average-tie ranks%n", sentences, BATCH, MAX_LENGTH, pairs));
        b.append(String.format(Locale.ROOT, "- machine fp32 matmul (ND4J sgemm 1024^3, median of 7): %.1f GFLOP/s%n", sgemm));
        b.append("- encoder FLOPs: per token, 2 x non-embedding parameters + 4 x layers x sequence length x hidden, padded tokens counted\n\n");
        b.append("| model | prefix | max abs diff of last hidden state | min cosine of pooled | Spearman x100 DL4J | Spearman x100 ORT | DL4J sent/s | ORT sent/s | ratio DL4J/ORT | DL4J GFLOP/s | share of sgemm |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            b.append(String.format(Locale.ROOT, "| %s | %s | %.2e | 1 - %.1e | %.2f | %.2f | %.1f | %.1f | %.2f | %.1f | %.0f%% |%n", r.model(),
                    r.prefix().isEmpty() ? "" : "`" + r.prefix() + "`", r.maxDiff(), 1 - r.minCos(), r.spearmanDl4j(), r.spearmanOrt(),
                    r.dl4jSentPerS(), r.ortSentPerS(), r.dl4jSentPerS() / r.ortSentPerS(), r.encoderGflops(), 100 * r.encoderGflops() / sgemm));
        }
        Path out = SharedData.projectRoot().resolve("bench/results/encoder.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, b.toString());
        System.out.println(b);
    }
}
