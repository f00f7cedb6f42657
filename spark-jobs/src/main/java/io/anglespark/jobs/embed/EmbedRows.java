package io.anglespark.jobs.embed;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Pure rules for input rows: what makes a row unusable, and the text key. */
public final class EmbedRows {
    /** Quarantine reasons, as written in the quarantine's {@code reason} column and {@code _run.json}. */
    public static final String MALFORMED = "malformed_record";
    public static final String MISSING_ID = "missing_id";
    public static final String MISSING_TEXT = "missing_text";
    public static final String DUPLICATE_ID_CONFLICT = "duplicate_id_conflict";

    private EmbedRows() {
    }

    /**
     * Why a row cannot be embedded, or null when it can: the reader could not parse it ({@code corrupt} holds the
     * raw record), its id is missing or blank, or its text is missing or blank (nothing to embed).
     */
    public static String problem(String id, String text, String corrupt) {
        if (corrupt != null) {
            return MALFORMED;
        }
        if (id == null || id.isBlank()) {
            return MISSING_ID;
        }
        if (text == null || text.isBlank()) {
            return MISSING_TEXT;
        }
        return null;
    }

    /**
     * Lower-case hex SHA-256 of the text's UTF-8 bytes: the key that ties a stored vector to its text. The job computes
     * it with Spark's {@code sha2(text, 256)}, which gives the same string (the job test checks every row against this).
     */
    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** At most {@code max} characters of {@code s} ("" for null), for quarantine rows. */
    public static String clip(String s, int max) {
        if (s == null) {
            return "";
        }
        return s.length() <= max ? s : s.substring(0, max);
    }
}
