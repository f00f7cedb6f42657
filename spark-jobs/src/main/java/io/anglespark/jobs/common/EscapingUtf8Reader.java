package io.anglespark.jobs.common;

import io.anglespark.prep.clean.TextPolicy;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes a UTF-8 stream for formats read whole (records span lines, so a bad byte cannot be tied to one record
 * before the record splitter runs): each byte of an invalid sequence becomes its escape
 * {@link TextPolicy#escape(int)} (a lone low surrogate, which valid UTF-8 never decodes to), so the record holding it
 * can be found and quarantined exactly afterwards ({@link TextPolicy#checkEscapedBytes}); nothing is replaced by
 * U+FFFD.
 */
final class EscapingUtf8Reader extends Reader {
    private final InputStream in;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer bytes = ByteBuffer.allocate(1 << 16);
    private final CharBuffer chars = CharBuffer.allocate(1 << 16);
    private boolean eof;
    private boolean flushed;
    private long invalidBytes;

    EscapingUtf8Reader(InputStream in) {
        this.in = in;
        bytes.flip();
        chars.flip();
    }

    /** Invalid bytes escaped so far. */
    long invalidBytes() {
        return invalidBytes;
    }

    @Override
    public int read(char[] cbuf, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (!chars.hasRemaining()) {
            if (!fill()) {
                return -1;
            }
        }
        int n = Math.min(len, chars.remaining());
        chars.get(cbuf, off, n);
        return n;
    }

    /** Decodes more characters into {@code chars}; false at the end of the stream. */
    private boolean fill() throws IOException {
        if (flushed) {
            return false;
        }
        chars.clear();
        try {
            while (chars.position() == 0) {
                if (!eof && bytes.remaining() < 4) {
                    bytes.compact();
                    int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
                    if (n < 0) {
                        eof = true;
                    } else {
                        bytes.position(bytes.position() + n);
                    }
                    bytes.flip();
                }
                CoderResult r = decoder.decode(bytes, chars, eof);
                if (r.isError()) {
                    if (chars.remaining() < r.length()) {
                        break;
                    }
                    for (int k = 0; k < r.length(); k++) {
                        chars.put(TextPolicy.escape(bytes.get()));
                    }
                    invalidBytes += r.length();
                } else if (eof && !bytes.hasRemaining()) {
                    decoder.flush(chars);
                    flushed = true;
                    return chars.position() > 0;
                }
            }
            return true;
        } finally {
            chars.flip();
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
