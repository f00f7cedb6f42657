package io.anglespark.prep.clean;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Repairs UTF-8 text that was decoded with a classic Mac OS 8-bit charset, e.g. {@code President‚Äôs}
 * back to {@code President’s}. A repair is made only where it is exact:
 * <ol>
 *   <li>A <em>run</em> is a maximal sequence of characters that Mac OS Roman ({@code x-MacRoman}) or
 *       Mac OS Central European ({@code x-MacCentralEurope}) encodes as one byte {@code >= 0x80}.</li>
 *   <li>The run is encoded with Mac OS Roman (with Mac OS Central European when Mac OS Roman cannot encode
 *       every character or repairs nothing) and read left to right as UTF-8 sequences: a lead byte C2..F4
 *       with the right number of continuation bytes 80..BF that a strict decoder (REPORT on malformed
 *       input) accepts, so no overlong forms, no surrogates, nothing above U+10FFFF. Every other byte is
 *       <em>stray</em>. Consecutive sequences form a <em>chain</em>.</li>
 *   <li>A chain is replaced by its decoding unless a stray continuation byte (80..BF) touches it, since it
 *       may then be a fragment of some other corruption: UTF-8 read as Windows-1252, {@code â€™}, is 89 DB AA
 *       in Mac OS Roman, and DB AA alone would decode to U+06EA. A stray lead byte, such as a real no-break
 *       space (CA) before the chain, does not prevent the repair.</li>
 *   <li>A chain of a single 2-byte sequence is ambiguous: real text writes {@code l’été} (’é is D5 8E in
 *       Mac OS Roman), {@code “École} or Czech {@code příliš} (ří is DE 92 in Mac OS Central European).
 *       It is replaced only when its first character is a symbol (Unicode category S*, e.g. the {@code √}
 *       of {@code √©} = é, the {@code ¬} of {@code ¬†} = no-break space) or one of {@code ƒ Œ œ}, which
 *       real text does not put directly before an accented letter.</li>
 * </ol>
 * Everything else is left as it is. Central European is needed because STS-B's mojibake uses it: its
 * {@code ‚Äė} (‘) and {@code ‚Äď} (–) hold {@code ė} and {@code ď}, which are 0x98 and 0x93 there and
 * not in Mac OS Roman. Linear in the length of the text; thread-safe; no mutable state.
 */
public final class MojibakeRepair {

    /** Tried in this order for each run. */
    private static final List<Table> CHARSETS = List.of(new Table("x-MacRoman"), new Table("x-MacCentralEurope"));

    /** Every character some charset above encodes as a byte >= 0x80, sorted. */
    private static final char[] HIGH = union(CHARSETS);

    private MojibakeRepair() {
    }

