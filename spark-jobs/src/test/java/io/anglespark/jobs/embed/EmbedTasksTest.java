package io.anglespark.jobs.embed;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A slice's embedding tasks (about one per bucket of texts, in whole waves of the task slots) and its files. */
class EmbedTasksTest {
    @Test
    void tasksAreRoundedUpToWholeWavesSoNoWaveLeavesACoreIdle() {
        assertEquals(6, EmbedJob.embedTasks(10_000, 2048, 500_000, 2), "5 buckets on 2 slots: 3 full waves, not 2 and a half");
        assertEquals(4, EmbedJob.embedTasks(8_192, 2048, 500_000, 2));
        assertEquals(50, EmbedJob.embedTasks(100_000, 2048, 500_000, 2), "49 buckets -> 50");
        assertEquals(8, EmbedJob.embedTasks(10_000, 2048, 500_000, 8), "fewer buckets than slots: one wave, every slot busy");
        assertEquals(3, EmbedJob.embedTasks(1, 2048, 500_000, 3));
        assertEquals(1, EmbedJob.embedTasks(0, 2048, 500_000, 1), "an empty slice still has a task");
        assertEquals(100_000, EmbedJob.embedTasks(Long.MAX_VALUE / 2, 1, 500_000, 7), "capped");
    }

    @Test
    void eachTaskWritesOneFileSoRowsPerFileCapsTheRowsOfATask() {
        assertEquals(4, EmbedJob.embedTasks(10_000, 100_000, 3_000, 2), "10,000 rows in files of at most 3,000: 4 tasks, not 1 bucket");
        assertEquals(3, EmbedJob.embedTasks(1_200_000, 1_000_000, 500_000, 1), "no file over about 500,000 rows");
    }
}
