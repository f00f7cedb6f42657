package io.anglespark.jobs.issues;

import io.anglespark.prep.RowRef;
import io.anglespark.prep.issues.DuplicateClusters;
import io.anglespark.prep.issues.DuplicateLink;

import java.io.Serializable;
import java.util.List;

/**
 * One issue as the corpus holds it: its key ({@code project \u0001 id}), the row it came from, the raw
 * text (title, body and appended comments), the cleaned text pairs are built from, the duplicate links
 * its text and comments carry, and its target-less duplicate flags.
 */
record IssueDoc(String key, RowRef ref, String project, String id, String title, String raw, String text,
                List<DuplicateLink> links, List<String> flags) implements Serializable {

    static String project(String key) {
        return key.substring(0, key.indexOf(DuplicateClusters.KEY_SEPARATOR));
    }

    static String id(String key) {
        return key.substring(key.indexOf(DuplicateClusters.KEY_SEPARATOR) + 1);
    }
}
