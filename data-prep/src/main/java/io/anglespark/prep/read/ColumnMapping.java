package io.anglespark.prep.read;

import io.anglespark.prep.ExampleShape;
import io.anglespark.prep.ScoreRange;

import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which source column feeds each field of a {@link ExampleShape}: {@code columns} maps every target field name
 * ({@code text1}, {@code query}, ...) to a source column name; {@code labelRange} is the closed range of format A's
 * label, or null for any finite number (it must be null for B and C).
 *
 * @throws IllegalArgumentException naming the target field when one lacks a column, when a key is not a field of
 *                                  the target, when two fields share a column, or when B or C is given a range
 */
public record ColumnMapping(ExampleShape target, Map<String, String> columns, ScoreRange labelRange)
        implements Serializable {

    public ColumnMapping {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(columns, "columns");
        for (String key : columns.keySet()) {
            if (!target.fields().contains(key)) {
                throw new IllegalArgumentException("format " + target + " has no target field '" + key
                        + "' (its fields: " + String.join(", ", target.fields()) + ")");
            }
        }
        Map<String, String> fieldByColumn = new HashMap<>();
        for (String field : target.fields()) {
            String column = columns.get(field);
            if (column == null || column.isBlank()) {
                throw new IllegalArgumentException("format " + target + " needs a source column for target field '"
                        + field + "'");
            }
            String other = fieldByColumn.putIfAbsent(column, field);
            if (other != null) {
                throw new IllegalArgumentException("target fields '" + other + "' and '" + field
                        + "' both map to column '" + column + "'");
            }
        }
        if (labelRange != null && target != ExampleShape.SCORED_PAIR) {
            throw new IllegalArgumentException("a label range applies to scored pairs only, not to " + target + " examples");
        }
        columns = Map.copyOf(columns);
    }

    /** Format A: (text1, text2, label) from the named columns; {@code labelRange} may be null. */
    public static ColumnMapping a(String text1, String text2, String label, ScoreRange labelRange) {
        return new ColumnMapping(ExampleShape.SCORED_PAIR, Map.of("text1", text1, "text2", text2, "label", label), labelRange);
    }

    /** Format B: (query, positive) from the named columns. */
    public static ColumnMapping b(String query, String positive) {
        return new ColumnMapping(ExampleShape.POSITIVE_PAIR, Map.of("query", query, "positive", positive), null);
    }

    /** Format C: (query, positive, negative) from the named columns. */
    public static ColumnMapping c(String query, String positive, String negative) {
        return new ColumnMapping(ExampleShape.TRIPLET, Map.of("query", query, "positive", positive, "negative", negative),
                null);
    }

    /** The source column of a target field. */
    public String column(String targetField) {
        String c = columns.get(targetField);
        if (c == null) {
            throw new IllegalArgumentException("format " + target + " has no target field '" + targetField + "'");
        }
        return c;
    }

    /** The source columns in target-field order. */
    public List<String> sourceColumns() {
        return target.fields().stream().map(columns::get).toList();
    }
}
