package io.anglespark.prep.issues;

import io.anglespark.prep.issues.DuplicateLink.LinkSource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DuplicateSignalsTest {
    private static final DuplicateSignals S = DuplicateSignals.defaults();

    private static List<String> targets(String text) {
        return S.linksInText("acme/app", "40", text, LinkSource.BODY).stream()
                .map(l -> l.targetProject() + "#" + l.to()).toList();
    }

    @Test
    void findsTheThreeTargetFormsCaseInsensitivelyWithAnOptionalColon() {
        assertEquals(List.of("acme/app#12"), targets("Duplicate of #12"));
        assertEquals(List.of("acme/app#12"), targets("DUPLICATE OF: #12"));
        assertEquals(List.of("acme/app#12"), targets("closing as duplicate\nof   #12."));
        assertEquals(List.of("other/repo#5"), targets("duplicate of Other/Repo#5"));
        assertEquals(List.of("x/y#8", "x/y.js#9"), targets("duplicate of https://github.com/x/y/issues/8 and "
                + "duplicate of http://www.github.com/x/y.js/pull/9#issuecomment-3"));
        assertEquals(List.of("acme/app#7"), targets("Duplicate of #007"), "leading zeros dropped");
    }

    @Test
    void findsSeveralLinksAndKeepsRepeatedOnesOnce() {
        assertEquals(List.of("acme/app#1", "acme/app#2"), targets("Duplicate of #1\nDuplicate of #2\nduplicate of #1"));
    }

    @Test
    void ignoresCodeCommentsNegationsHedgesAndLookalikes() {
        assertEquals(List.of(), targets("```\nDuplicate of #1\n```"));
        assertEquals(List.of("acme/app#5"), targets("~~~~\nDuplicate of #1\n~~~\nstill code\n~~~~~\nDuplicate of #5"),
                "a fence closes only with at least as many of its character");
        assertEquals(List.of("acme/app#3"), targets("~~~\nDuplicate of #1\n~~~\nDuplicate of #3"), "after the closing fence");
        assertEquals(List.of(), targets("```js\nDuplicate of #1"), "an unclosed fence runs to the end");
        assertEquals(List.of("acme/app#1"), targets("    ```js\nDuplicate of #1"), "4 spaces: not a fence");
        assertEquals(List.of(), targets("```Duplicate of #1```"), "a backtick in the info string makes it inline code");
        assertEquals(List.of(), targets("run `Duplicate of #1` and ``Duplicate of #2``"));
        assertEquals(List.of("acme/app#3"), targets("a ``literal ` tick`` then Duplicate of #3"));
        assertEquals(List.of("acme/app#4"), targets("an unmatched ` backtick. Duplicate of #4"));
        assertEquals(List.of(), targets("<!-- Duplicate of #1 -->"));
        assertEquals(List.of(), targets("<!-- unterminated\nDuplicate of #1"));
        assertEquals(List.of(), targets("This is not a duplicate of #1"));
        assertEquals(List.of(), targets("Possible duplicate of #1"));
        assertEquals(List.of("acme/app#2"), targets("Not related.\nDuplicate of #2"), "the guard looks at the same line only");
        assertEquals(List.of("acme/app#2"), targets("This may be related. Duplicate of #2"), "... and the same sentence");
        assertEquals(List.of(), targets("Status: not a duplicate of #2"));
        assertEquals(List.of(), targets("duplicates of #1, nonduplicate of #2, duplicate of #3abc, duplicate of #0"));
        assertEquals(List.of(), targets("duplicate of issue 12"));
    }

    @Test
    void aLinkToTheIssueItselfIsReturnedAndMarkedSelf() {
        List<DuplicateLink> l = S.linksInText("acme/app", "40", "Duplicate of #40", LinkSource.COMMENT);
        assertEquals(1, l.size());
        assertTrue(l.get(0).isSelf());
        assertEquals(LinkSource.COMMENT, l.get(0).source());
    }

    @Test
    void maskingKeepsOffsetsAndLineBreaks() {
        String text = "a `b` c\n```\nx\n```\n<!-- d -->e";
        String masked = DuplicateSignals.maskCode(text);
        assertEquals(text.length(), masked.length());
        assertEquals("a     c\n   \n \n   \n          e", masked);
    }

    @Test
    void labelAndMilestoneNamesMatchOnTheirLastWords() {
        for (String yes : List.of("duplicate", "Duplicate", " DUPLICATE ", "type: duplicate", "status/duplicate", "Resolution - Duplicate")) {
            assertTrue(S.isDuplicateLabel(yes), yes);
            assertTrue(S.isDuplicateMilestone(yes), yes);
        }
        for (String no : List.of("duplicated", "duplicate-candidate", "non-duplicate", "not duplicate", "bug", "")) {
            assertFalse(S.isDuplicateLabel(no), no);
        }
        assertFalse(S.isDuplicateLabel(null));
        DuplicateSignals custom = new DuplicateSignals(List.of("dupe", "closed: duplicate"), List.of());
        assertTrue(custom.isDuplicateLabel("Dupe"));
        assertTrue(custom.isDuplicateLabel("status: closed: duplicate"));
        assertFalse(custom.isDuplicateLabel("duplicate"));
        assertFalse(custom.isDuplicateMilestone("duplicate"), "no milestone titles configured");
        assertThrows(IllegalArgumentException.class, () -> new DuplicateSignals(List.of(" - "), List.of()));
    }
}
