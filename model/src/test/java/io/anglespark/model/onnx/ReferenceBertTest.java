package io.anglespark.model.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReferenceBertTest {

    /** erf by its alternating Taylor series at 80 significant digits: independent of both branches under test. */
    private static double exactErf(double x) {
        MathContext mc = new MathContext(80);
        BigDecimal bx = new BigDecimal(x);
        BigDecimal x2 = bx.multiply(bx, mc);
        BigDecimal power = bx; // (-1)^n x^(2n+1) / n!
        BigDecimal sum = bx;
        BigDecimal tiny = new BigDecimal("1e-40");
        for (int n = 1; ; n++) {
            power = power.multiply(x2, mc).negate().divide(BigDecimal.valueOf(n), mc);
            BigDecimal term = power.divide(BigDecimal.valueOf(2L * n + 1), mc);
            sum = sum.add(term, mc);
            if (term.abs().compareTo(tiny) < 0) {
                break;
            }
        }
        BigDecimal twoOverSqrtPi = new BigDecimal("1.12837916709551257389615890312154517168810125865799771368817144342128493688");
        return sum.multiply(twoOverSqrtPi, mc).doubleValue();
    }

    @Test
    void erfIsAccurateToAFewUlpsAcrossBothBranchesAndIsOdd() {
        double worst = 0;
        for (int i = 0; i <= 1400; i++) {
            double x = 7.0 * i / 1400;
            double e = Math.abs(ReferenceBert.erf(x) - exactErf(x));
            worst = Math.max(worst, e);
            assertEquals(-ReferenceBert.erf(x), ReferenceBert.erf(-x));
        }
        assertTrue(worst < 2e-15, "max |erf error| " + worst);
        assertEquals(0.0, ReferenceBert.erf(0.0));
        assertEquals(1.0, ReferenceBert.erf(Double.POSITIVE_INFINITY));
        assertTrue(Double.isNaN(ReferenceBert.erf(Double.NaN)));
        assertEquals(0.8413447460685429, ReferenceBert.gelu(1.0), 1e-15); // Phi(1)
        assertEquals(-0.15865525393145707, ReferenceBert.gelu(-1.0), 1e-15);
    }

    @Test
    void inputsOutsideTheVocabularyOrOfMismatchedLengthsAreRefused() {
        ExportedModels.Loaded loaded = ExportedModels.get("minilm-l6-v2");
        ReferenceBert ref = new ReferenceBert(BertWeights.from(loaded.model(), loaded.spec().config()));
        assertThrows(IllegalArgumentException.class, () -> ref.forward(new long[]{101, 30522}, new long[]{1, 1}, new long[]{0, 0}));
        assertThrows(IllegalArgumentException.class, () -> ref.forward(new long[]{101, 102}, new long[]{1}, new long[]{0, 0}));
        assertThrows(IllegalArgumentException.class, () -> ref.forward(new long[]{101, 102}, new long[]{1, 1}, new long[]{0, 2}));
        assertThrows(IllegalArgumentException.class, () -> ref.forward(new long[0], new long[0], new long[0]));
    }

    private static final long[] SHORT = {101, 7592, 2088, 102};
    /** "[CLS] the quick brown fox jumps over the lazy dog . [SEP] it was a sunny day today . [SEP]" as a sentence pair. */
    private static final long[] LONG = {101, 1996, 4248, 2829, 4419, 14523, 2058, 1996, 13971, 3899, 1012, 102,
            2009, 2001, 1037, 11559, 2154, 2651, 1012, 102};
    private static final long[] LONG_TYPES = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1};

    /**
     * Three cases per model: the 4-token sentence alone; a batch of the 20-token sentence pair (token types 0
     * and 1) and the 4-token sentence padded to 20 with mask 0. ONNX Runtime runs the same ONNX bytes with
     * its default optimisations; only real positions are compared.
     */
    @ParameterizedTest
    @ValueSource(strings = {"minilm-l6-v2", "bge-small-en-v1.5", "e5-small-v2"})
    void lastHiddenStateEqualsOnnxRuntimeWithin1e4OnRealPositions(String name) throws OrtException {
        ExportedModels.Loaded loaded = ExportedModels.get(name);
        ReferenceBert ref = new ReferenceBert(BertWeights.from(loaded.model(), loaded.spec().config()));
        long[] padded = Arrays.copyOf(SHORT, LONG.length);
        long[] paddedMask = new long[LONG.length];
        Arrays.fill(paddedMask, 0, SHORT.length, 1);
        long[] ones = new long[LONG.length];
        Arrays.fill(ones, 1);
        long[] zeros = new long[LONG.length];

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(loaded.bytes(), options)) {
                float[][][] alone = run(env, session, new long[][]{SHORT}, new long[][]{{1, 1, 1, 1}}, new long[][]{{0, 0, 0, 0}});
                float[][][] batch = run(env, session, new long[][]{LONG, padded}, new long[][]{ones, paddedMask},
                        new long[][]{LONG_TYPES, zeros});

                double[][] refShort = ref.forward(SHORT, new long[]{1, 1, 1, 1}, new long[]{0, 0, 0, 0});
                double[][] refLong = ref.forward(LONG, ones, LONG_TYPES);
                double[][] refPadded = ref.forward(padded, paddedMask, zeros);
                double dShort = maxDiff(refShort, alone[0], SHORT.length);
                double dLong = maxDiff(refLong, batch[0], LONG.length);
                double dPadded = maxDiff(refPadded, batch[1], SHORT.length);
                System.out.printf("%s: max |ReferenceBert - ONNX Runtime| short %.2e, 20-token pair %.2e, padded row %.2e%n",
                        name, dShort, dLong, dPadded);
                assertTrue(dShort < 1e-4 && dLong < 1e-4 && dPadded < 1e-4, name + ": " + dShort + " " + dLong + " " + dPadded);
                // padding is invisible to real positions: the padded row equals the sentence alone
                assertTrue(maxDiff(refPadded, alone[0], SHORT.length) < 1e-4);
                for (int i = 0; i < SHORT.length; i++) {
                    assertTrue(Arrays.equals(refShort[i], refPadded[i]), "masked keys get exactly zero weight in float64");
                }
            }
        }
    }

    private static float[][][] run(OrtEnvironment env, OrtSession session, long[][] ids, long[][] mask, long[][] types) throws OrtException {
        try (OnnxTensor i = OnnxTensor.createTensor(env, ids);
             OnnxTensor m = OnnxTensor.createTensor(env, mask);
             OnnxTensor t = OnnxTensor.createTensor(env, types);
             OrtSession.Result r = session.run(Map.of("input_ids", i, "attention_mask", m, "token_type_ids", t))) {
            return (float[][][]) r.get("last_hidden_state").orElseThrow().getValue();
        }
    }

    private static double maxDiff(double[][] ref, float[][] ort, int rows) {
        double max = 0;
        for (int i = 0; i < rows; i++) {
            assertEquals(ref[i].length, ort[i].length);
            for (int j = 0; j < ref[i].length; j++) {
                max = Math.max(max, Math.abs(ref[i][j] - ort[i][j]));
            }
        }
        return max;
    }
}