    /**
     * Returns {@code text} with every exactly repairable run replaced by its UTF-8 decoding; the same
     * instance when nothing changed.
     */
    public static String repair(String text) {
        StringBuilder out = null;
        CharsetDecoder utf8 = null;
        int copied = 0;
        int n = text.length();
        int i = 0;
        while (i < n) {
            if (!isHigh(text.charAt(i))) {
                i++;
                continue;
            }
            int end = i + 1;
            while (end < n && isHigh(text.charAt(end))) {
                end++;
            }
            String fixed = null;
            if (end - i >= 2) {
                utf8 = utf8 != null ? utf8 : StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT);
                fixed = repairRun(text, i, end, utf8);
            }
            if (fixed != null) {
                if (out == null) {
                    out = new StringBuilder(n);
                }
                out.append(text, copied, i).append(fixed);
                copied = end;
            }
            i = end;
        }
        return out == null ? text : out.append(text, copied, n).toString();
    }

    private static boolean isHigh(char c) {
        return c >= 0x80 && Arrays.binarySearch(HIGH, c) >= 0;
    }

    /** The run text[start, end) with its exact chains decoded, or null when nothing in it is repaired. */
    private static String repairRun(String text, int start, int end, CharsetDecoder utf8) {
        for (Table table : CHARSETS) {
            byte[] bytes = table.encode(text, start, end);
            String fixed = bytes == null ? null : repairBytes(text, start, bytes, utf8);
            if (fixed != null) {
                return fixed;
            }
        }
        return null;
    }

    /** Decodes the exact chains of one run, given as its bytes (one per char of text from start). */
    private static String repairBytes(String text, int start, byte[] bytes, CharsetDecoder utf8) {
        StringBuilder out = null;
        int copied = 0;
        int p = 0;
        while (p < bytes.length) {
            int chainStart = p;
            for (int len; (len = sequenceLength(bytes, p, utf8)) > 0; ) {
                p += len;
            }
            if (p == chainStart) {
                p++; // a stray byte
            } else if (isExact(text, start, bytes, chainStart, p)) {
                if (out == null) {
                    out = new StringBuilder(bytes.length);
                }
                out.append(text, start + copied, start + chainStart)
                        .append(new String(bytes, chainStart, p - chainStart, StandardCharsets.UTF_8));
                copied = p;
            }
        }
        return out == null ? null : out.append(text, start + copied, start + bytes.length).toString();
    }

    /** The length of the strictly valid UTF-8 sequence starting at bytes[p], or 0 when there is none. */
    private static int sequenceLength(byte[] bytes, int p, CharsetDecoder utf8) {
        if (p >= bytes.length) {
            return 0;
        }
        int lead = bytes[p] & 0xFF;
        int n = lead >= 0xC2 && lead <= 0xDF ? 2 : lead >= 0xE0 && lead <= 0xEF ? 3 : lead >= 0xF0 && lead <= 0xF4 ? 4 : 0;
        if (n == 0 || p + n > bytes.length) {
            return 0;
        }
        for (int k = 1; k < n; k++) {
            if (!isContinuation(bytes[p + k])) {
                return 0;
            }
        }
        try {
            utf8.reset().decode(ByteBuffer.wrap(bytes, p, n));
            return n;
        } catch (CharacterCodingException overlongOrSurrogateOrTooHigh) {
            return 0;
        }
    }

    /** Rules 3 and 4: no stray continuation byte on either side, and no ambiguous lone 2-byte sequence. */
    private static boolean isExact(String text, int start, byte[] bytes, int from, int to) {
        if ((from > 0 && isContinuation(bytes[from - 1])) || (to < bytes.length && isContinuation(bytes[to]))) {
            return false;
        }
        return to - from != 2 || unambiguousLead(text.charAt(start + from));
    }

    private static boolean isContinuation(byte b) {
        return (b & 0xC0) == 0x80;
    }

    private static boolean unambiguousLead(char c) {
        return switch (Character.getType(c)) {
            case Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL, Character.MODIFIER_SYMBOL, Character.OTHER_SYMBOL -> true;
            default -> c == 'ƒ' || c == 'Œ' || c == 'œ';
        };
    }

    private static char[] union(List<Table> tables) {
        StringBuilder all = new StringBuilder();
        tables.forEach(t -> all.append(t.chars));
        return all.chars().distinct().sorted()
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString().toCharArray();
    }

    /** The upper half of one single-byte charset, as a sorted char -> byte lookup. */
    private static final class Table {
        private final char[] chars;
        private final byte[] bytes;

        Table(String charsetName) {
            Charset cs = Charset.forName(charsetName);
            long[] entries = new long[128]; // char << 8 | byte, so sorting orders by char
            for (int b = 0x80; b <= 0xFF; b++) {
                String s = new String(new byte[] {(byte) b}, cs);
                if (s.length() != 1) {
                    throw new IllegalStateException(charsetName + " decodes byte " + b + " to " + s.length() + " chars");
                }
                entries[b - 0x80] = ((long) s.charAt(0) << 8) | b;
            }
            Arrays.sort(entries);
            chars = new char[128];
            bytes = new byte[128];
            for (int k = 0; k < 128; k++) {
                chars[k] = (char) (entries[k] >>> 8);
                bytes[k] = (byte) entries[k];
                if (k > 0 && chars[k] == chars[k - 1]) {
                    throw new IllegalStateException(charsetName + " maps two bytes to U+" + Integer.toHexString(chars[k]));
                }
            }
        }

        /** The bytes of text[start, end), or null when a character is not in the upper half of this charset. */
        byte[] encode(String text, int start, int end) {
            byte[] out = new byte[end - start];
            for (int i = start; i < end; i++) {
                int k = Arrays.binarySearch(chars, text.charAt(i));
                if (k < 0) {
                    return null;
                }
                out[i - start] = bytes[k];
            }
            return out;
        }
    }
}
