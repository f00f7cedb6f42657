package io.anglespark.model.tokenize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.anglespark.model.PretrainedModel;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A pure-Java BERT WordPiece tokenizer that gives the same token ids as the Hugging Face {@code tokenizers}
 * library on a {@code tokenizer.json} made of a {@code BertNormalizer}, a {@code BertPreTokenizer}, a
 * {@code WordPiece} model and a {@code TemplateProcessing} (or {@code BertProcessing}) post-processor. Any
 * other component fails {@link #fromJson} with a message naming it. The file's {@code truncation} and
 * {@code padding} sections are ignored: the caller gives the maximum length and batches pad dynamically.
 *
 * <p>Pipeline, as the Hugging Face library runs it:
 * <ol>
 *   <li><b>Added tokens.</b> The {@code added_tokens} (here {@code [PAD] [UNK] [CLS] [SEP] [MASK]}) are
 *       matched in the raw text before anything else, case-sensitively, leftmost then longest first; each match
 *       becomes its own id, so {@code "a [SEP] b"} holds id 102. Only tokens with {@code normalized},
 *       {@code lstrip}, {@code rstrip} and {@code single_word} all false are supported (the files this project
 *       uses); others are refused. Vocabulary entries that are not added tokens ({@code [unused1]}) are not
 *       matched and are tokenised as text.</li>
 *   <li><b>Normalisation</b> of the text between matches. {@code clean_text}: drops U+0000, U+FFFD and
 *       "other" characters (general categories Cc, Cf, Co, Cs; unassigned ones are kept) except tab, LF and CR, and maps every
 *       white-space character (Rust's {@code char::is_whitespace}, i.e. the Unicode White_Space property) to
 *       a space. {@code handle_chinese_chars}: spaces around CJK ideographs ({@link #isCjk}).
 *       {@code strip_accents} (when null, follows {@code lowercase}): NFD, then drops non-spacing marks (Mn).
 *       {@code lowercase}: per code point, full lower-case mapping without context (so {@code 'Σ'} is always
 *       {@code 'σ'}, never the final {@code 'ς'} that {@link String#toLowerCase} would give, and {@code 'İ'}
 *       becomes {@code "i̇"} when accents are kept).</li>
 *   <li><b>Pre-tokenisation</b>: split on white space; every punctuation character (ASCII punctuation or
 *       a Unicode P* category) is a word of its own.</li>
 *   <li><b>WordPiece</b>: per word, greedy longest match first, later pieces looked up with the
 *       continuing-subword prefix ({@code ##}); a word with more than {@code max_input_chars_per_word} code
 *       points, or with a part no piece matches, becomes the single unknown token.</li>
 *   <li><b>Post-processing</b> ({@link #encode}): the template's tokens around the pieces, {@code [CLS] ... [SEP]}.</li>
 * </ol>
 * Character categories are the Rust library's, which match Unicode 8.0: the JDK's (Unicode 13 in Java 17)
 * are corrected by a measured table of the characters that changed since ({@link #category}). Parity was checked
 * on every code point, alone and between letters; a newer JDK knows more recent characters, which may then differ.
 * A lone surrogate in a Java string is dropped as category Cs.
 *
 * <p>Instances are immutable and thread-safe, and {@link Serializable} so that Spark can ship them.
 */
public final class WordPieceTokenizer implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * A padded batch: row {@code i} holds the {@code lengths[i]} ids of text {@code i} then pad ids up to the
     * longest text of the batch; {@code attentionMask} is 1 on real tokens, 0 on padding; token types are 0.
     * Arrays are shared, not copied: treat them as read-only.
     */
    public record Batch(int[][] inputIds, int[][] attentionMask, int[][] tokenTypeIds, int[] lengths) implements Serializable {
        /** Number of texts. */
        public int size() {
            return lengths.length;
        }

        /** Padded row length (0 for an empty batch). */
        public int width() {
            return inputIds.length == 0 ? 0 : inputIds[0].length;
        }
    }

    private final HashMap<String, Integer> vocab;
    private final String[] idToToken;
    private final int unkId;
    private final int padId;
    private final String subwordPrefix;
    private final int maxInputCharsPerWord;
    /** Upper bound of a vocabulary entry's length in code points: longer candidate pieces are not looked up. */
    private final int maxPieceChars;
    private final boolean cleanText;
    private final boolean handleChineseChars;
    private final boolean stripAccents;
    private final boolean lowercase;
    /** Added tokens matched literally in the raw text, and their ids. */
    private final String[] addedTokens;
    private final int[] addedIds;
    /** Template ids before and after the sequence: [CLS] and [SEP]. */
    private final int[] prefixIds;
    private final int[] suffixIds;

    private WordPieceTokenizer(HashMap<String, Integer> vocab, String[] idToToken, int unkId, int padId, String subwordPrefix,
                               int maxInputCharsPerWord, boolean cleanText, boolean handleChineseChars, boolean stripAccents,
                               boolean lowercase, String[] addedTokens, int[] addedIds, int[] prefixIds, int[] suffixIds) {
        this.vocab = vocab;
        this.idToToken = idToToken;
        this.unkId = unkId;
        this.padId = padId;
        this.subwordPrefix = subwordPrefix;
        this.maxInputCharsPerWord = maxInputCharsPerWord;
        this.maxPieceChars = vocab.keySet().stream().mapToInt(t -> t.codePointCount(0, t.length())).max().orElse(0);
        this.cleanText = cleanText;
        this.handleChineseChars = handleChineseChars;
        this.stripAccents = stripAccents;
        this.lowercase = lowercase;
        this.addedTokens = addedTokens;
        this.addedIds = addedIds;
        this.prefixIds = prefixIds;
        this.suffixIds = suffixIds;
    }

    /** The tokenizer of a registered model, read from its class-path {@code tokenizer.json}. */
    public static WordPieceTokenizer of(PretrainedModel m) {
        try (InputStream in = m.openTokenizer()) {
            return fromJson(in);
        } catch (IOException e) {
            throw new UncheckedIOException("model '" + m.name() + "': cannot read " + m.tokenizer(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("model '" + m.name() + "': " + e.getMessage(), e);
        }
    }

    /**
     * Reads a Hugging Face {@code tokenizer.json} (the stream is read to its end, not closed).
     *
     * @throws IllegalArgumentException naming the missing or unsupported part of the file
     * @throws UncheckedIOException     if the stream cannot be read or is not JSON
     */
    public static WordPieceTokenizer fromJson(InputStream tokenizerJson) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(tokenizerJson);
        } catch (IOException e) {
            throw new UncheckedIOException("tokenizer.json: not readable JSON", e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("tokenizer.json: expected a JSON object");
        }

        JsonNode model = object(root, "model");
        requireType(model, "model", "WordPiece");
        JsonNode vocabNode = object(model, "vocab");
        HashMap<String, Integer> vocab = new HashMap<>(vocabNode.size() * 2);
        for (Iterator<Map.Entry<String, JsonNode>> it = vocabNode.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().canConvertToInt() || e.getValue().intValue() < 0) {
                throw new IllegalArgumentException("tokenizer.json: model.vocab['" + e.getKey() + "'] is not a non-negative integer id");
            }
            vocab.put(e.getKey(), e.getValue().intValue());
        }
        String unk = string(model, "unk_token", "model");
        Integer unkId = vocab.get(unk);
        if (unkId == null) {
            throw new IllegalArgumentException("tokenizer.json: model.unk_token '" + unk + "' is not in model.vocab");
        }
        String prefix = string(model, "continuing_subword_prefix", "model");
        int maxChars = integer(model, "max_input_chars_per_word", "model");

        JsonNode norm = object(root, "normalizer");
        requireType(norm, "normalizer", "BertNormalizer");
        boolean lowercase = bool(norm, "lowercase", "normalizer");
        JsonNode strip = norm.get("strip_accents");
        boolean stripAccents = strip == null || strip.isNull() ? lowercase : bool(norm, "strip_accents", "normalizer");

        requireType(object(root, "pre_tokenizer"), "pre_tokenizer", "BertPreTokenizer");

        List<String> added = new ArrayList<>();
        List<Integer> addedIds = new ArrayList<>();
        JsonNode addedNode = root.get("added_tokens");
        if (addedNode != null && !addedNode.isNull()) {
            if (!addedNode.isArray()) {
                throw new IllegalArgumentException("tokenizer.json: added_tokens is not an array");
            }
            for (JsonNode t : addedNode) {
                String content = string(t, "content", "added_tokens[]");
                int id = integer(t, "id", "added_tokens['" + content + "']");
                for (String flag : List.of("normalized", "lstrip", "rstrip", "single_word")) {
                    if (t.path(flag).asBoolean(false)) {
                        throw new IllegalArgumentException("tokenizer.json: added token '" + content + "' sets " + flag
                                + "=true, which is not supported (only literal, unnormalised matching)");
                    }
                }
                Integer inVocab = vocab.putIfAbsent(content, id);
                if (inVocab != null && inVocab != id) {
                    throw new IllegalArgumentException("tokenizer.json: added token '" + content + "' has id " + id
                            + " but model.vocab gives " + inVocab);
                }
                if (!content.isEmpty()) {
                    added.add(content);
                    addedIds.add(id);
                }
            }
        }

        // ids are dense (0 .. n-1 in every WordPiece vocabulary): an id far beyond the vocabulary's size is a damaged or
        // hostile file, refused before a table of its size is allocated
        int maxId = vocab.values().stream().mapToInt(Integer::intValue).max().orElse(-1);
        int minId = vocab.values().stream().mapToInt(Integer::intValue).min().orElse(0);
        if (minId < 0 || maxId >= Math.max(2L * vocab.size() + 16, 1 << 22)) {
            throw new IllegalArgumentException("tokenizer.json: token id " + (minId < 0 ? minId : maxId) + " is out of range for a vocabulary of "
                    + vocab.size() + " tokens");
        }
        String[] idToToken = new String[maxId + 1];
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            if (idToToken[e.getValue()] != null) {
                throw new IllegalArgumentException("tokenizer.json: id " + e.getValue() + " is given to both '"
                        + idToToken[e.getValue()] + "' and '" + e.getKey() + "'");
            }
            idToToken[e.getValue()] = e.getKey();
        }
        Integer padId = vocab.get("[PAD]");
        if (padId == null) {
            throw new IllegalArgumentException("tokenizer.json: no [PAD] token in the vocabulary");
        }

        int[][] template = template(root.get("post_processor"));
        return new WordPieceTokenizer(vocab, idToToken, unkId, padId, prefix, maxChars,
                bool(norm, "clean_text", "normalizer"), bool(norm, "handle_chinese_chars", "normalizer"), stripAccents, lowercase,
                added.toArray(String[]::new), addedIds.stream().mapToInt(Integer::intValue).toArray(), template[0], template[1]);
    }

    /** The single-sequence template as {prefix ids, suffix ids}. */
    private static int[][] template(JsonNode pp) {
        if (pp == null || pp.isNull()) {
            throw new IllegalArgumentException("tokenizer.json: post_processor is missing (needed for the [CLS] ... [SEP] template)");
        }
        String type = pp.path("type").asText("");
        if (type.equals("BertProcessing")) {
            return new int[][]{{pp.path("cls").path(1).asInt()}, {pp.path("sep").path(1).asInt()}};
        }
        if (!type.equals("TemplateProcessing")) {
            throw new IllegalArgumentException("tokenizer.json: post_processor type '" + type
                    + "' is not supported (TemplateProcessing or BertProcessing)");
        }
        JsonNode single = pp.get("single");
        if (single == null || !single.isArray()) {
            throw new IllegalArgumentException("tokenizer.json: post_processor.single is missing");
        }
        List<Integer> before = new ArrayList<>();
        List<Integer> after = new ArrayList<>();
        boolean seenSequence = false;
        for (JsonNode item : single) {
            JsonNode special = item.get("SpecialToken");
            JsonNode seq = item.get("Sequence");
            JsonNode piece = special != null ? special : seq;
            if (piece == null || piece.path("type_id").asInt(0) != 0) {
                throw new IllegalArgumentException("tokenizer.json: post_processor.single item " + item
                        + " is not supported (SpecialToken or Sequence A, type_id 0)");
            }
            if (seq != null) {
                if (seenSequence || !seq.path("id").asText().equals("A")) {
                    throw new IllegalArgumentException("tokenizer.json: post_processor.single must hold Sequence A exactly once");
                }
                seenSequence = true;
                continue;
            }
            String name = special.path("id").asText();
            JsonNode ids = pp.path("special_tokens").path(name).path("ids");
            if (!ids.isArray() || ids.isEmpty()) {
                throw new IllegalArgumentException("tokenizer.json: post_processor.special_tokens has no ids for '" + name + "'");
            }
            for (JsonNode id : ids) {
                (seenSequence ? after : before).add(id.asInt());
            }
        }
        if (!seenSequence) {
            throw new IllegalArgumentException("tokenizer.json: post_processor.single has no Sequence A");
        }
        return new int[][]{before.stream().mapToInt(Integer::intValue).toArray(), after.stream().mapToInt(Integer::intValue).toArray()};
    }

    private static JsonNode object(JsonNode parent, String field) {
        JsonNode n = parent.get(field);
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("tokenizer.json: '" + field + "' is missing or not an object");
        }
        return n;
    }

    private static void requireType(JsonNode n, String what, String supported) {
        String type = n.path("type").asText("(none)");
        if (!type.equals(supported)) {
            throw new IllegalArgumentException("tokenizer.json: " + what + " type '" + type + "' is not supported (only " + supported + ")");
        }
    }

    private static String string(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("tokenizer.json: " + where + "." + field + " is missing or not a string");
        }
        return v.asText();
    }

    private static int integer(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.canConvertToInt()) {
            throw new IllegalArgumentException("tokenizer.json: " + where + "." + field + " is missing or not an integer");
        }
        return v.intValue();
    }

    private static boolean bool(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.isBoolean()) {
            throw new IllegalArgumentException("tokenizer.json: " + where + "." + field + " is missing or not a boolean");
        }
        return v.booleanValue();
    }

    // ---------------------------------------------------------------- public API

    /** Vocabulary size: one more than the largest id. */
    public int vocabSize() {
        return idToToken.length;
    }

    /** The id that pads batches ({@code [PAD]}). */
    public int padId() {
        return padId;
    }

    /** The token of an id (for logs and tests). */
    public String token(int id) {
        return idToToken[id];
    }

    /**
     * The word pieces of a text, without the template's {@code [CLS]}/{@code [SEP]}; an added token written in
     * the text ({@code "[SEP]"}) is a piece of its own, and an untokenisable word is {@code [UNK]}.
     */
    public List<String> tokenize(String text) {
        Ids ids = pieceIds(text);
        List<String> out = new ArrayList<>(ids.size);
        for (int i = 0; i < ids.size; i++) {
            out.add(idToToken[ids.a[i]]);
        }
        return out;
    }

    /**
     * The model input of one text: {@code [CLS]}, its pieces, {@code [SEP]}; pieces past
     * {@code maxLength - 2} are dropped so that the result has at most {@code maxLength} ids and still ends
     * with {@code [SEP]}. No padding.
     *
     * @throws IllegalArgumentException if {@code maxLength} leaves no room for the template's tokens (< 2)
     */
    public int[] encode(String text, int maxLength) {
        int room = maxLength - prefixIds.length - suffixIds.length;
        if (room < 0) {
            throw new IllegalArgumentException("maxLength must be >= " + (prefixIds.length + suffixIds.length)
                    + " (room for [CLS] and [SEP]), got " + maxLength);
        }
        Ids body = pieceIds(text);
        int keep = Math.min(body.size, room);
        int[] out = new int[prefixIds.length + keep + suffixIds.length];
        System.arraycopy(prefixIds, 0, out, 0, prefixIds.length);
        System.arraycopy(body.a, 0, out, prefixIds.length, keep);
        System.arraycopy(suffixIds, 0, out, prefixIds.length + keep, suffixIds.length);
        return out;
    }

    /** The word-piece ids of a text without the template's {@code [CLS]}/{@code [SEP]} and without truncation. */
    public int[] pieceIdsOf(String text) {
        Ids body = pieceIds(text);
        return Arrays.copyOf(body.a, body.size);
    }

    /**
     * The model input of the pieces {@code [from, to)} of {@code body} (from {@link #pieceIdsOf}): the template's
     * prefix, those pieces, its suffix. Used to embed a long text in windows.
     */
    public int[] wrap(int[] body, int from, int to) {
        int n = to - from;
        int[] out = new int[prefixIds.length + n + suffixIds.length];
        System.arraycopy(prefixIds, 0, out, 0, prefixIds.length);
        System.arraycopy(body, from, out, prefixIds.length, n);
        System.arraycopy(suffixIds, 0, out, prefixIds.length + n, suffixIds.length);
        return out;
    }

    /** Ids the template adds around every text ({@code [CLS]} and {@code [SEP]}: 2). */
    public int templateLength() {
        return prefixIds.length + suffixIds.length;
    }

    /**
     * {@link #encode} of each text, padded with {@link #padId()} to the longest of the batch (not to
     * {@code maxLength}).
     */
    public Batch encodeBatch(List<String> texts, int maxLength) {
        List<int[]> rows = new java.util.ArrayList<>(texts.size());
        for (String t : texts) {
            rows.add(encode(t, maxLength));
        }
        return pad(rows);
    }

    /** Rows of ids (from {@link #encode}) padded with {@link #padId()} to the longest of them, with their mask. */
    public Batch pad(List<int[]> rows) {
        int n = rows.size();
        int width = 0;
        for (int[] r : rows) {
            width = Math.max(width, r.length);
        }
        int[][] ids = new int[n][width];
        int[][] mask = new int[n][width];
        int[] lengths = new int[n];
        for (int i = 0; i < n; i++) {
            lengths[i] = rows.get(i).length;
            System.arraycopy(rows.get(i), 0, ids[i], 0, lengths[i]);
            Arrays.fill(ids[i], lengths[i], width, padId);
            Arrays.fill(mask[i], 0, lengths[i], 1);
        }
        return new Batch(ids, mask, new int[n][width], lengths);
    }

    // ---------------------------------------------------------------- pipeline

    /** Ids of the pieces: added tokens matched in the raw text, the text between them tokenised. */
    private Ids pieceIds(String text) {
        Ids out = new Ids(text.length() / 3 + 4);
        int segment = 0;
        for (int i = 0; i < text.length(); i++) {
            int best = -1;
            for (int k = 0; k < addedTokens.length; k++) {
                if (text.startsWith(addedTokens[k], i) && (best < 0 || addedTokens[k].length() > addedTokens[best].length())) {
                    best = k;
                }
            }
            if (best >= 0) {
                words(normalize(text.substring(segment, i)), out);
                out.add(addedIds[best]);
                segment = i + addedTokens[best].length();
                i = segment - 1;
            }
        }
        words(normalize(text.substring(segment)), out);
        return out;
    }

    private String normalize(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        boolean ascii = true;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (cleanText) {
                if (cp == 0 || cp == 0xFFFD || isControl(cp)) {
                    continue;
                }
                if (isWhitespace(cp)) {
                    b.append(' ');
                    continue;
                }
            }
            ascii &= cp < 0x80;
            if (handleChineseChars && isCjk(cp)) {
                b.append(' ').appendCodePoint(cp).append(' ');
            } else {
                b.appendCodePoint(cp);
            }
        }
        String r = b.toString();
        if (ascii) {
            return lowercase ? asciiLower(r) : r;
        }
        if (stripAccents) {
            r = Normalizer.normalize(r, Normalizer.Form.NFD);
            b.setLength(0);
            for (int i = 0; i < r.length(); ) {
                int cp = r.codePointAt(i);
                i += Character.charCount(cp);
                if (category(cp) != Character.NON_SPACING_MARK) {
                    b.appendCodePoint(cp);
                }
            }
            r = b.toString();
        }
        if (lowercase) {
            b.setLength(0);
            for (int i = 0; i < r.length(); ) {
                int cp = r.codePointAt(i);
                i += Character.charCount(cp);
                if (cp == 0x130) {
                    b.append("i\u0307"); // the one unconditional multi-character lower-case mapping (SpecialCasing.txt)
                } else {
                    b.appendCodePoint(Character.toLowerCase(cp));
                }
            }
            r = b.toString();
        }
        return r;
    }

    private static String asciiLower(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                char[] a = s.toCharArray();
                for (int j = i; j < a.length; j++) {
                    if (a[j] >= 'A' && a[j] <= 'Z') {
                        a[j] += 'a' - 'A';
                    }
                }
                return new String(a);
            }
        }
        return s;
    }

    /** Pre-tokenisation (white space, punctuation) and WordPiece of a normalised text. */
    private void words(String s, Ids out) {
        int start = -1;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int next = i + Character.charCount(cp);
            boolean space = isWhitespace(cp);
            if (space || isPunctuation(cp)) {
                if (start >= 0) {
                    wordPiece(s.substring(start, i), out);
                    start = -1;
                }
                if (!space) {
                    wordPiece(s.substring(i, next), out);
                }
            } else if (start < 0) {
                start = i;
            }
            i = next;
        }
        if (start >= 0) {
            wordPiece(s.substring(start), out);
        }
    }

    private void wordPiece(String word, Ids out) {
        if (word.codePointCount(0, word.length()) > maxInputCharsPerWord) {
            out.add(unkId);
            return;
        }
        int mark = out.size;
        int start = 0;
        while (start < word.length()) {
            int end = word.offsetByCodePoints(start, Math.min(maxPieceChars, word.codePointCount(start, word.length())));
            Integer id = null;
            while (end > start) {
                String piece = word.substring(start, end);
                id = vocab.get(start == 0 ? piece : subwordPrefix + piece);
                if (id != null) {
                    break;
                }
                end = word.offsetByCodePoints(end, -1);
            }
            if (id == null) {
                out.size = mark;
                out.add(unkId);
                return;
            }
            out.add(id);
            start = end;
        }
    }

    // ---------------------------------------------------------------- character classes

    /**
     * Code-point ranges (inclusive pairs) of characters that the Hugging Face library's category tables (from
     * Unicode 8.0) do not know, so that it treats them as unassigned: neither punctuation, nor non-spacing
     * marks, nor control characters. Measured against the JDK 17 tables (Unicode 13) on every code point;
     * a range may span characters whose class does not matter here.
     */
    private static final int[] UNKNOWN_TO_HF = {
        0x7FD, 0x7FD, 0x8D3, 0x8E2, 0x9FD, 0x9FE, 0xA76, 0xA76, 0xAFA, 0xAFF, 0xB55, 0xB55, 0xC04, 0xC04, 0xC77, 0xC77,
        0xC84, 0xC84, 0xD00, 0xD00, 0xD3B, 0xD3C, 0xD81, 0xD81, 0xEBA, 0xEBA, 0x1885, 0x1886, 0x1ABF, 0x1AC0, 0x1DF6, 0x1DFB,
        0x2E43, 0x2E52, 0xA82C, 0xA82C, 0xA8C5, 0xA8C5, 0xA8FF, 0xA8FF, 0xA9BD, 0xA9BD, 0x10D24, 0x10F59, 0x110CD, 0x110CD,
        0x111CF, 0x111CF, 0x1123E, 0x1123E, 0x1133B, 0x1133B, 0x11438, 0x1145E, 0x11660, 0x1166C,
        0x1182F, 0x11FFF, 0x13430, 0x13438, 0x16E97, 0x16F4F, 0x16FE2, 0x16FE4, 0x1E000, 0x1E2EF, 0x1E944, 0x1E95F,
    };

    /** The general category as the Hugging Face library sees it (see {@link #UNKNOWN_TO_HF}). */
    static int category(int cp) {
        if (cp == 0x166D || cp == 0x111C9) {
            return Character.OTHER_PUNCTUATION; // Po in Unicode 8; So (since 12) and Mn (since 11) in Java 17
        }
        int lo = 0;
        int hi = UNKNOWN_TO_HF.length / 2 - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (cp < UNKNOWN_TO_HF[2 * mid]) {
                hi = mid - 1;
            } else if (cp > UNKNOWN_TO_HF[2 * mid + 1]) {
                lo = mid + 1;
            } else {
                return Character.UNASSIGNED;
            }
        }
        return Character.getType(cp);
    }

    /** Rust's {@code char::is_whitespace}: the Unicode White_Space property. */
    static boolean isWhitespace(int cp) {
        return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A)
                || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
    }

    /** Categories Cc, Cf, Co, Cs, Cn, except tab, LF and CR (which count as white space). */
    static boolean isControl(int cp) {
        if (cp == '\t' || cp == '\n' || cp == '\r') {
            return false;
        }
        int t = category(cp);
        return t == Character.CONTROL || t == Character.FORMAT || t == Character.PRIVATE_USE || t == Character.SURROGATE;
    }

    /** ASCII punctuation (33-47, 58-64, 91-96, 123-126) or a Unicode P* category. */
    static boolean isPunctuation(int cp) {
        if (cp < 0x80) {
            return (cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126);
        }
        return switch (category(cp)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                    Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }

    /**
     * The CJK ideograph ranges BERT isolates (not Hiragana, Katakana or Hangul), as the Hugging Face library
     * writes them: its fifth range starts at U+2B920 where BERT's starts at U+2B820, so U+2B820..U+2B91F
     * (CJK Extension E) are not isolated.
     */
    static boolean isCjk(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F) || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B920 && cp <= 0x2CEAF)
                || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }

    /** A growable int list, private to one call. */
    private static final class Ids {
        int[] a;
        int size;

        Ids(int capacity) {
            a = new int[capacity];
        }

        void add(int v) {
            if (size == a.length) {
                a = Arrays.copyOf(a, size * 2 + 4);
            }
            a[size++] = v;
        }
    }
}
