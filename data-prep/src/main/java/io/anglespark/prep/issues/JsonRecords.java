package io.anglespark.prep.issues;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.anglespark.prep.Reason;
import io.anglespark.prep.Rejection;
import io.anglespark.prep.read.ReadSupport;

import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * Splits a GitHub dump into one record per issue (or comment) object, streaming: memory is bounded by the largest
 * record (plus an 8 KiB buffer), never by the file. Two layouts, told apart by the first character that is not
 * whitespace (a leading U+FEFF byte-order mark is skipped):
 * <ul>
 *   <li>{@code [}: a top-level JSON array, as the REST API returns a page. Each element becomes one record whose
 *       text is the element's exact source text and whose line is the 1-based line on which the element starts (as
 *       Jackson counts lines: a lone CR between elements, which JSON allows as whitespace, counts as a line break).
 *       Elements that are not objects are passed on as they are (the reader rejects them as
 *       {@link Reason#INVALID_JSON}). A syntax error anywhere in the array (also a missing {@code ]}, or text after
 *       it) ends the split with one last record carrying {@link Reason#INVALID_JSON} and the line where the parser
 *       stopped: nothing after that point can be located reliably, so the rest of the file is not read, which the
 *       detail says. Its text is the element's source from its start up to that point, cut to
 *       {@link #RAW_LIMIT} characters.</li>
 *   <li>anything else: JSON lines, one record per line (LF ends a line, and a CR right before it or before the end of
 *       the input is dropped; a lone CR elsewhere is text, so it splits no record and shifts no line number; no record
 *       after a final line break). A line that is empty or only whitespace is returned here as a record with error
 *       {@link Reason#BLANK_LINE}, so every line is accounted for and the readers never see it; every other line
 *       is returned as is, for the reader to parse.</li>
 * </ul>
 * An empty (or whitespace-only, in array mode) input gives no records. Read failures of the underlying reader
 * surface as {@link UncheckedIOException}. The iterator is not thread-safe.
 */
public final class JsonRecords {
    /** The most characters of source text the error record of a broken array keeps. */
    public static final int RAW_LIMIT = 1000;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    private JsonRecords() {
    }

    /**
     * One record of a dump.
     *
     * @param line  1-based line on which the record starts
     * @param text  the record's source text (for JSON lines: the line without its terminator)
     * @param error why the record cannot be read (then {@code text} is what is known of it), or null
     */
    public record RawRecord(long line, String text, Rejection error) implements Serializable {
        public RawRecord {
            Objects.requireNonNull(text, "text");
        }

        public boolean ok() {
            return error == null;
        }
    }

    /** The records of a dump, lazily; the caller closes {@code in}. */
    public static Iterator<RawRecord> split(Reader in) {
        Objects.requireNonNull(in, "in");
        Source src = new Source(in);
        // find the first character that is not whitespace, counting the lines it is on
        if (src.peek() == '\uFEFF') {
            src.read();
        }
        int c = src.peek();
        long skippedLines = 0;
        StringBuilder prefix = new StringBuilder();
        while (c >= 0 && Character.isWhitespace(c)) {
            prefix.append((char) src.read());
            c = src.peek();
        }
        if (c == '[') {
            for (int i = 0; i < prefix.length(); i++) {
                char p = prefix.charAt(i);
                if (p == '\n') {
                    skippedLines++;
                }
            }
            return new ArrayRecords(src, skippedLines);
        }
        src.unread(prefix);
        return new LineRecords(src);
    }

    /** A reader with one-character look-ahead and a replay buffer for the characters skipped while detecting. */
    private static final class Source extends Reader {
        private final Reader in;
        private final char[] buf = new char[8192];
        private int pos;
        private int lim;
        private String replay = "";
        private int replayPos;

        Source(Reader in) {
            this.in = in;
        }

        int peek() {
            if (replayPos < replay.length()) {
                return replay.charAt(replayPos);
            }
            if (pos < lim) {
                return buf[pos];
            }
            int n = ReadSupport.fill(in, buf);
            if (n < 0) {
                return -1;
            }
            pos = 0;
            lim = n;
            return buf[0];
        }

        @Override
        public int read() {
            int c = peek();
            if (c >= 0) {
                if (replayPos < replay.length()) {
                    replayPos++;
                } else {
                    pos++;
                }
            }
            return c;
        }

        /** Hands {@code chars} out again before the rest of the input (only while nothing else is replayed). */
        void unread(CharSequence chars) {
            replay = chars.toString();
            replayPos = 0;
        }

        @Override
        public int read(char[] cbuf, int off, int len) {
            if (len == 0) {
                return 0;
            }
            int c = peek();
            if (c < 0) {
                return -1;
            }
            if (replayPos < replay.length()) {
                int n = Math.min(len, replay.length() - replayPos);
                replay.getChars(replayPos, replayPos + n, cbuf, off);
                replayPos += n;
                return n;
            }
            int n = Math.min(len, lim - pos);
            System.arraycopy(buf, pos, cbuf, off, n);
            pos += n;
            return n;
        }

        @Override
        public void close() {
            // the caller owns the underlying reader
        }
    }

    /** JSON lines: one record per line. */
    private static final class LineRecords implements Iterator<RawRecord> {
        private final Source src;
        private long line;
        private RawRecord next;

        LineRecords(Source src) {
            this.src = src;
        }

        @Override
        public boolean hasNext() {
            if (next == null && src.peek() >= 0) {
                StringBuilder text = new StringBuilder();
                int c;
                while ((c = src.read()) >= 0 && c != '\n') {
                    text.append((char) c);
                }
                if (!text.isEmpty() && text.charAt(text.length() - 1) == '\r') {
                    text.setLength(text.length() - 1);
                }
                line++;
                String t = text.toString();
                next = new RawRecord(line, t, t.isBlank() ? Rejection.of(Reason.BLANK_LINE, "line is empty or only whitespace") : null);
            }
            return next != null;
        }

        @Override
        public RawRecord next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            RawRecord r = next;
            next = null;
            return r;
        }
    }

    /**
     * A top-level array, parsed by Jackson's streaming parser over a reader that records what it hands over; an
     * element's text is cut from the recording by the parser's character offsets, and the recording is dropped up
     * to each element's end.
     */
    private static final class ArrayRecords implements Iterator<RawRecord> {
        private final Recording recording;
        private final JsonParser parser;
        private final long lineOffset;
        private RawRecord next;
        private boolean done;

        ArrayRecords(Source src, long lineOffset) {
            this.recording = new Recording(src);
            this.lineOffset = lineOffset;
            try {
                this.parser = FACTORY.createParser(recording);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public boolean hasNext() {
            if (next == null && !done) {
                next = advance();
            }
            return next != null;
        }

        @Override
        public RawRecord next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            RawRecord r = next;
            next = null;
            return r;
        }

        private RawRecord advance() {
            long start = -1;
            long startLine = -1;
            try {
                if (parser.currentToken() == null) {
                    JsonToken open = parser.nextToken(); // the '[' that split() found
                    if (open != JsonToken.START_ARRAY) {
                        throw new IllegalStateException("expected '[' at the start, got " + open);
                    }
                    recording.dropBefore(parser.currentLocation().getCharOffset());
                }
                JsonToken t = parser.nextToken();
                if (t == JsonToken.END_ARRAY) {
                    long end = parser.currentLocation().getCharOffset();
                    JsonToken after = parser.nextToken();
                    if (after != null) {
                        JsonLocation at = parser.currentTokenLocation();
                        done = true;
                        return new RawRecord(at.getLineNr() + lineOffset, recording.text(end, RAW_LIMIT), Rejection.of(
                                Reason.INVALID_JSON, "text after the array's closing ']' at line %d, column %d; the rest"
                                        + " of the file is unreadable and was not read", at.getLineNr() + lineOffset,
                                at.getColumnNr()));
                    }
                    done = true;
                    return null;
                }
                JsonLocation begin = parser.currentTokenLocation();
                start = begin.getCharOffset();
                startLine = begin.getLineNr() + lineOffset;
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    parser.skipChildren();
                } else {
                    parser.getText(); // completes a lazily read string token
                }
                long end = parser.currentLocation().getCharOffset();
                String text = recording.text(start, (int) Math.min(Integer.MAX_VALUE, end - start));
                recording.dropBefore(end);
                return new RawRecord(startLine, text, null);
            } catch (JsonProcessingException e) {
                done = true;
                JsonLocation at = e.getLocation();
                long line = at == null ? startLine : at.getLineNr() + lineOffset;
                String message = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
                int nl = message.indexOf('\n');
                String text = start >= 0 ? recording.text(start, RAW_LIMIT) : "";
                return new RawRecord(Math.max(line, 1), text, Rejection.of(Reason.INVALID_JSON,
                        "JSON array broken at line %d, column %d: %s; the rest of the file is unreadable and was not read",
                        line, at == null ? -1 : at.getColumnNr(), ReadSupport.quote(nl < 0 ? message : message.substring(0, nl))));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Keeps every character handed to the parser from offset {@code base} on, until dropped. */
    private static final class Recording extends Reader {
        private final Reader in;
        private final StringBuilder kept = new StringBuilder();
        private long base;

        Recording(Reader in) {
            this.in = in;
        }

        @Override
        public int read(char[] cbuf, int off, int len) throws IOException {
            int n = in.read(cbuf, off, len);
            if (n > 0) {
                kept.append(cbuf, off, n);
            }
            return n;
        }

        /** Up to {@code max} characters from absolute offset {@code from}, as far as they were read. */
        String text(long from, int max) {
            int s = (int) Math.max(0, from - base);
            int e = (int) Math.min(kept.length(), (long) s + max);
            return s >= e ? "" : kept.substring(s, e);
        }

        void dropBefore(long offset) {
            int n = (int) Math.min(kept.length(), Math.max(0, offset - base));
            kept.delete(0, n);
            base += n;
        }

        @Override
        public void close() {
            // the caller owns the underlying reader
        }
    }
}
