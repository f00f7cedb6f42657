package io.anglespark.model.tokenize;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.anglespark.model.PretrainedModel;
import io.anglespark.prep.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Our tokenizer against the Hugging Face {@code tokenizers} library (DJL's native binding) on the same
 * {@code tokenizer.json}, with the reference's truncation and padding turned off.
 */
class HuggingFaceParityTest {

    @TempDir
    Path dir;

    static List<PretrainedModel> models() {
        return PretrainedModel.all();
    }

    /** The reference on the model's own tokenizer.json, copied alone into a fresh folder. */
    private HuggingFaceTokenizer reference(PretrainedModel m, Map<String, String> options) throws IOException {
        Path folder = Files.createTempDirectory(dir, m.name());
        Path json = folder.resolve("tokenizer.json");
        try (InputStream in = m.openTokenizer()) {
            Files.copy(in, json);
        }
        return HuggingFaceTokenizer.newInstance(json, options);
    }

    private HuggingFaceTokenizer reference(PretrainedModel m) throws IOException {
        return reference(m, Map.of("truncation", "false", "padding", "false"));
    }

    /** Each text's ids from both; a failure lists the texts (as code points too) with both id lists. */
    private static void assertSameIds(PretrainedModel m, HuggingFaceTokenizer hf, WordPieceTokenizer ours, List<String> texts) {
        Encoding[] expected = hf.batchEncode(texts);
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            long[] want = expected[i].getIds();
            long[] got = Arrays.stream(ours.encode(texts.get(i), Integer.MAX_VALUE)).asLongStream().toArray();
            if (!Arrays.equals(want, got)) {
                mismatches.add("'" + texts.get(i) + "' " + texts.get(i).codePoints().mapToObj(Integer::toHexString).toList()
                        + "\n  hf:   " + Arrays.toString(want) + "\n  ours: " + Arrays.toString(got));
            }
        }
        assertTrue(mismatches.isEmpty(), m.name() + ": " + mismatches.size() + " of " + texts.size() + " texts differ:\n"
                + String.join("\n", mismatches.subList(0, Math.min(20, mismatches.size()))));
    }

    @ParameterizedTest
    @MethodSource("models")
    void idsEqualHuggingFaceOnEveryUniqueStsbTestSentence(PretrainedModel m) throws IOException {
        Set<String> unique = new LinkedHashSet<>();
        for (String line : SharedData.lines("stsbenchmark/sts-test.csv")) {
            String[] f = line.split("\t", -1);
            unique.add(f[5]);
            unique.add(f[6]);
        }
        assertEquals(2552, unique.size(), "unique sentence1/sentence2 values of STS-B test, raw");
        try (HuggingFaceTokenizer hf = reference(m)) {
            assertSameIds(m, hf, WordPieceTokenizer.of(m), new ArrayList<>(unique));
        }
    }

    static final List<String> EDGE_CASES = List.of(
            "",
            "Crème brûlée", "naïve NAÏVE Café", "cre\u0300me", "İstanbul", "ΣΑΣ ΟΔΟΣ", "Straße ﬁne ǅemal Ångström",
            "我喜欢NLP", "日本語のテキストと한국어", "emoji 😀🥰 👍🏽 family 👨‍👩‍👧",
            "tab\tbell\u0007nul\u0000repl\uFFFDzero\u200Bwidth\uFEFFbom del\u007F ctl\u0012x", "\u0085next\u000Bvt\u000Cff",
            "[SEP]", "a[SEP]b [unused1] [MASK]x [sep] [UNK][CLS]", "[SEP", "[[SEP]]",
            "a".repeat(150), "b".repeat(100), "b".repeat(101), "é".repeat(101), "😀".repeat(3),
            "a\u00A0b\u3000c\td\ne\r\nf\u2028g\u202Fh", "   leading and trailing   ",
            "don't won’t “quoted” «guillemets» — dash…",
            "https://example.com/path/to?q=1&x=two#frag user@example.org", "3.14 1,000,000 $5.99 10% 2024-01-01 +1-800-555-0199 ½ ² ①",
            // CJK Extension E, which the Hugging Face library does not isolate, then U+2B920, which it does
            "x\uD86E\uDC20x x\uD86E\uDD20x",
            // characters whose class changed after Unicode 8: new Po, new Cf, new Mn; Po turned So; Po turned Mn
            "x\u2E43x x\u08E2x x\u07FDx x\u166Dx x\uD804\uDDC9x",
            "unbelievably antidisestablishmentarianism pneumonoultramicroscopicsilicovolcanoconiosis");

    @ParameterizedTest
    @MethodSource("models")
    void idsAndPiecesEqualHuggingFaceOnEdgeCases(PretrainedModel m) throws IOException {
        WordPieceTokenizer ours = WordPieceTokenizer.of(m);
        try (HuggingFaceTokenizer hf = reference(m)) {
            assertSameIds(m, hf, ours, EDGE_CASES);
            for (String text : EDGE_CASES) {
                List<String> tokens = Arrays.asList(hf.encode(text).getTokens());
                assertEquals(tokens.subList(1, tokens.size() - 1), ours.tokenize(text), text);
            }
        }
    }

    @Test
    void truncationToEightKeepsClsAndSepAsHuggingFaceDoes() throws IOException {
        PretrainedModel m = PretrainedModel.BGE_SMALL_EN_V15;
        String text = "A man is playing a large flute while a small dog watches from the sofa in the evening.";
        int[] ours = WordPieceTokenizer.of(m).encode(text, 8);
        try (HuggingFaceTokenizer hf = reference(m, Map.of("truncation", "true", "maxLength", "8", "padding", "false"))) {
            assertArrayEquals(hf.encode(text).getIds(), Arrays.stream(ours).asLongStream().toArray());
        }
        assertEquals(8, ours.length);
        assertEquals(101, ours[0]);
        assertEquals(102, ours[7]);
    }
}
