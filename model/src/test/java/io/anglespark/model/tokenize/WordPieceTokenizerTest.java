package io.anglespark.model.tokenize;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anglespark.model.PretrainedModel;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WordPieceTokenizerTest {

    private static final WordPieceTokenizer TOK = WordPieceTokenizer.of(PretrainedModel.MINILM_L6_V2);

    @Test
    void splitsIntoGreedyLongestPiecesWithoutTemplateTokens() {
        assertEquals(List.of("cr", "##eme", "br", "##ule", "##e"), TOK.tokenize("Crème brûlée"));
        assertEquals(List.of("don", "'", "t"), TOK.tokenize("don't"));
        assertEquals(List.of("hello", "[SEP]", "world"), TOK.tokenize("Hello[SEP]world"));
        assertEquals(List.of("[UNK]"), TOK.tokenize("a".repeat(101)));
        assertEquals(List.of(), TOK.tokenize(" \t\u0000 "));
        assertEquals(30522, TOK.vocabSize());
        assertEquals("[PAD]", TOK.token(TOK.padId()));
    }

    @Test
    void encodeWrapsInClsAndSepAndTruncatesKeepingSepLast() {
        assertArrayEquals(new int[]{101, 102}, TOK.encode("", 2));
        assertArrayEquals(new int[]{101, 102}, TOK.encode("hello world", 2));
        int[] ids = TOK.encode("hello world", 3);
        assertEquals(3, ids.length);
        assertEquals(102, ids[2]);
        assertEquals(TOK.encode("hello world", 512).length, TOK.encode("hello world", 4).length);
        assertThrows(IllegalArgumentException.class, () -> TOK.encode("x", 1));
    }

    @Test
    void encodeBatchPadsToTheLongestTextAndMasksOnlyRealTokens() {
        List<String> texts = List.of("a dog", "", "a man is playing a flute on the stage tonight");
        WordPieceTokenizer.Batch b = TOK.encodeBatch(texts, 8);
        assertEquals(3, b.size());
        assertEquals(8, b.width()); // the third text is cut to 8; nothing is longer
        for (int i = 0; i < texts.size(); i++) {
            int[] alone = TOK.encode(texts.get(i), 8);
            assertEquals(alone.length, b.lengths()[i]);
            for (int j = 0; j < b.width(); j++) {
                boolean real = j < alone.length;
                assertEquals(real ? alone[j] : TOK.padId(), b.inputIds()[i][j]);
                assertEquals(real ? 1 : 0, b.attentionMask()[i][j]);
                assertEquals(0, b.tokenTypeIds()[i][j]);
            }
        }
        WordPieceTokenizer.Batch shortOnes = TOK.encodeBatch(List.of("a dog", "cat"), 512);
        assertEquals(4, shortOnes.width(), "dynamic padding: to the longest of the batch, not to maxLength");
        assertEquals(0, TOK.encodeBatch(List.of(), 8).size());
    }

    @Test
    void javaSerializationRoundTripGivesTheSameIds() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(TOK);
        }
        WordPieceTokenizer back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = (WordPieceTokenizer) in.readObject();
        }
        for (String text : List.of("Crème brûlée is naïve [SEP] 我喜欢NLP", "A man is playing a flute.", "")) {
            assertArrayEquals(TOK.encode(text, 128), back.encode(text, 128), text);
        }
    }

    @Test
    void theThreeRegisteredTokenizersGiveTheSameIds() {
        String text = "The quick brown fox's URL: https://x.org/?q=1, price $3.50!";
        int[] ids = TOK.encode(text, 128);
        assertArrayEquals(ids, WordPieceTokenizer.of(PretrainedModel.BGE_SMALL_EN_V15).encode(text, 128));
        assertArrayEquals(ids, WordPieceTokenizer.of(PretrainedModel.E5_SMALL_V2).encode(text, 128));
    }

    @Test
    void unsupportedOrMissingPartsOfTokenizerJsonFailNamingThem() throws IOException {
        assertRejected(j -> ((ObjectNode) j.get("model")).put("type", "BPE"), "model type 'BPE'");
        assertRejected(j -> ((ObjectNode) j.get("normalizer")).put("type", "NFKC"), "normalizer type 'NFKC'");
        assertRejected(j -> j.remove("normalizer"), "'normalizer' is missing");
        assertRejected(j -> ((ObjectNode) j.get("pre_tokenizer")).put("type", "Whitespace"), "pre_tokenizer type 'Whitespace'");
        assertRejected(j -> ((ObjectNode) j.get("model")).remove("vocab"), "'vocab' is missing");
        assertRejected(j -> ((ObjectNode) j.get("model")).put("unk_token", "<unk>"), "unk_token '<unk>'");
        assertRejected(j -> ((ObjectNode) j.get("normalizer")).remove("lowercase"), "normalizer.lowercase");
        assertRejected(j -> ((ObjectNode) j.get("added_tokens").get(3)).put("lstrip", true), "'[SEP]' sets lstrip=true");
        assertRejected(j -> ((ObjectNode) j.get("post_processor")).put("type", "RobertaProcessing"), "post_processor type 'RobertaProcessing'");
        assertRejected(j -> j.putNull("post_processor"), "post_processor is missing");
        // a hostile id would size the id table: refused before anything of that size is allocated
        assertRejected(j -> ((ObjectNode) j.get("model").get("vocab")).put("huge", Integer.MAX_VALUE - 1), "token id 2147483646 is out of range");
        assertRejected(j -> ((ObjectNode) j.get("model").get("vocab")).put("negative", -5), "is not a non-negative integer id");
    }

    private static void assertRejected(Consumer<ObjectNode> edit, String expected) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode json;
        try (InputStream in = PretrainedModel.MINILM_L6_V2.openTokenizer()) {
            json = (ObjectNode) mapper.readTree(in);
        }
        ((ObjectNode) json.get("model")).putObject("vocab").put("[UNK]", 100).put("[PAD]", 0).put("hello", 7592); // small: fast
        edit.accept(json);
        byte[] bytes = mapper.writeValueAsBytes(json);
        String message = assertThrows(IllegalArgumentException.class,
                () -> WordPieceTokenizer.fromJson(new ByteArrayInputStream(bytes))).getMessage();
        assertTrue(message.contains(expected), message);
    }
}
