package io.anglespark.prep.clean;

import io.anglespark.prep.SharedData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MojibakeRepair on the real STS-B files: lines split on TAB only, fields 5 and 6 (0-based) are the sentences.
 * <p>
 * Every mojibake in STS-B starts with {@code ‚Ä} (E2 80, a General Punctuation character): {@code ‚Äô} (’),
 * {@code ‚Äė} (‘) and {@code ‚Äď} (–). The last two contain ė (0x98) and ď (0x93), which are Mac OS Central
 * European, not Mac OS Roman, hence the second charset. SOURCES.md's 19 / 2 / 1 lines are the lines holding
 * {@code ‚Ä}. Counted independently with python3: (a) plain string replacement of the three markers by
 * ’ ‘ – changes 19 / 2 / 1 lines, the same line numbers as holding {@code ‚Ä}; (b) a python re-implementation
 * of the rule with the codecs mac_roman and mac_latin2 (whose tables equal Java's) changes the same lines.
 * Two non-ASCII oddities are not Mac mojibake of this kind and stay: train line 4107 {@code Stalloneâ€™s}
 * (UTF-8 read as Windows-1252) and test line 1325's trailing {@code ŔÄ} (D9 80 would be U+0640, but a
 * two-letter run is ambiguous).
 */
class MojibakeRepairOnStsbTest {

    /** Markers of UTF-8 punctuation and Latin-1 letters read as Mac OS Roman / Central European. */
    private static final List<String> MARKERS = List.of("‚Ä", "‚Äô", "‚Äė", "‚Äď", "‚Äú", "‚Äù", "√©", "¬†");

    @ParameterizedTest(name = "{0}: {1} lines repaired")
    @CsvSource({"sts-train.csv, 19", "sts-dev.csv, 2", "sts-test.csv, 1"})
    void repairsExactlyTheLinesWithMojibakeAndLeavesNoMarker(String file, int expectedLines) {
        List<String> lines = SharedData.lines("stsbenchmark/" + file);
        Set<Integer> changed = new TreeSet<>();
        Set<Integer> withMarker = new TreeSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String[] f = lines.get(i).split("\t", -1);
            for (String sentence : new String[] {f[5], f[6]}) {
                String repaired = MojibakeRepair.repair(sentence);
                if (!repaired.equals(sentence)) {
                    changed.add(i + 1);
                }
                if (sentence.contains("‚Ä")) {
                    withMarker.add(i + 1);
                }
                for (String marker : MARKERS) {
                    assertFalse(repaired.contains(marker), file + ":" + (i + 1) + " still holds " + marker + ": " + repaired);
                }
                assertEquals(repaired, MojibakeRepair.repair(repaired), "a second repair changes nothing");
            }
        }
        assertEquals(expectedLines, changed.size(), "lines changed: " + changed);
        assertEquals(withMarker, changed, "the changed lines are exactly those holding ‚Ä");
    }

    @ParameterizedTest(name = "{0}:{1}")
    @CsvSource(delimiter = '|', value = {
            "sts-train.csv|5177|5|News of Terrorism and the Israeli-Palestinian Conflict (January 22 – 28, 2014)",
            "sts-train.csv|5011|5|‘Glee’ star Cory Monteith found dead in hotel room",
            "sts-dev.csv|1407|5|Matt Smith quits BBC’s Doctor Who",
            "sts-test.csv|1287|6|Obama lashes North Korea as weak ‘pariah state’"})
    void repairsRealLinesToTheirOriginalPunctuation(String file, int line, int field, String expected) {
        String raw = SharedData.lines("stsbenchmark/" + file).get(line - 1).split("\t", -1)[field];
        assertTrue(raw.contains("‚Ä"), raw);
        assertEquals(expected, MojibakeRepair.repair(raw));
    }
}
