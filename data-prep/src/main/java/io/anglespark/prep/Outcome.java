package io.anglespark.prep;

import java.io.Serializable;
import java.util.function.Function;

/** The result of reading or cleaning one row: an accepted value or a {@link Rejection}. */
public sealed interface Outcome<T> extends Serializable {

    record Accepted<T>(T value) implements Outcome<T> {
    }

    record Rejected<T>(Rejection rejection) implements Outcome<T> {
    }

    static <T> Outcome<T> accept(T value) {
        return new Accepted<>(value);
    }

    static <T> Outcome<T> reject(Reason reason, String detailFormat, Object... args) {
        return new Rejected<>(Rejection.of(reason, detailFormat, args));
    }

    static <T> Outcome<T> reject(Rejection rejection) {
        return new Rejected<>(rejection);
    }

    default boolean isAccepted() {
        return this instanceof Accepted;
    }

    /** Applies a further step to an accepted value; a rejection passes through unchanged. */
    @SuppressWarnings("unchecked")
    default <U> Outcome<U> then(Function<T, Outcome<U>> next) {
        if (this instanceof Accepted<T> a) {
            return next.apply(a.value());
        }
        return (Outcome<U>) this;
    }
}
