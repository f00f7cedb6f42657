package io.anglespark.jobs.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainScalingReportTest {
    private static TrainScalingReport.Row row(int workers, Map<String, long[]> stats) {
        TrainScalingReport.Run run = new TrainScalingReport.Run("r", "m", "local[2]", workers, 5, 42, Path.of("x"));
        return new TrainScalingReport.Row(run, 1, 640, 10.0, 64, 6, 4, 20, 0.86, stats);
    }

    @Test
    void aRoundsPhasesAddUpToTheRoundAndTheOneJvmFitterHasNoRounds() {
        // 4 rounds of 2 workers in 10 s: 2,500 ms a round
        Map<String, long[]> stats = Map.of(
                "ParameterAveragingMasterAggregateTimesMs", new long[] {8_000, 4},
                "ParameterAveragingMasterBroadcastCreateTimesMs", new long[] {40, 4},
                "ParameterAveragingMasterCountRddSizeTimesMs", new long[] {200, 4},
                "ParameterAveragingMasterProcessParamsUpdaterTimesMs", new long[] {400, 4},
                "ParameterAveragingWorkerBroadcastGetValueTimeMs", new long[] {80, 8},
                "ParameterAveragingWorkerInitTimeMs", new long[] {720, 8},
                "ParameterAveragingWorkerFitTimesMs", new long[] {12_000, 8},
                "WorkerFlatMapTotalTimeMs", new long[] {13_600, 8});
        TrainScalingReport.Round d = TrainScalingReport.Round.of(row(2, stats));
        assertEquals(2500, d.total(), 1e-9);
        assertEquals(10, d.publish(), 1e-9);
        assertEquals(50, d.count(), 1e-9);
        assertEquals(100, d.getNetwork(), 1e-9);
        assertEquals(1500, d.fit(), 1e-9);
        assertEquals(100, d.workerOther(), 1e-9);
        assertEquals(2000 - 1700, d.resultsAndSum(), 1e-9, "the aggregation beyond the mean worker's task");
        assertEquals(100, d.apply(), 1e-9);
        assertEquals(d.total(), d.publish() + d.count() + d.getNetwork() + d.fit() + d.workerOther() + d.resultsAndSum() + d.apply() + d.rest(),
                1e-9, "the phases add up to the round");
        assertNull(TrainScalingReport.Round.of(row(1, Map.of())), "no averaging rounds, no decomposition");
        String md = TrainScalingReport.render(java.util.List.of(row(2, stats)), "bench/spark");
        assertTrue(md.contains("| r | m | 4 | 2500 | 10 | 50 | 100 | 1500 | 100 | 300 | 100 | 340 |"), md);
    }
}
