package io.anglespark.jobs.retrain;

import io.anglespark.jobs.common.RunManifest;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The registry's rules on the local file system: numbering, what may be promoted, and what a reader sees as current. */
class ModelRegistryTest {
    private static ModelRegistry registry(Path dir) throws IOException {
        return ModelRegistry.open(dir.resolve("registry").toString(), "faq", new Configuration());
    }

    /** A version as a finished retraining run leaves it: a model and a _run.json with its decision. */
    private static void finish(ModelRegistry.Version v, String decision) throws IOException {
        Path p = Path.of(v.path());
        Files.createDirectories(p.resolve("train"));
        Files.writeString(p.resolve(ModelRegistry.MODEL), "model");
        Files.writeString(p.resolve(RunManifest.FILE_NAME), "{\"decision\": \"" + decision + "\", \"reasons\": [\"because\"]}");
    }

    @Test
    void versionsAreNumberedFromOneAndANumberIsNeverReused(@TempDir Path dir) throws IOException {
        ModelRegistry r = registry(dir);
        assertTrue(r.current().isEmpty());
        assertEquals(List.of(), r.versions());
        ModelRegistry.Version v1 = r.claimNext();
        ModelRegistry.Version v2 = r.claimNext();
        assertEquals(1, v1.number());
        assertEquals(2, v2.number(), "v1 is claimed even though its run has not finished (or died)");
        assertEquals(dir.resolve("registry/faq/v2/train/model.zip").toString(), v2.model());
        assertEquals("incomplete", r.versions().get(0).status());
        Files.createDirectories(dir.resolve("registry/faq/v10"));
        Files.createDirectories(dir.resolve("registry/faq/v3-notes"));
        assertEquals(11, r.claimNext().number(), "numbers, not names, are compared; other folders are left alone");
    }

    @Test
    void onlyACompleteVersionThatPassedItsGateIsPromoted(@TempDir Path dir) throws IOException {
        ModelRegistry r = registry(dir);
        ModelRegistry.Version v1 = r.claimNext();
        IllegalStateException incomplete = assertThrows(IllegalStateException.class, () -> r.promote(v1, "faq@1"));
        assertTrue(incomplete.getMessage().contains("v1 is incomplete"), incomplete.getMessage());
        finish(v1, "reject");
        IllegalStateException rejected = assertThrows(IllegalStateException.class, () -> r.promote(v1, "faq@1"));
        assertTrue(rejected.getMessage().contains("not accepted by its gate"), rejected.getMessage());
        assertTrue(r.current().isEmpty());
        assertEquals("rejected", r.versions().get(0).status());
        assertEquals(List.of("because"), r.versions().get(0).reasons());
    }

    @Test
    void eachPromotionIsANewFileAndTheNewestIsCurrent(@TempDir Path dir) throws IOException {
        ModelRegistry r = registry(dir);
        ModelRegistry.Version v1 = r.claimNext();
        finish(v1, "promote");
        ModelRegistry.Promotion p1 = r.promote(v1, "faq@aaa");
        assertEquals(1, p1.sequence());
        assertNull(p1.previous());
        ModelRegistry.Version v2 = r.claimNext();
        finish(v2, "promote");
        r.promote(v2, "faq@bbb");
        ModelRegistry.Promotion now = r.current().orElseThrow();
        assertEquals(2, now.version());
        assertEquals(1, now.previous());
        assertEquals("faq@bbb", now.modelId());
        assertEquals(v2.model(), now.model());
        // a rollback is a promotion of an older version, not an edit of history
        r.promote(v1, "faq@aaa");
        assertEquals(List.of(1, 2, 1), r.promotions().stream().map(ModelRegistry.Promotion::version).toList());
        assertEquals(List.of("current", "promoted earlier"), r.versions().stream().map(ModelRegistry.VersionStatus::status).toList());
    }

    @Test
    void aPromotionKilledBeforeItsRenameLeavesThePreviousCurrent(@TempDir Path dir) throws IOException {
        ModelRegistry r = registry(dir);
        ModelRegistry.Version v1 = r.claimNext();
        finish(v1, "promote");
        r.promote(v1, "faq@aaa");
        ModelRegistry.Version v2 = r.claimNext();
        finish(v2, "promote");
        // what a process killed while writing the next promotion leaves: a temporary file, half written
        Path promotions = dir.resolve("registry/faq/" + ModelRegistry.PROMOTIONS);
        Files.writeString(promotions.resolve(".2.tmp-0f1e"), "{\"version\": 2, \"mod");
        assertEquals(1, r.current().orElseThrow().version());
        assertEquals("not promoted (its run stopped before the promotion)", r.versions().get(1).status());
        assertEquals(2, r.promote(v2, "faq@bbb").version(), "a later promotion is not disturbed by the leftover");
        Files.writeString(promotions.resolve("000003.json"), "{broken");
        IOException e = assertThrows(IOException.class, r::current);
        assertTrue(e.getMessage().contains("000003.json") && e.getMessage().contains("not valid JSON"), e.getMessage());
    }
}
