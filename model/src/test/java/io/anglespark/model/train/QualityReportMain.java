package io.anglespark.model.train;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@code bench/quality --report}: rewrites bench/results/quality.md from the recorded runs, training nothing. */
@Tag("benchmark")
class QualityReportMain {
    @Test
    void report() throws Exception {
        QualityReport.main(new String[0]);
    }
}
