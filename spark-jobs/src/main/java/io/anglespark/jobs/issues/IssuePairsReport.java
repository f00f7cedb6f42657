package io.anglespark.jobs.issues;

import io.anglespark.prep.account.Ledger;
import io.anglespark.prep.issues.LengthStats;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an issue-pairs run produced, as the job returns it (and writes into {@code _run.json}).
 *
 * @param negativesWithIdenticalTextDropped sampled non-duplicates dropped because both issues carry the same text
 * @param clusterSizes        cluster size to number of clusters
 * @param links               per link source ({@code links_file}, {@code body}, {@code comment}, {@code event}):
 *                            directed links joined, self-links, and links to an issue absent from the corpus
 * @param flaggedWithoutTarget per flag (label, milestone, event, resolution): issues marked duplicate of an unknown issue
 * @param pairLengths         code-point lengths of every text of every pair
 * @param duplicateLengths    the same for the duplicate (label 1) pairs
 */
public record IssuePairsReport(String output, Ledger ledger, long issues, long pairs, long duplicatePairs, long negativePairs,
                               long negativesWithIdenticalTextDropped, long undirectedLinks, Map<String, Long> clusterSizes, Map<String, Long> links,
                               long flaggedIssuesWithoutTarget, Map<String, Long> flaggedWithoutTarget, long quarantined,
                               LengthStats pairLengths, LengthStats duplicateLengths) {

    /** The figures for {@code _run.json} (the ledger is written separately as counts). */
    public Map<String, Object> summary() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("issues", issues);
        m.put("pairs", pairs);
        m.put("duplicate_pairs", duplicatePairs);
        m.put("non_duplicate_pairs", negativePairs);
        m.put("non_duplicates_with_identical_text_dropped", negativesWithIdenticalTextDropped);
        m.put("undirected_duplicate_links", undirectedLinks);
        m.put("cluster_sizes", clusterSizes);
        m.put("links", links);
        m.put("flagged_issues_without_target", flaggedIssuesWithoutTarget);
        m.put("flags_without_target", flaggedWithoutTarget);
        m.put("quarantined", quarantined);
        m.put("pair_text_lengths", lengths(pairLengths));
        m.put("duplicate_pair_text_lengths", lengths(duplicateLengths));
        return m;
    }

    /** Characters (code points): count, median, p90, max and the share over 2,000, the corpus's long-text mark. */
    static Map<String, Object> lengths(LengthStats s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", s.count());
        m.put("median", s.median());
        m.put("p90", s.p90());
        m.put("max", s.max());
        m.put("share_over_2000", s.shareOver(2000));
        return m;
    }
}
