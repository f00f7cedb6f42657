package io.anglespark.jobs.embed;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one embed run did. Conservation, checked by {@link #verify}: {@code read = uniqueIds + duplicatesMerged +
 * quarantined} and {@code uniqueIds = alreadyPresent + written}.
 *
 * @param quarantined       rows quarantined, by reason
 * @param duplicatesMerged  extra rows of an id repeated with the same text (one row kept)
 * @param uniqueIds         ids with one text: the rows the output must hold for this model
 * @param alreadyPresent    of those, already in the output (skipped)
 * @param written           rows written by this run
 * @param reused            of those, rows whose vector was copied from a stored row of the same text
 * @param embeddedTexts     distinct texts run through the model
 * @param changedTextIds    ids that already had a row for this model with another text
 */
public record EmbedReport(String output, String modelId, int dim, long read, Map<String, Long> quarantined, long duplicatesMerged,
                          long uniqueIds, long alreadyPresent, long written, long reused, long embeddedTexts, long truncatedTexts,
                          long chunkedTexts, long tokens, long changedTextIds, int slices, double embedSeconds) {

    public long quarantinedTotal() {
        return quarantined.values().stream().mapToLong(Long::longValue).sum();
    }

    /** @throws IllegalStateException naming the equation that does not hold */
    public void verify() {
        if (read != uniqueIds + duplicatesMerged + quarantinedTotal()) {
            throw new IllegalStateException("rows do not add up: read " + read + " != ids " + uniqueIds + " + duplicate rows merged "
                    + duplicatesMerged + " + quarantined " + quarantinedTotal());
        }
        if (uniqueIds != alreadyPresent + written) {
            throw new IllegalStateException("ids do not add up: " + uniqueIds + " != already present " + alreadyPresent + " + written " + written);
        }
    }

    /** The counts as written to {@code _run.json}. */
    public Map<String, Object> counts() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("read", read);
        m.put("quarantined", quarantined);
        m.put("duplicate_rows_merged", duplicatesMerged);
        m.put("unique_ids", uniqueIds);
        m.put("already_present", alreadyPresent);
        m.put("written", written);
        m.put("reused_vectors", reused);
        m.put("embedded_texts", embeddedTexts);
        m.put("truncated_texts", truncatedTexts);
        m.put("chunked_texts", chunkedTexts);
        m.put("word_pieces", tokens); // not "tokens": the manifest redacts keys that look like credentials
        m.put("ids_with_changed_text", changedTextIds);
        m.put("slices", slices);
        return m;
    }
}
