package io.anglespark.prep;

import java.io.Serializable;
import java.util.Objects;

/** Why a row was not accepted: a reason code plus a human detail naming the field or value. */
public record Rejection(Reason reason, String detail) implements Serializable {
    public Rejection {
        Objects.requireNonNull(reason, "reason");
        detail = detail == null ? "" : detail;
    }

    public static Rejection of(Reason reason, String detailFormat, Object... args) {
        return new Rejection(reason, args.length == 0 ? detailFormat : String.format(java.util.Locale.ROOT, detailFormat, args));
    }
}
