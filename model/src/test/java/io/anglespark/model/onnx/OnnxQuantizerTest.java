package io.anglespark.model.onnx;

import io.anglespark.model.PretrainedModel;
import io.anglespark.model.SharedPairs;
import io.anglespark.model.batch.TrainingExample;
import io.anglespark.model.metrics.PairEvaluation;
import io.anglespark.model.metrics.ScoredPairs;
import io.anglespark.model.metrics.Similarity;
import io.anglespark.model.serve.LongTextPolicy;
import io.anglespark.model.serve.OnnxRuntimeEngine;
import io.anglespark.model.serve.TextEmbedder;
import io.anglespark.model.tokenize.WordPieceTokenizer;
import io.anglespark.prep.read.SickFormat;
import io.anglespark.prep.read.StsBenchmarkFormat;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The int8 file against its float source, both on ONNX Runtime, on STS-B test pairs (the first 300 by default; all
 * 1,379 and SICK trial's 500 with {@code -Dquantizer.full=true}, as measured for the export's floor): the graph holds int8 dense layers only,
 * the file shrinks, each vector stays close to its float one, and the Spearman of the pairs moves little.
 */
class OnnxQuantizerTest {
    /**
     * The cosine floor per text, export.check.int8-min-cosine's default: the lowest over the 3,476 texts of STS-B test
     * and SICK trial was 0.9549 (MiniLM-L6) and 0.9919 (bge-small), with means 0.9930 and 0.9972.
     */
    static final double MIN_COSINE = 0.95;
    /** The mean cosine floor: most vectors barely move. */
    static final double MIN_MEAN_COSINE = 0.99;
    private static final boolean FULL = Boolean.getBoolean("quantizer.full");

    private static byte[] bytes(PretrainedModel m) throws IOException {
        try (InputStream in = m.openOnnx()) {
            return in.readAllBytes();
        }
    }

    private static void assertCloseToFloat(PretrainedModel m) throws IOException {
        byte[] source = bytes(m);
        OnnxQuantizer.Result q = OnnxQuantizer.quantize(source, Map.of("angle_spark.quantization", "int8-dynamic"));
        assertEquals(6 * m.config().layers(), q.matMuls(), "query, key, value, attention output, intermediate and output of each layer");
        // the dense layers' float weights are gone, their int8 copies (a quarter the size) in their place; embeddings stay float
        assertEquals(source.length - q.floatBytes() + q.int8Bytes(), q.onnx().length, 0.01 * source.length,
                "int8 file: " + q.onnx().length + " of " + source.length + " bytes");
        assertTrue(q.int8Bytes() < 0.26 * q.floatBytes(), q.int8Bytes() + " of " + q.floatBytes());
        OnnxModel read = OnnxModel.read(new ByteArrayInputStream(q.onnx()));
        assertFalse(read.nodes().stream().anyMatch(n -> n.opType().equals("MatMul") && read.initializers().containsKey(n.inputs().get(1))),
                "no float MatMul with a weight is left");
        assertEquals(6 * m.config().layers(), read.nodes().stream().filter(n -> n.opType().equals("MatMulInteger")).count());

        byte[] tok;
        try (InputStream in = m.openTokenizer()) {
            tok = in.readAllBytes();
        }
        WordPieceTokenizer tokenizer = WordPieceTokenizer.fromJson(new ByteArrayInputStream(tok));
        double min = 1;
        double sum = 0;
        int texts = 0;
        StringBuilder report = new StringBuilder();
        for (Map.Entry<String, ScoredPairs> set : sets().entrySet()) {
            ScoredPairs pairs = set.getValue();
            float[][] fp32 = embed(m, tokenizer, source, pairs);
            float[][] int8 = embed(m, tokenizer, q.onnx(), pairs);
            for (int i = 0; i < fp32.length; i++) {
                double dot = 0;
                for (int j = 0; j < fp32[i].length; j++) {
                    dot += (double) fp32[i][j] * int8[i][j];
                }
                min = Math.min(min, dot);
                sum += dot;
            }
            texts += fp32.length;
            double sFloat = PairEvaluation.evaluate(pairs, fp32).of(Similarity.COSINE).spearman().value();
            double sInt8 = PairEvaluation.evaluate(pairs, int8).of(Similarity.COSINE).spearman().value();
            report.append(String.format(Locale.ROOT, "; %s (%d pairs) Spearman x100 fp32 %.2f int8 %.2f", set.getKey(), pairs.size(),
                    100 * sFloat, 100 * sInt8));
            assertTrue(Math.abs(sInt8 - sFloat) <= 0.005, m.name() + " on " + set.getKey() + ": Spearman fp32 " + sFloat + " int8 " + sInt8);
        }
        System.out.printf(Locale.ROOT, "%s: %d MatMuls, %d -> %d bytes; %d texts: cosine int8 vs fp32 min %.5f mean %.5f%s%n", m.name(),
                q.matMuls(), source.length, q.onnx().length, texts, min, sum / texts, report);
        assertTrue(min >= MIN_COSINE, m.name() + ": min cosine " + min);
        assertTrue(sum / texts >= MIN_MEAN_COSINE, m.name() + ": mean cosine " + sum / texts);
    }

