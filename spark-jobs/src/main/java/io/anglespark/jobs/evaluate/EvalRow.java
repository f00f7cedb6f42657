package io.anglespark.jobs.evaluate;

import io.anglespark.prep.Reason;

import java.io.Serializable;

/**
 * One row of an evaluation set as read: a scored pair, or a rejection with where it was and why. A rejected
 * row is counted in the report under its reason; none is dropped silently.
 *
 * @param location {@code file:line} for text formats, {@code file pair_id} for Parquet
 * @param reason   null for an accepted pair
 */
record EvalRow(String location, String text1, String text2, double label, Reason reason, String detail) implements Serializable {

    static EvalRow accepted(String location, String text1, String text2, double label) {
        return new EvalRow(location, text1, text2, label, null, null);
    }

    static EvalRow rejected(String location, Reason reason, String detail) {
        return new EvalRow(location, null, null, Double.NaN, reason, detail);
    }

    boolean isAccepted() {
        return reason == null;
    }
}
