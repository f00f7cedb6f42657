package io.anglespark.prep.clean;

import io.anglespark.prep.Outcome;
import io.anglespark.prep.Reason;
import io.anglespark.prep.Rejection;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static io.anglespark.prep.clean.TextCleanerTest.accepted;
import static io.anglespark.prep.clean.TextCleanerTest.rejected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TextPolicyTest {

    @Test
    void invalidUtf8BytesAreRejectedNamingFieldByteAndOffsetNeverReplaced() {
        assertEquals("caf\u00E9", accepted(TextPolicy.decode("caf\u00E9".getBytes(StandardCharsets.UTF_8), "text")));
        Rejection r = rejected(TextPolicy.decode(new byte[]{'a', 'b', (byte) 0xC3, '(', 'c'}, "text"));
        assertEquals(Reason.INVALID_UTF8, r.reason());
        assertEquals("text: invalid UTF-8 byte 0xC3 at byte offset 2", r.detail());
        // an encoded surrogate (CESU-8) and an overlong form are invalid UTF-8, not characters
        assertEquals(Reason.INVALID_UTF8, rejected(TextPolicy.decode(new byte[]{(byte) 0xED, (byte) 0xA0, (byte) 0x80}, "id")).reason());
        assertEquals(Reason.INVALID_UTF8, rejected(TextPolicy.decode(new byte[]{(byte) 0xC1, (byte) 0x81}, "id")).reason());
    }

    @Test
    void anEscapedInvalidByteIsInvalidUtf8AtItsCharacterAndOnlyAnEscapeCounts() {
        String s = "\uD83D\uDE00 ok " + TextPolicy.escape(0xC3) + "(";
        Rejection r = rejected(TextPolicy.checkEscapedBytes(s, "field 2"));
        assertEquals(Reason.INVALID_UTF8, r.reason());
        assertEquals("field 2: invalid UTF-8 byte 0xC3 at character 6", r.detail());
        assertEquals("\uD83D\uDE00 fine", accepted(TextPolicy.checkEscapedBytes("\uD83D\uDE00 fine", "field 2")));
        assertEquals('\uDCFF', TextPolicy.escape(0xFF));
        assertEquals('\uDC80', TextPolicy.escape((byte) 0x80), "a signed byte gives the same escape");
    }

    @Test
    void unpairedSurrogatesAreRejectedWhereverTheyStandAndPairsPass() {
        assertEquals(Reason.UNPAIRED_SURROGATE, rejected(TextPolicy.checkSurrogates("end\uD800", "t")).reason());
        assertEquals("t has an unpaired surrogate U+DC00 at character 1", rejected(TextPolicy.checkSurrogates("\uDC00x", "t")).detail());
        assertEquals("t has an unpaired surrogate U+D800 at character 1",
                rejected(TextPolicy.checkSurrogates("\uD800\uD800\uDC00", "t")).detail(), "a high surrogate followed by a pair");
        assertTrue(TextPolicy.checkSurrogates("\uD800\uDC00", "t") instanceof Outcome.Accepted<String>);
    }

    @Test
    void displayableShowsEveryUnpairedSurrogateAsAReplacementCharacterAndKeepsPairs() {
        assertEquals("a\uFFFDb\uD83D\uDE00\uFFFD", TextPolicy.displayable("a" + TextPolicy.escape(0x9D) + "b\uD83D\uDE00\uD800"));
        assertEquals("plain", TextPolicy.displayable("plain"));
        assertNull(TextPolicy.displayable(null));
    }

    @Test
    void controlsAndWhitespaceAreSpacesZeroWidthAndBomAreRemoved() {
        for (int cp : new int[]{0x00, 0x07, 0x12, 0x1B, 0x7F, 0x85, 0x9D, '\t', '\r', '\n', 0xA0, 0x3000, 0x2028}) {
            assertTrue(TextPolicy.isSpace(cp), Integer.toHexString(cp));
            assertFalse(TextPolicy.isRemoved(cp), Integer.toHexString(cp));
        }
        for (int cp : new int[]{0xFEFF, 0x200B, 0x200C, 0x200D, 0x2060}) {
            assertTrue(TextPolicy.isRemoved(cp), Integer.toHexString(cp));
            assertFalse(TextPolicy.isSpace(cp), Integer.toHexString(cp));
        }
        assertFalse(TextPolicy.isSpace('a') || TextPolicy.isRemoved('a') || TextPolicy.isSpace(0xAD), "letters and the soft hyphen are kept");
    }
}