    /** STS-B test's first 300 pairs; with {@code -Dquantizer.full=true} all of STS-B test and SICK trial. */
    private static Map<String, ScoredPairs> sets() {
        Map<String, ScoredPairs> sets = new LinkedHashMap<>();
        sets.put("stsb-test", scored(SharedPairs.read(new StsBenchmarkFormat(), "stsbenchmark/sts-test.csv"), FULL ? Integer.MAX_VALUE : 300));
        if (FULL) {
            sets.put("sick-trial", scored(SharedPairs.read(new SickFormat(), "sick2014/SICK_trial.txt"), Integer.MAX_VALUE));
        }
        return sets;
    }

    private static ScoredPairs scored(List<TrainingExample> examples, int limit) {
        ScoredPairs.Builder b = new ScoredPairs.Builder();
        examples.stream().limit(limit).forEach(e -> b.add(e.texts().get(0), e.texts().get(1), e.label()));
        return b.build();
    }

    private static float[][] embed(PretrainedModel m, WordPieceTokenizer tokenizer, byte[] onnx, ScoredPairs pairs) {
        try (OnnxRuntimeEngine e = new OnnxRuntimeEngine(m.name(), m.config(), m.pooling(), tokenizer, onnx, 2)) {
            return new TextEmbedder(e, LongTextPolicy.truncate(128), 32, true).embed(pairs.texts());
        }
    }

    @Test
    void miniLmInInt8StaysCloseToItsFloatVectorsAndScores() throws IOException {
        assertCloseToFloat(PretrainedModel.MINILM_L6_V2);
    }

    @Test
    void bgeSmallInInt8StaysCloseToItsFloatVectorsAndScores() throws IOException {
        assertCloseToFloat(PretrainedModel.BGE_SMALL_EN_V15);
    }

    @Test
    void onnxRuntimeFusesEveryQuantizedMatMulIntoItsInt8Kernels() throws Exception {
        byte[] int8 = OnnxQuantizer.quantize(bytes(PretrainedModel.MINILM_L6_V2), Map.of()).onnx();
        java.nio.file.Path optimized = java.nio.file.Files.createTempFile("optimized", ".onnx");
        try (ai.onnxruntime.OrtSession.SessionOptions o = new ai.onnxruntime.OrtSession.SessionOptions()) {
            o.setOptimizedModelFilePath(optimized.toString());
            ai.onnxruntime.OrtEnvironment.getEnvironment().createSession(int8, o).close();
        }
        Map<String, Integer> ops = new java.util.TreeMap<>();
        int withBias = 0;
        for (OnnxModel.Node n : OnnxModel.read(new ByteArrayInputStream(java.nio.file.Files.readAllBytes(optimized))).nodes()) {
            ops.merge(n.opType(), 1, Integer::sum);
            // the bias input: DynamicQuantizeMatMul's fifth, MatMulIntegerToFloat's seventh
            int bias = n.opType().equals("DynamicQuantizeMatMul") ? 4 : n.opType().equals("MatMulIntegerToFloat") ? 6 : -1;
            if (bias >= 0 && n.inputs().size() > bias && !n.inputs().get(bias).isEmpty()) {
                withBias++;
            }
        }
        java.nio.file.Files.delete(optimized);
        // measured: 18 DynamicQuantizeMatMul (an activation quantized for one weight) + 18 MatMulIntegerToFloat (query, key and
        // value share one DynamicQuantizeLinear); what stays float is attention's activation-by-activation products
        assertEquals(36, ops.getOrDefault("DynamicQuantizeMatMul", 0) + ops.getOrDefault("MatMulIntegerToFloat", 0), ops.toString());
        assertEquals(0, ops.getOrDefault("MatMulInteger", 0), "no unfused int8 product: " + ops);
        // each dense layer's bias Add folded into its int8 kernel (the quantizer puts the bias second, where ORT looks for it):
        // 50 Adds in the float model's optimized graph, 20 here (residuals, attention mask, embeddings)
        assertEquals(36, withBias, "int8 kernels carrying their layer's bias: " + ops);
    }

    @Test
    void aModelOlderThanOpset11OrWithoutDenseWeightsIsRefused() {
        // the smallest ONNX model: a graph with one Identity node, opset 13, no initializer
        byte[] identity = identityModel(13);
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> OnnxQuantizer.quantize(identity, Map.of()));
        assertTrue(none.getMessage().contains("nothing to quantize"), none.getMessage());
        IllegalArgumentException old = assertThrows(IllegalArgumentException.class, () -> OnnxQuantizer.quantize(identityModel(10),
                Map.of()));
        assertTrue(old.getMessage().contains("opset 10"), old.getMessage());
    }

    /** A model whose graph is one Identity node, no initializer. */
    private static byte[] identityModel(int opset) {
        ProtoWriter node = new ProtoWriter().string(1, "x").string(2, "y").string(4, "Identity");
        ProtoWriter graph = new ProtoWriter().message(1, node).string(2, "g").message(11, new ProtoWriter().string(1, "x"))
                .message(12, new ProtoWriter().string(1, "y"));
        return new ProtoWriter().varint(1, 8).message(8, new ProtoWriter().string(1, "").varint(2, opset)).message(7, graph).toByteArray();
    }
}
