package io.anglespark.prep.issues;

import io.anglespark.prep.Reason;
import io.anglespark.prep.Rejection;
import io.anglespark.prep.read.CsvSyntax;

import java.io.Reader;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * Streams the records of an RFC 4180 file whose quoted fields may span lines (issue-tracker exports such as
 * GitBugs' {@code hadoop_bugs.csv}). The syntax is the project's one quote parser, {@link CsvSyntax.Scanner}; in
 * short:
 * <ul>
 *   <li>comma-separated; a field starting with {@code "} is quoted, writes a quote as {@code ""}, and may hold
 *       commas and line breaks (LF or CRLF, kept as written);</li>
 *   <li>outside quotes LF or CRLF ends a record (a lone CR is text: it splits nothing and shifts no line number);
 *       a final line break starts no further record; the line of a record is the 1-based line (lines end at LF) of
 *       its first character;</li>
 *   <li>an empty line: a record with error {@link Reason#BLANK_LINE};</li>
 *   <li>text after a closing quote: {@link Reason#MALFORMED_RECORD} for that record, and parsing resumes on the
 *       next line;</li>
 *   <li>a quote still open at the end of the file: one last record with {@link Reason#MALFORMED_RECORD} whose raw
 *       text runs from its record's start (cut to {@link #RAW_LIMIT} characters);</li>
 *   <li>a record with more than {@code maxRecordChars} field characters: {@link Reason#TOO_LONG} (the scan goes
 *       on, so memory stays bounded by the limit even for an unterminated quote).</li>
 * </ul>
 * Memory is O(record), never O(file). The first record (normally the header) is returned like any other; a
 * leading byte-order mark is dropped. Read failures surface as {@link UncheckedIOException}.
 */
public final class Rfc4180 {
    /** The most characters of a record's source text kept in {@link CsvRecord#raw()}. */
    public static final int RAW_LIMIT = 1000;
    /** The default limit on one record's field characters (16 Mi characters, 32 MiB of heap). */
    public static final int DEFAULT_MAX_RECORD_CHARS = 1 << 24;

    private Rfc4180() {
    }

    /**
     * One record.
     *
     * @param line   1-based line on which the record starts
     * @param fields the fields (unmodifiable); empty when {@code error} is set
     * @param raw    the record's source text without its line terminator, cut to {@link #RAW_LIMIT} characters: a
     *               quarantine preview, not a copy to re-parse
     * @param error  why the record cannot be used, or null
     */
    public record CsvRecord(long line, List<String> fields, String raw, Rejection error) implements Serializable {
        public CsvRecord {
            fields = List.copyOf(fields);
            Objects.requireNonNull(raw, "raw");
        }

        public boolean ok() {
            return error == null;
        }
    }

    /** The records of {@code in}, lazily, with {@link #DEFAULT_MAX_RECORD_CHARS}; the caller closes {@code in}. */
    public static Iterator<CsvRecord> records(Reader in) {
        return records(in, DEFAULT_MAX_RECORD_CHARS);
    }

    /** The records of {@code in}, lazily, with a limit on one record's field characters. */
    public static Iterator<CsvRecord> records(Reader in, int maxRecordChars) {
        CsvSyntax.Scanner scanner = new CsvSyntax.Scanner(in, maxRecordChars, RAW_LIMIT);
        return new Iterator<>() {
            private CsvRecord next;
            private boolean done;

            @Override
            public boolean hasNext() {
                if (next == null && !done) {
                    if (scanner.advance()) {
                        next = new CsvRecord(scanner.line(), scanner.fields(), scanner.raw(), scanner.error());
                    } else {
                        done = true;
                    }
                }
                return next != null;
            }

            @Override
            public CsvRecord next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                CsvRecord r = next;
                next = null;
                return r;
            }
        };
    }
}
