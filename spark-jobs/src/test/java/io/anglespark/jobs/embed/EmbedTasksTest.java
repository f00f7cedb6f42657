package io.anglespark.jobs.embed;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A slice's embedding tasks (about one per bucket of texts, in whole waves of the task slots) and its files. */
class EmbedTasksTest {
    @Test
    void tasksAreRoundedUpToWholeWavesSoNoWaveLeavesACoreIdle() {
        assertEquals(6, EmbedJob.embedTasks(10_000, 2048, 2), "5 buckets on 2 slots: 3 full waves, not 2 and a half");
        assertEquals(4, EmbedJob.embedTasks(8_192, 2048, 2));
        assertEquals(50, EmbedJob.embedTasks(100_000, 2048, 2), "49 buckets -> 50");
        assertEquals(8, EmbedJob.embedTasks(10_000, 2048, 8), "fewer buckets than slots: one wave, every slot busy");
        assertEquals(3, EmbedJob.embedTasks(1, 2048, 3));
        assertEquals(1, EmbedJob.embedTasks(0, 2048, 1), "an empty slice still has a task");
        assertEquals(100_000, EmbedJob.embedTasks(Long.MAX_VALUE / 2, 1, 7), "capped");
    }

    @Test
    void aSliceIsWrittenByUpToOneTaskPerSlotWithFilesOfAtLeastABucketAndAtMostTheCap() {
        assertEquals(2, EmbedJob.sliceFiles(10_000, 500_000, 2048, 2), "one file per core, not one task for the slice");
        assertEquals(4, EmbedJob.sliceFiles(10_000, 500_000, 2048, 100), "files of at least a bucket: 10,000 / 2,048");
        assertEquals(1, EmbedJob.sliceFiles(1_000, 500_000, 2048, 8), "a slice under a bucket: one file");
        assertEquals(3, EmbedJob.sliceFiles(1_200_000, 500_000, 2048, 2), "the cap: no file over about 500,000 rows");
        assertEquals(1, EmbedJob.sliceFiles(0, 500_000, 2048, 2));
    }
}
