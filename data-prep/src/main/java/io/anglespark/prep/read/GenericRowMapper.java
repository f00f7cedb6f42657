package io.anglespark.prep.read;

import com.fasterxml.jackson.databind.JsonNode;
import io.anglespark.prep.Example;
import io.anglespark.prep.Outcome;
import io.anglespark.prep.Reason;

import java.io.Serializable;
import java.util.Objects;
import java.util.function.Function;

/**
 * Maps one user record to an {@link Example} by its {@link ColumnMapping}, whatever the record's source: the
 * caller supplies a lookup from source column name to value (a CSV field, a JSON member, a Parquet column).
 * <ul>
 *   <li>a text field must be a {@link CharSequence}; absent (null) or any other type is {@link Reason#MISSING_FIELD}
 *       naming the column. Empty text is passed on: judging it is the cleaning stage's job;</li>
 *   <li>format A's label may be a {@link Number} (checked by {@link Scores#check}) or numeric text (parsed by
 *       {@link Scores#parse}); null is {@link Reason#MISSING_FIELD}, another type {@link Reason#SCORE_UNPARSABLE}.</li>
 * </ul>
 */
public record GenericRowMapper(ColumnMapping mapping) implements Serializable {

    public GenericRowMapper {
        Objects.requireNonNull(mapping, "mapping");
    }

    /** @param column the record's value for a source column name, null when absent */
    public Outcome<Example> map(Function<String, ?> column) {
        return switch (mapping.target()) {
            case SCORED_PAIR -> text(column, "text1").then(t1 -> text(column, "text2")
                    .then(t2 -> label(column).then(s -> Outcome.accept(Example.scored(t1, t2, s)))));
            case POSITIVE_PAIR -> text(column, "query").then(q -> text(column, "positive")
                    .then(p -> Outcome.accept(Example.positive(q, p))));
            case TRIPLET -> text(column, "query").then(q -> text(column, "positive")
                    .then(p -> text(column, "negative").then(n -> Outcome.accept(Example.triplet(q, p, n)))));
        };
    }

    private Outcome<String> text(Function<String, ?> column, String field) {
        String name = mapping.column(field);
        Object v = column.apply(name);
        if (v instanceof CharSequence s) {
            return Outcome.accept(s.toString());
        }
        if (v == null) {
            return Outcome.reject(Reason.MISSING_FIELD, "column '%s' (%s) is absent or null", name, field);
        }
        return Outcome.reject(Reason.MISSING_FIELD, "column '%s' (%s) is %s, not text", name, field, kind(v));
    }

    private Outcome<Double> label(Function<String, ?> column) {
        String name = mapping.column("label");
        String described = "column '" + name + "' (label)";
        Object v = column.apply(name);
        if (v instanceof Number n) {
            return Scores.check(n.doubleValue(), mapping.labelRange(), described);
        }
        if (v instanceof CharSequence s) {
            return Scores.parse(s.toString(), mapping.labelRange(), described);
        }
        if (v == null) {
            return Outcome.reject(Reason.MISSING_FIELD, "%s is absent or null", described);
        }
        return Outcome.reject(Reason.SCORE_UNPARSABLE, "%s is %s, not a number", described, kind(v));
    }

    private static String kind(Object v) {
        if (v instanceof JsonNode node) {
            return Json.kind(node);
        }
        if (v instanceof Number) {
            return "a number";
        }
        if (v instanceof Boolean) {
            return "a boolean";
        }
        return "a " + v.getClass().getSimpleName();
    }
}
