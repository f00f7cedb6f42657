package io.anglespark.prep.issues;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LengthStatsTest {

    /*
     * SOURCES.md "Long texts", re-checked with python3 on csv.reader rows, len((Summary + ' ' + Description)
     * .replace('\r\n', '\n')): median 412, p90 (rank ceil(0.9 n)) 1761, max 73213 (13314498), 210 over 2000; the
     * Description alone 207 over 2000. Counted on the raw fields (CRLF as two code points) the figures would be 418,
     * 1787, 74522 and 213: SOURCES.md counts a line break once, as the Issue's LF-normalised text does.
     */
    @Test
    void hadoopReportLengthsMatchSourcesMd() {
        List<Issue> issues = IssueData.hadoopIssues();
        LengthStats s = LengthStats.of(issues.stream().mapToLong(i -> LengthStats.codePoints(i.title() + " " + i.body())).toArray());
        assertEquals(2503, s.count());
        assertEquals(412, s.median());
        assertEquals(1761, s.p90());
        assertEquals(73_213, s.max());
        assertEquals(210, s.countOver(2000));
        assertEquals(210.0 / 2503, s.shareOver(2000), 1e-12);
        LengthStats bodies = LengthStats.of(issues.stream().mapToLong(i -> LengthStats.codePoints(i.body())).toArray());
        assertEquals(207, bodies.countOver(2000));
    }

    @Test
    void nearestRankPercentilesOnSmallSets() {
        LengthStats s = LengthStats.of(new long[]{5, 1, 4, 2, 3, 10, 9, 8, 7, 6});
        assertEquals(5, s.median(), "even count: the lower middle");
        assertEquals(9, s.p90());
        assertEquals(10, s.max());
        assertEquals(1, s.percentile(1));
        assertEquals(10, s.percentile(100));
        assertEquals(3, s.countOver(7));
        assertEquals(0.3, s.shareOver(7), 1e-12);
        assertEquals(0, s.countOver(10));
        LengthStats odd = LengthStats.of(new long[]{3, 1, 2});
        assertEquals(2, odd.median());
        assertEquals(3, odd.p90());
        LengthStats none = LengthStats.of(new long[0]);
        assertEquals(0, none.count());
        assertEquals(0.0, none.shareOver(0));
        assertThrows(IllegalArgumentException.class, () -> LengthStats.of(new long[]{-1}));
        assertEquals(2, LengthStats.codePoints("a\uD83D\uDE00"), "a surrogate pair is one code point");
    }
}
