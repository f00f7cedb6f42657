package io.anglespark.prep.read;

import io.anglespark.prep.Outcome;
import io.anglespark.prep.Reason;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 decoding of one record's bytes. Invalid bytes are a rejection naming the byte and its
 * offset, never silently replaced: a replaced character would survive into training text.
 */
public final class Utf8 {
    private Utf8() {
    }

    /**
     * @param stripBom remove a leading U+FEFF (the first line of a file written with a byte-order mark)
     */
    public static Outcome<String> decode(byte[] bytes, boolean stripBom) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate((int) Math.min(Integer.MAX_VALUE - 8L, (long) bytes.length + 1));
        CoderResult r = d.decode(in, out, true);
        if (r.isError()) {
            int at = in.position();
            return Outcome.reject(Reason.INVALID_UTF8, "invalid UTF-8 byte 0x%02X at byte offset %d", bytes[at] & 0xFF, at);
        }
        r = d.flush(out);
        if (r.isError()) {
            return Outcome.reject(Reason.INVALID_UTF8, "truncated UTF-8 sequence at the end of the record");
        }
        out.flip();
        String s = out.toString();
        if (stripBom && !s.isEmpty() && s.charAt(0) == '\uFEFF') {
            s = s.substring(1);
        }
        return Outcome.accept(s);
    }

    /** Lenient decoding (invalid bytes become U+FFFD), cut to {@code maxChars}, for showing raw input in the quarantine. */
    public static String preview(byte[] bytes, int maxChars) {
        int n = (int) Math.min(bytes.length, (long) maxChars * 4 + 4);
        String s = new String(bytes, 0, n, StandardCharsets.UTF_8);
        return s.length() <= maxChars ? s : s.substring(0, maxChars);
    }
}
