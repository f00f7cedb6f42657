package io.anglespark.jobs.prepare;

import io.anglespark.prep.account.Ledger;

import java.util.Map;

/**
 * What a preparation run produced, as the job returns it to callers and tests (and writes into
 * {@code _run.json}). Count maps are keyed {@code source/split}.
 *
 * @param dedup   per {@code source/split}: duplicate groups, extra rows merged, groups whose scores conflicted
 * @param overlap per {@code source/split}: pairs whose text pair also occurs in another split
 *                ({@code in_train} for dev/test pairs, {@code in_eval} and {@code removed} for train pairs)
 */
public record PrepareReport(String output, Ledger ledger, Map<String, Long> pairs, Map<String, Long> triplets,
                            Map<String, Long> positives, long quarantined,
                            Map<String, Map<String, Long>> dedup, Map<String, Map<String, Long>> overlap) {
}
