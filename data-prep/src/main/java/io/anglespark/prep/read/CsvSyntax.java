package io.anglespark.prep.read;

import io.anglespark.prep.Outcome;
import io.anglespark.prep.Reason;
import io.anglespark.prep.Rejection;

import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The one RFC 4180 quote parser of this project, used two ways:
 * <ul>
 *   <li>{@link #splitLine(String)}: one line that a line reader already cut (the single-line CSV dialect of
 *       {@link DelimitedFormat}); CR and LF are ordinary characters there;</li>
 *   <li>{@link Scanner}: a stream of records whose quoted fields may span lines (issue-tracker exports).</li>
 * </ul>
 * Grammar, shared by both: fields are separated by commas (a stream may name another delimiter); a field that starts
 * with {@code "} is quoted, may hold delimiters (and, in a stream, line breaks), and writes a quote as {@code ""}; its
 * closing quote must end the field (be followed by a delimiter or the end of the record), else the record is
 * {@link Reason#MALFORMED_RECORD}.
 * A quote inside an unquoted field is ordinary text. A quote still open at the end of the input is
 * {@link Reason#MALFORMED_RECORD} ("unbalanced quote").
 */
public final class CsvSyntax {
    private CsvSyntax() {
    }

    /**
     * Splits one line (without its terminator). Never fails on an empty line: {@code ""} is one empty field.
     * The accepted list is unmodifiable.
     */
    public static Outcome<List<String>> splitLine(String line) {
        Scanner s = new Scanner(line);
        s.advance();
        return s.error() == null ? Outcome.accept(s.fields()) : Outcome.reject(s.error());
    }

    /**
     * Cuts a character stream into CSV records, one at a time, in O(record) memory: the fields of the current
     * record, a raw preview of at most {@code rawLimit} characters and an 8 KiB read buffer. Not thread-safe;
     * one scanner per stream.
     * <ul>
     *   <li>Outside quotes a record ends at LF (a CR right before it, or right before the end of the input, is part
     *       of the line break and dropped: CRLF files read like LF files), or at the end of the input; a final line
     *       break does not start another record. A lone CR is text, as every other character: records split only
     *       where the format says, so a stray CR inside a field neither splits the record nor shifts the line
     *       numbers after it. Inside quotes every character is data, line breaks included (kept as written: a CRLF
     *       stays CRLF).</li>
     *   <li>Lines are counted the same way (each LF ends one); {@link #line()} is the 1-based line on which the
     *       current record starts.</li>
     *   <li>A leading U+FEFF (byte-order mark) at the very start of the stream is skipped.</li>
     *   <li>An empty line (a line break right at the start of a record) is a record with no fields and error
     *       {@link Reason#BLANK_LINE}.</li>
     *   <li>Text after a closing quote: error {@link Reason#MALFORMED_RECORD}; the rest of that physical line is
     *       skipped and scanning resumes on the next line.</li>
     *   <li>A quote still open at the end of the input: error {@link Reason#MALFORMED_RECORD}; the record runs
     *       from its first line to the end of the input.</li>
     *   <li>A record with more than {@code maxRecordChars} field characters: error {@link Reason#TOO_LONG}; its
     *       characters beyond the limit are scanned (so the record's end is still found) but not kept.</li>
     * </ul>
     * A rejected record has no fields (an empty list). {@link #raw()} is the record's source text without its
     * line terminator, cut to {@code rawLimit} characters: a quarantine preview, not a copy to re-parse.
     * Read failures of the underlying reader surface as {@link UncheckedIOException}.
     */
    public static final class Scanner {
        private static final int BUFFER = 8192;

        private final Reader in;
        private final boolean multiLine;
        private final char delimiter;
        private final int maxRecordChars;
        private final int rawLimit;

        private char[] buf;
        private int pos;
        private int lim;
        private boolean started;

        private long line = 1;
        private long column = 1;

        private final StringBuilder field = new StringBuilder();
        private final StringBuilder raw = new StringBuilder();
        private long recordChars;
        private boolean capture;

        private long recordLine;
        private List<String> fields = List.of();
        private Rejection error;

        /** A comma-separated stream; see {@link #Scanner(Reader, char, int, int)}. */
        public Scanner(Reader in, int maxRecordChars, int rawLimit) {
            this(in, ',', maxRecordChars, rawLimit);
        }

        /**
         * @param in             the stream, positioned at the start of a record (normally the file's start)
         * @param delimiter      the field separator: any character but a quote, CR or LF
         * @param maxRecordChars the most field characters a record may have, at least 1
         * @param rawLimit       the most characters {@link #raw()} keeps, at least 0
         */
        public Scanner(Reader in, char delimiter, int maxRecordChars, int rawLimit) {
            this.in = Objects.requireNonNull(in, "in");
            if (maxRecordChars < 1 || rawLimit < 0) {
                throw new IllegalArgumentException("maxRecordChars must be >= 1 and rawLimit >= 0, got "
                        + maxRecordChars + " and " + rawLimit);
            }
            if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
                throw new IllegalArgumentException("the delimiter must not be a quote, CR or LF, got U+"
                        + String.format("%04X", (int) delimiter));
            }
            this.delimiter = delimiter;
            this.multiLine = true;
            this.maxRecordChars = maxRecordChars;
            this.rawLimit = rawLimit;
            this.buf = new char[BUFFER];
        }

        /** Single-line mode: the whole string is one record; line breaks are text. */
        private Scanner(String line) {
            this.in = null;
            this.multiLine = false;
            this.delimiter = ',';
            this.maxRecordChars = Integer.MAX_VALUE;
            this.rawLimit = 0;
            this.buf = line.toCharArray();
            this.lim = buf.length;
        }

        /** 1-based line on which the current record starts. */
        public long line() {
            return recordLine;
        }

        /** The current record's fields (unmodifiable; empty when {@link #error()} is set). */
        public List<String> fields() {
            return fields;
        }

        /** The current record's source text without its terminator, cut to the raw limit. */
        public String raw() {
            return raw.toString();
        }

        /** Why the current record cannot be used, or null. */
        public Rejection error() {
            return error;
        }

        /**
         * Reads the next record.
         *
         * @return false at the end of the input (no record was read)
         */
        public boolean advance() {
            fields = List.of();
            error = null;
            raw.setLength(0);
            recordChars = 0;
            if (multiLine) {
                if (!started) {
                    started = true;
                    if (peek() == '\uFEFF') {
                        pos++;
                    }
                }
                if (peek() < 0) {
                    return false;
                }
            }
            recordLine = line;
            capture = true;
            if (multiLine && atRecordEnd()) {
                consumeTerminator();
                error = Rejection.of(Reason.BLANK_LINE, "line is empty");
                return true;
            }
            List<String> out = new ArrayList<>();
            while (true) {
                field.setLength(0);
                int c;
                if (peek() == '"') {
                    long openLine = line;
                    long openColumn = column;
                    read();
                    while (true) {
                        c = read();
                        if (c < 0) {
                            error = multiLine
                                    ? Rejection.of(Reason.MALFORMED_RECORD, "unbalanced quote: the quote that opens field %d"
                                            + " on line %d, column %d is not closed by the end of the file (the record"
                                            + " runs from line %d to the end)", out.size() + 1, openLine, openColumn, recordLine)
                                    : Rejection.of(Reason.MALFORMED_RECORD, "unbalanced quote: the quote that opens field %d"
                                            + " at column %d is not closed by the end of the line", out.size() + 1, openColumn);
                            return true;
                        }
                        if (c != '"') {
                            append((char) c);
                        } else if (peek() == '"') {
                            read();
                            append('"');
                        } else {
                            break;
                        }
                    }
                    c = peek();
                    if (c != delimiter && !atRecordEnd()) {
                        error = multiLine
                                ? Rejection.of(Reason.MALFORMED_RECORD, "field %d has text after its closing quote, on line %d,"
                                        + " column %d; the rest of that line is skipped", out.size() + 1, line, column)
                                : Rejection.of(Reason.MALFORMED_RECORD, "field %d has text after its closing quote, at column %d",
                                        out.size() + 1, column);
                        if (multiLine) {
                            while (!atRecordEnd()) {
                                read();
                            }
                            consumeTerminator();
                        }
                        return true;
                    }
                } else {
                    while (true) {
                        c = peek();
                        if (c == delimiter || atRecordEnd()) {
                            break;
                        }
                        append((char) read());
                    }
                }
                out.add(field.toString());
                if (c == delimiter) {
                    read();
                    continue;
                }
                consumeTerminator();
                break;
            }
            if (recordChars > maxRecordChars) {
                error = Rejection.of(Reason.TOO_LONG, "record has more than %d characters in its fields", maxRecordChars);
                return true;
            }
            fields = List.copyOf(out);
            return true;
        }

        /**
         * True where a record ends: at the end of the input, and in a stream at LF or at a CR followed by LF or by the
         * end of the input (a lone CR elsewhere is text).
         */
        private boolean atRecordEnd() {
            int c = peek();
            if (c < 0) {
                return true;
            }
            if (!multiLine) {
                return false;
            }
            if (c == '\n') {
                return true;
            }
            if (c != '\r') {
                return false;
            }
            int next = peekNext();
            return next == '\n' || next < 0;
        }

        private void append(char c) {
            if (++recordChars <= maxRecordChars) {
                field.append(c);
            }
        }

        /** Consumes the line break at a record's end (LF, CRLF, or a CR before the end); it is not part of the raw text. */
        private void consumeTerminator() {
            capture = false;
            int c = peek();
            if (c == '\r') {
                read();
                if (peek() == '\n') {
                    read();
                }
            } else if (c == '\n') {
                read();
            }
        }

        private int peek() {
            if (pos < lim) {
                return buf[pos];
            }
            if (in == null) {
                return -1;
            }
            int n = ReadSupport.fill(in, buf);
            if (n < 0) {
                return -1;
            }
            pos = 0;
            lim = n;
            return buf[0];
        }

        /** The character after the next one, or -1; keeps the next one in the buffer. */
        private int peekNext() {
            if (peek() < 0) {
                return -1;
            }
            if (pos + 1 < lim) {
                return buf[pos + 1];
            }
            if (in == null) {
                return -1;
            }
            buf[0] = buf[pos];
            pos = 0;
            lim = 1;
            int n = ReadSupport.fill(in, buf, 1);
            if (n < 0) {
                return -1;
            }
            lim = 1 + n;
            return buf[1];
        }

        private int read() {
            int c = peek();
            if (c < 0) {
                return c;
            }
            pos++;
            if (c == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
            if (capture && raw.length() < rawLimit) {
                raw.append((char) c);
            }
            return c;
        }
    }
}
