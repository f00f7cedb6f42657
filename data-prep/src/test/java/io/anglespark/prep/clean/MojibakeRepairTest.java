package io.anglespark.prep.clean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class MojibakeRepairTest {

    /** What a program shows when it decodes the UTF-8 bytes of {@code original} with {@code charset}. */
    private static String mojibake(String original, String charset) {
        return new String(original.getBytes(StandardCharsets.UTF_8), Charset.forName(charset));
    }

    @Test
    void repairsStsbMacRomanApostrophe() {
        assertEquals("NA President’s message", MojibakeRepair.repair("NA President‚Äôs message"));
    }

    @Test
    void repairsStsbLeftQuoteAndDashThatOnlyMacCentralEuropeEncodes() {
        assertEquals("press for ‘titillating’ reports", MojibakeRepair.repair("press for ‚Äėtitillating‚Äô reports"));
        assertEquals("(January 22 – 28, 2014)", MojibakeRepair.repair("(January 22 ‚Äď 28, 2014)"));
        assertEquals("‘’", MojibakeRepair.repair("‚Äė‚Äô"), "adjacent runs from both charsets form one run");
    }

    @ParameterizedTest
    @ValueSource(strings = {"café", "naïve Zürich", "São Paulo", "Erdoğan", "α-helix", "a\u00A0b",
            "日本語のテキスト", "emoji 😀 and 👍🏽", "Привет мир", "‘quoted’ – “dash” …", "Ωmega ≥ 5 µm"})
    void macRomanMojibakeRoundTripsToTheOriginal(String original) {
        String broken = mojibake(original, "x-MacRoman");
        assertEquals(original, MojibakeRepair.repair(broken), broken);
    }

    @ParameterizedTest
    @ValueSource(strings = {"‘quoted’ – dash", "ünïcödé", "emoji 😀"})
    // Łódź would not round-trip: its Ł and ź become the two-letter runs Ňā and Ňļ, which are ambiguous
    void macCentralEuropeMojibakeRoundTripsToTheOriginal(String original) {
        String broken = mojibake(original, "x-MacCentralEurope");
        assertEquals(original, MojibakeRepair.repair(broken), broken);
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain ASCII", "é", "President’s", "naïve", "Zürich", "日本語", "😀", "résumé",
            "l’été", "qu’à", "“École”", "—é", "příliš", "Řeč", "Łódź", "Œuvre", "Ελληνικά", "¿Qué?", "£600m",
            "ŔÄ", "Stalloneâ€™s"})
    void leavesLegitimateTextAndOtherCorruptionsUntouched(String text) {
        assertSame(text, MojibakeRepair.repair(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "‚Ä",      // E2 80: truncated 3-byte sequence
            "ÄÄ",      // 80 80: continuation bytes without a lead
            "‡ÄÄ",     // E0 80 80: overlong encoding of U+0000
            "¿Ä",      // C0 80: overlong 2-byte form
            "Ì†Ä",     // ED A0 80: UTF-16 surrogate D800
            "ÙêÄÄ",    // F4 90 80 80: above U+10FFFF
            "ı†Ä",     // F5 ..: not a lead byte
            "â€™",     // 89 DB AA: DB AA alone would decode, but the stray continuation 89 touches it
            "√©Ä",     // C3 A9 80: a stray continuation after the sequence
            "é‚Äô"     // 8E E2 80 99: likewise before it; a real é beside mojibake is left, not guessed at
    })
    void leavesRunsThatAreNotExactlyUtf8Untouched(String run) {
        assertSame(run, MojibakeRepair.repair(run));
        String inContext = "x" + run + "y";
        assertSame(inContext, MojibakeRepair.repair(inContext));
    }

    @Test
    void chainsBesideAStrayLeadByteAreRepairedOneByOne() {
        // a real no-break space (CA) or curly quote (D2) cannot start a sequence here: it splits the run
        assertEquals("\u00A0’s", MojibakeRepair.repair("\u00A0‚Äôs"));
        assertEquals("é\u00A0é", MojibakeRepair.repair("√©\u00A0√©"));
        assertEquals("“’", MojibakeRepair.repair("“‚Äô"));
    }

    @Test
    void ambiguousTwoCharacterRunIsRepairedOnlyAfterASymbol() {
        // D5 8E is a valid sequence (U+054E), but "’é" is ordinary French; "√©" (C3 A9) is only ever mojibake
        assertEquals("d’été", MojibakeRepair.repair("d’été"));
        assertEquals("été", MojibakeRepair.repair("√©t√©"));
        // a one-letter Cyrillic word led by an en dash stays: the rule prefers missing a repair to inventing one
        assertEquals("–∏", MojibakeRepair.repair("–∏"));
    }

    @Test
    void isLinearOnLongRuns() {
        String valid = "√©".repeat(2_000_000);
        String invalid = "é".repeat(5_000_000);
        String mixed = "President‚Äôs ".repeat(500_000);
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            assertEquals("é".repeat(2_000_000), MojibakeRepair.repair(valid));
            assertSame(invalid, MojibakeRepair.repair(invalid));
            assertEquals("President’s ".repeat(500_000), MojibakeRepair.repair(mixed));
        });
    }
}
