package io.anglespark.prep.issues;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TemplateStripperTest {

    private static String strip(String s) {
        return TemplateStripper.strip(s);
    }

    @Test
    void removesHtmlCommentsAlsoMultiLineAndUnterminated() {
        assertEquals("a  b", strip("a <!-- hidden --> b"));
        // the opening and closing lines leave empty lines, the lines between are dropped; TextCleaner collapses them
        assertEquals("before\n\n\nafter", strip("before\n<!--\nPlease fill in\nthe template\n-->\nafter"));
        assertEquals("kept ", strip("kept <!-- never closed\nDuplicate of #1\nmore"));
    }

    @Test
    void removesTagsKeepingTheirText() {
        assertEquals("  Logs \nlong log ", strip("<details><summary>Logs</summary>\n<b>long</b> log</details>"),
                "block tags leave a space, inline tags nothing");
        assertEquals("line one line two", strip("line one<br>line two"));
        assertEquals("List<String> and a <T> param", strip("List<String> and a <T> param"));
        assertEquals("x   y", strip("x <img src=\"a.png\" alt=\"shot\"> y"));
    }

    @Test
    void imagesBecomeAltTextAndLinksTheirText() {
        assertEquals("see screenshot and the docs", strip("see ![screenshot](https://x/y.png) and [the docs](https://x/docs)"));
        assertEquals("badge", strip("[![badge](https://img)](https://ci)"));
    }

    @Test
    void removesLineStartMarkupAndRules() {
        assertEquals("Steps to reproduce\nOpen settings\nDone\n1. Numbered stays\nquoted\nnested\n\n\nchecked",
                strip("### Steps to reproduce ###\n- Open settings\n* Done\n1. Numbered stays\n> quoted\n> > nested\n---\n* * *\n- [x] checked"));
        assertEquals("Title\n", strip("Title\n===="));
        assertEquals("| a | b |\n\n| 1 | 2 |", strip("| a | b |\n|---|:-:|\n| 1 | 2 |"));
        assertEquals("#123 is a reference", strip("#123 is a reference"));
    }

    @Test
    void removesEmphasisOnlyWhereItIsMarkup() {
        assertEquals("bold, italic, both, strong, em, gone", strip("**bold**, *italic*, ***both***, __strong__, _em_, ~~gone~~"));
        assertEquals("snake_case_name and 2 * 3 * 4", strip("snake_case_name and 2 * 3 * 4"));
        assertEquals("*literal* and #not-heading", strip("\\*literal\\* and \\#not-heading"));
    }

    @Test
    void keepsCodeVerbatim() {
        assertEquals("run:\n**not bold** <!-- kept -->\n# not a heading\nend",
                strip("run:\n```sh\n**not bold** <!-- kept -->\n# not a heading\n```\nend"));
        assertEquals("call foo_bar(*args) here", strip("call `foo_bar(*args)` here"));
        assertEquals("unclosed\ncode **x**", strip("unclosed\n~~~\ncode **x**"));
        assertEquals("", strip(null));
        assertEquals("a\nb", strip("a\r\nb"), "line breaks come out as LF");
    }
}
