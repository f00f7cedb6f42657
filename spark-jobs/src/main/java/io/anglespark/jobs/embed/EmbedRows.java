package io.anglespark.jobs.embed;

import io.anglespark.prep.Outcome;
import io.anglespark.prep.Reason;
import io.anglespark.prep.clean.TextPolicy;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Pure rules for input rows: what makes a row unusable, and the text key. Texts are embedded as given (no cleaning:
 * the vectors are of the user's texts), but the project's {@link TextPolicy} holds: invalid UTF-8 and unpaired
 * surrogates are quarantined with the prepare job's reasons, never embedded as U+FFFD.
 */
public final class EmbedRows {
    /** Quarantine reasons, as written in the quarantine's {@code reason} column and {@code _run.json}. */
    public static final String MALFORMED = "malformed_record";
    public static final String MISSING_ID = "missing_id";
    public static final String MISSING_TEXT = "missing_text";
    public static final String DUPLICATE_ID_CONFLICT = "duplicate_id_conflict";
    /** The text policy's reasons, as the prepare and issue-pairs jobs write them. */
    public static final String INVALID_UTF8 = Reason.INVALID_UTF8.code();
    public static final String UNPAIRED_SURROGATE = Reason.UNPAIRED_SURROGATE.code();

    private EmbedRows() {
    }

    /** Why a row cannot be embedded: a reason code and a detail naming the field, line or position. */
    public record Problem(String reason, String detail) implements Serializable {
        static Problem of(Outcome<?> rejected) {
            var r = ((Outcome.Rejected<?>) rejected).rejection();
            return new Problem(r.reason().code(), r.detail());
        }
    }

    /**
     * The text policy on one field (the id or a text), or null when it holds: a value read as bytes (a Parquet string,
     * whose bytes Spark keeps as written) must be valid UTF-8; a value parsed from text (JSON, whose escapes can make
     * any UTF-16 unit) must hold no unpaired surrogate.
     *
     * @param bytes the value's bytes when the format keeps them, else null (then {@code value} is checked)
     * @param field named in the detail, e.g. {@code text column 'body'}
     */
    public static Problem textProblem(String value, byte[] bytes, String field) {
        Outcome<String> o = bytes != null ? TextPolicy.decode(bytes, field)
                : value != null ? TextPolicy.checkSurrogates(value, field) : Outcome.accept(null);
        return o.isAccepted() ? null : Problem.of(o);
    }

    /** Why a well-formed row cannot be embedded, or null: its id is missing or blank, or its text is (nothing to embed). */
    public static Problem problem(String id, String text) {
        if (id == null || id.isBlank()) {
            return new Problem(MISSING_ID, id == null ? "the id is missing" : "the id is blank");
        }
        if (text == null || text.isBlank()) {
            return new Problem(MISSING_TEXT, text == null ? "the text is missing" : "the text is blank");
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

    /** At most {@code max} characters of {@code s} ("" for null), invalid bytes and unpaired surrogates shown as U+FFFD, for quarantine rows. */
    public static String clip(String s, int max) {
        if (s == null) {
            return "";
        }
        String d = TextPolicy.displayable(s);
        return d.length() <= max ? d : d.substring(0, max);
    }
}
