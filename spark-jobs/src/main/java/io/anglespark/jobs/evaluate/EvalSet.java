package io.anglespark.jobs.evaluate;

import io.anglespark.model.metrics.ScoredPairs;

import java.util.List;
import java.util.Map;

/**
 * One evaluation set as read on the driver: its accepted pairs (distinct texts indexed) and the accounting of
 * every row: {@code rowsRead == pairs.size() + sum(rejected)}.
 *
 * @param files     the files read
 * @param rowsRead  data rows read (header lines excluded; for Parquet, rows left after the source/split filter)
 * @param rejected  rejected rows per reason code
 * @param examples  the first rejected rows, with location and detail
 */
public record EvalSet(EvaluateConfig.SetSpec spec, List<String> files, long rowsRead, ScoredPairs pairs,
                      Map<String, Long> rejected, List<Example> examples) {

    public record Example(String location, String reason, String detail) {
    }

    public long rejectedTotal() {
        return rejected.values().stream().mapToLong(Long::longValue).sum();
    }
}
