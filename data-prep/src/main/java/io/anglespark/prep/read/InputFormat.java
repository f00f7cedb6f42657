package io.anglespark.prep.read;

import java.io.Serializable;

/**
 * A file format. Formats with a header line get it in {@link #bind(String, String)} to resolve their
 * columns by name; a header that lacks a required column fails there, naming the file and the column.
 */
public interface InputFormat extends Serializable {

    /** Whether the first line of each file is a header (not a data row; not counted as read). */
    boolean hasHeader();

    /**
     * Returns the reader for one file.
     *
     * @param file   the file's path, for error messages
     * @param header the first line when {@link #hasHeader()}, else null
     * @throws IllegalArgumentException when the header lacks a required column
     */
    RecordReader bind(String file, String header);
}
