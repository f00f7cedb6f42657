package io.anglespark.prep;

/**
 * Every way a row can leave the pipeline other than being written. Each reason belongs to one bucket:
 * {@link Bucket#QUARANTINED} (bad input, kept with its raw text) or {@link Bucket#DROPPED} (a good row
 * removed by a named, configured rule). The code is what the quarantine and {@code _run.json} show.
 */
public enum Reason {
    // --- quarantined: the row itself is bad
    INVALID_UTF8("invalid_utf8", Bucket.QUARANTINED),
    /**
     * A text holding a UTF-16 surrogate without its partner (e.g. JSON's {@code "\ud800"} escape): no character, and
     * not encodable as UTF-8 (Parquet would get a {@code ?}).
     */
    UNPAIRED_SURROGATE("unpaired_surrogate", Bucket.QUARANTINED),
    BLANK_LINE("blank_line", Bucket.QUARANTINED),
    WRONG_FIELD_COUNT("wrong_field_count", Bucket.QUARANTINED),
    /** A record its format's syntax cannot split, e.g. a CSV line with an unbalanced quote. */
    MALFORMED_RECORD("malformed_record", Bucket.QUARANTINED),
    INVALID_JSON("invalid_json", Bucket.QUARANTINED),
    MISSING_FIELD("missing_field", Bucket.QUARANTINED),
    UNSCORED("unscored", Bucket.QUARANTINED),
    SCORE_UNPARSABLE("score_unparsable", Bucket.QUARANTINED),
    SCORE_NOT_FINITE("score_not_finite", Bucket.QUARANTINED),
    SCORE_OUT_OF_RANGE("score_out_of_range", Bucket.QUARANTINED),
    NO_GOLD_LABEL("no_gold_label", Bucket.QUARANTINED),
    UNKNOWN_LABEL("unknown_label", Bucket.QUARANTINED),
    EMPTY_TEXT("empty_text", Bucket.QUARANTINED),
    TOO_LONG("too_long", Bucket.QUARANTINED),
    DUPLICATE_CONFLICT("duplicate_conflict", Bucket.QUARANTINED),
    /** A duplicate link from an issue to itself (a links-file row whose every target is its own id). */
    SELF_LINK("self_link", Bucket.QUARANTINED),

    // --- dropped: a valid row removed by a configured rule
    DUPLICATE_MERGED("duplicate_merged", Bucket.DROPPED),
    NEUTRAL_LABEL("neutral_label", Bucket.DROPPED),
    EVAL_OVERLAP("eval_overlap", Bucket.DROPPED),
    /** An NLI row not written as a pair (pairs off) and in no triplet (no partner of the other label). */
    NLI_UNPAIRED("nli_unpaired", Bucket.DROPPED),
    /** A GitHub object with a {@code pull_request} field: a pull request, not an issue. */
    PULL_REQUEST("pull_request", Bucket.DROPPED),
    /** A duplicate link row every one of whose named issues is absent from the corpus. */
    LINK_TARGET_ABSENT("link_target_absent", Bucket.DROPPED),
    /** An issue comment whose issue is not in the corpus. */
    COMMENT_ORPHAN("comment_orphan", Bucket.DROPPED);

    public enum Bucket { WRITTEN, QUARANTINED, DROPPED }

    private final String code;
    private final Bucket bucket;

    Reason(String code, Bucket bucket) {
        this.code = code;
        this.bucket = bucket;
    }

    public String code() {
        return code;
    }

    public Bucket bucket() {
        return bucket;
    }
}
