package io.anglespark.jobs.common;

import io.anglespark.prep.clean.TextPolicy;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EscapingUtf8ReaderTest {

    private static String readAll(Reader r) throws IOException {
        StringBuilder b = new StringBuilder();
        char[] buf = new char[777];
        for (int n; (n = r.read(buf, 0, buf.length)) >= 0; ) {
            b.append(buf, 0, n);
        }
        return b.toString();
    }

    @Test
    void validTextPassesThroughUnchangedAcrossBufferBoundaries() throws IOException {
        // 3- and 4-byte characters over several 64 KiB buffers, so sequences straddle the refills.
        String text = "héllo 世界 🙂 ".repeat(20_000);
        EscapingUtf8Reader r = new EscapingUtf8Reader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        assertEquals(text, readAll(r));
        assertEquals(0, r.invalidBytes());
    }

    @Test
    void eachInvalidByteBecomesItsEscapeNotAReplacementCharacter() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes("ok ".getBytes(StandardCharsets.UTF_8));
        b.write(0xFF);
        b.writeBytes(" mid ".getBytes(StandardCharsets.UTF_8));
        b.write(0xC3);
        b.write(0x28);
        b.writeBytes(" end".getBytes(StandardCharsets.UTF_8));
        b.write(0xE2);
        b.write(0x82);
        EscapingUtf8Reader r = new EscapingUtf8Reader(new ByteArrayInputStream(b.toByteArray()));
        String text = readAll(r);
        assertEquals("ok \uDCFF mid \uDCC3( end\uDCE2\uDC82", text, "each byte of a truncated sequence is escaped");
        assertEquals(4, r.invalidBytes());
        assertEquals("field: invalid UTF-8 byte 0xFF at character 4",
                ((io.anglespark.prep.Outcome.Rejected<String>) TextPolicy.checkEscapedBytes(text, "field")).rejection().detail());
        assertEquals("ok \uFFFD mid \uFFFD( end\uFFFD\uFFFD", TextPolicy.displayable(text));
    }

    @Test
    void anEmptyStreamIsEmptyAndReadingPastTheEndStaysAtTheEnd() throws IOException {
        EscapingUtf8Reader r = new EscapingUtf8Reader(new ByteArrayInputStream("a".getBytes(StandardCharsets.UTF_8)));
        assertEquals("a", readAll(r));
        assertEquals(-1, r.read(new char[4], 0, 4));
        assertEquals(-1, r.read(new char[4], 0, 4));
        assertEquals("", readAll(new EscapingUtf8Reader(new ByteArrayInputStream(new byte[0]))));
    }
}
