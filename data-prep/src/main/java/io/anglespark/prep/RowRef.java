package io.anglespark.prep;

import java.io.Serializable;
import java.util.Comparator;
import java.util.Objects;

/**
 * Where a row came from: the configured input's name, the file, and the 1-based line number (of the
 * record's first line). Ordered by input, file, line, so "the first row of a group" is well defined.
 */
public record RowRef(String input, String file, long line) implements Serializable, Comparable<RowRef> {

    private static final Comparator<RowRef> ORDER = Comparator.comparing(RowRef::input)
            .thenComparing(RowRef::file)
            .thenComparingLong(RowRef::line);

    public RowRef {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(file, "file");
    }

    /** {@code file:line}, as the quarantine shows it. */
    public String location() {
        return file + ":" + line;
    }

    /** A short stable id, {@code input:line} for single-file inputs; the file's name is added otherwise. */
    public String id(boolean withFileName) {
        if (!withFileName) {
            return input + ":" + line;
        }
        int slash = file.lastIndexOf('/');
        return input + ":" + file.substring(slash + 1) + ":" + line;
    }

    @Override
    public int compareTo(RowRef o) {
        return ORDER.compare(this, o);
    }
}
