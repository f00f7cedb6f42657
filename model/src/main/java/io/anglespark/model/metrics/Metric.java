package io.anglespark.model.metrics;

import java.io.Serializable;

/**
 * One metric value, or why there is none. {@code value} is null exactly when {@code undefinedReason} is set:
 * a correlation of a constant column, or an AUC of one class, is reported as undefined with the reason, so a
 * report can show it and nothing downstream meets a NaN it did not expect.
 *
 * @param value           the value; null when undefined
 * @param undefinedReason why it is undefined; null when defined
 */
public record Metric(Double value, String undefinedReason) implements Serializable {

    public Metric {
        if ((value == null) == (undefinedReason == null)) {
            throw new IllegalArgumentException("a metric has either a value or a reason, got value " + value + ", reason " + undefinedReason);
        }
        if (value != null && !Double.isFinite(value)) {
            throw new IllegalArgumentException("a defined metric is finite, got " + value);
        }
    }

    public static Metric of(double value) {
        return new Metric(value, null);
    }

    public static Metric undefined(String reason) {
        return new Metric(null, reason);
    }

    public boolean isDefined() {
        return value != null;
    }

    /** The value, or NaN when undefined (for arithmetic that propagates NaN on purpose). */
    public double orNaN() {
        return value == null ? Double.NaN : value;
    }
}
