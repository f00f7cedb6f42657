package io.anglespark.jobs.common;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link OutputFolder} on the local file system: what it refuses before touching anything, and how a run commits or fails. */
class OutputFolderTest {
    private static final Configuration CONF = new Configuration();
    private static final String KEY = "job.overwrite";

    @TempDir
    Path dir;

    @Test
    void anOutputThatContainsAnInputIsRefusedAndTheInputSurvives() throws Exception {
        Path input = write(dir.resolve("x/data/sts.csv"), "a\tb\n");
        OutputFolder.OutputOverlapsInputException e = assertThrows(OutputFolder.OutputOverlapsInputException.class,
                () -> OutputFolder.staged(dir.resolve("x").toString(), true, KEY, Map.of("job.inputs[0].path", input.toString()), CONF));
        assertTrue(e.getMessage().contains("contains job.inputs[0].path"), e.getMessage());
        assertEquals("a\tb\n", Files.readString(input));
    }

    @Test
    void anOutputEqualToOrInsideAnInputOrTheDataRootIsRefused() throws Exception {
        Path root = Files.createDirectories(dir.resolve("data"));
        Map<String, String> reads = Map.of("job.data-root", root.toString());
        assertTrue(assertThrows(OutputFolder.OutputOverlapsInputException.class,
                () -> OutputFolder.staged(root.toString(), true, KEY, reads, CONF)).getMessage().contains(" is job.data-root"));
        assertTrue(assertThrows(OutputFolder.OutputOverlapsInputException.class,
                () -> OutputFolder.inPlace(root.resolve("out").toString(), true, false, KEY, reads, CONF)).getMessage()
                .contains("lies inside job.data-root"));
        assertFalse(Files.exists(root.resolve("out")), "nothing is made before the check");
    }

    @Test
    void aRelativeOutputAGlobInputAndASymbolicLinkAreComparedByWhatTheyName() throws Exception {
        Path data = Files.createDirectories(dir.resolve("corpus/stsb"));
        write(data.resolve("train.csv"), "x");
        // a glob is compared by its folder before the first wildcard
        assertThrows(OutputFolder.OutputOverlapsInputException.class, () -> OutputFolder.staged(dir.resolve("corpus").toString(), false, KEY,
                Map.of("in", dir.resolve("corpus/stsb/*.csv").toString()), CONF));
        // a link to the input's folder is the input's folder
        Path link = Files.createSymbolicLink(dir.resolve("link"), dir.resolve("corpus"));
        assertThrows(OutputFolder.OutputOverlapsInputException.class, () -> OutputFolder.staged(link.resolve("stsb/out").toString(), false, KEY,
                Map.of("in", data.toString()), CONF));
        // a path with .. segments and a file: URI name the same folder
        assertThrows(OutputFolder.OutputOverlapsInputException.class, () -> OutputFolder.staged(
                "file:" + dir.resolve("corpus/stsb/../stsb"), false, KEY, Map.of("in", data.toString()), CONF));
        // siblings with a common name prefix are apart
        OutputFolder ok = OutputFolder.staged(dir.resolve("corpus/stsb-out").toString(), false, KEY, Map.of("in", data.toString()), CONF);
        assertTrue(ok.target().endsWith("corpus/stsb-out"), ok.target());
    }

    @Test
    void pathsOnOtherFileSystemsAreApart() {
        assertNull(OutputFolder.relation(URI.create("hdfs://nn:8020/x/"), URI.create("file:/x/y")));
        assertNull(OutputFolder.relation(URI.create("hdfs://nn:8020/x/"), URI.create("hdfs://other:8020/x/y")));
        assertEquals("contains", OutputFolder.relation(URI.create("hdfs://nn:8020/x"), URI.create("hdfs://nn:8020/x/y")));
        assertEquals("/data/stsb", OutputFolder.beforeGlob("/data/stsb/*.csv"));
        assertEquals("/data", OutputFolder.beforeGlob("/data/{a,b}/x.csv"));
        assertEquals("/data/a.csv", OutputFolder.beforeGlob("/data/a.csv"));
    }

    @Test
    void anExistingOutputIsRefusedWithoutOverwrite() throws Exception {
        Path out = write(dir.resolve("out/file.txt"), "keep").getParent();
        HadoopFs.OutputExistsException e = assertThrows(HadoopFs.OutputExistsException.class,
                () -> OutputFolder.staged(out.toString(), false, KEY, Map.of(), CONF));
        assertTrue(e.getMessage().contains("--overwrite") && e.getMessage().contains(KEY), e.getMessage());
    }

    @Test
    void overwriteRefusesAFolderThatNoJobOfOursWrote() throws Exception {
        Path plain = write(dir.resolve("plain/notes.txt"), "mine").getParent();
        Path foreign = write(dir.resolve("foreign/_run.json"), "{\"job\": \"etl\", \"owner\": \"someone\"}").getParent();
        Path broken = write(dir.resolve("broken/_run.json"), "not json").getParent();
        Path file = write(dir.resolve("a-file"), "data");
        for (Path p : new Path[]{plain, foreign, broken, file}) {
            Map<String, byte[]> before = snapshot(p);
            HadoopFs.OutputExistsException e = assertThrows(HadoopFs.OutputExistsException.class,
                    () -> OutputFolder.staged(p.toString(), true, KEY, Map.of(), CONF), p.toString());
            assertTrue(e.getMessage().contains("replaces only"), e.getMessage());
            assertThrows(HadoopFs.OutputExistsException.class, () -> OutputFolder.inPlace(p.toString(), true, false, KEY, Map.of(), CONF));
            assertSnapshot(before, p);
        }
    }

    @Test
    void overwriteAcceptsAnEmptyFolderOursAndOursFromBeforeTheProducerField() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Path ours = write(dir.resolve("ours/_run.json"), "{\"producer\": \"angle-spark\", \"job\": \"train\", \"status\": \"running\"}").getParent();
        Path legacy = write(dir.resolve("legacy/_run.json"), "{\"job\": \"prepare\", \"git_revision\": \"abc\", \"spark_version\": \"3.5.7\"}")
                .getParent();
        for (Path p : new Path[]{empty, ours, legacy}) {
            OutputFolder f = OutputFolder.staged(p.toString(), true, KEY, Map.of(), CONF);
            f.produce(out -> write(Path.of(java.net.URI.create(out)).resolve("new.txt"), "new"));
            assertEquals("new", Files.readString(p.resolve("new.txt")));
            assertFalse(Files.exists(p.resolve("_run.json")), "the old output is gone whole");
        }
        assertEquals(0, leftovers(), "no staging or replaced siblings stay");
    }

    @Test
    void aStagedRunWritesBesideTheOutputAndCommitsOnlyAtItsEnd() throws Exception {
        Path out = dir.resolve("out");
        OutputFolder f = OutputFolder.staged(out.toString(), false, KEY, Map.of(), CONF);
        f.produce(work -> {
            assertFalse(Files.exists(out), "the output appears only when complete");
            return write(Path.of(URI.create(work)).resolve("part/a.txt"), "a");
        });
        assertEquals("a", Files.readString(out.resolve("part/a.txt")));
        assertEquals(0, leftovers());
    }

    @Test
    void aFailedStagedRunLeavesThePreviousOutputByteForByte() throws Exception {
        Path out = ours("out");
        Map<String, byte[]> before = snapshot(out);
        OutputFolder f = OutputFolder.staged(out.toString(), true, KEY, Map.of(), CONF);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> f.produce(work -> {
            write(Path.of(URI.create(work)).resolve("report.json"), "half");
            throw new IllegalStateException("model file is corrupt");
        }));
        assertEquals("model file is corrupt", e.getMessage());
        assertSnapshot(before, out);
        assertEquals(0, leftovers(), "the staging folder is removed");
    }

    @Test
    void aFailedInPlaceOverwriteRestoresThePreviousOutputAndASuccessfulOneRemovesIt() throws Exception {
        Path out = ours("train");
        Map<String, byte[]> before = snapshot(out);
        OutputFolder failing = OutputFolder.inPlace(out.toString(), true, false, KEY, Map.of(), CONF);
        assertFalse(Files.exists(out.resolve("model.zip")), "the run starts in an empty folder");
        assertThrows(UncheckedIOException.class, () -> failing.produce(work -> {
            write(Path.of(URI.create(work)).resolve("checkpoints/step-1/state.json"), "{}");
            throw new UncheckedIOException(new IOException("disk full"));
        }));
        assertSnapshot(before, out);
        assertEquals(0, leftovers());

        OutputFolder ok = OutputFolder.inPlace(out.toString(), true, false, KEY, Map.of(), CONF);
        ok.produce(work -> write(Path.of(URI.create(work)).resolve("model.zip"), "new model"));
        assertEquals("new model", Files.readString(out.resolve("model.zip")));
        assertFalse(Files.exists(out.resolve("_run.json")));
        assertEquals(0, leftovers());
    }

    @Test
    void continuingInPlaceKeepsWhatIsThere() throws Exception {
        Path out = ours("embed");
        OutputFolder f = OutputFolder.inPlace(out.toString(), false, true, KEY, Map.of(), CONF);
        f.produce(work -> write(Path.of(URI.create(work)).resolve("embeddings/part-2.parquet"), "more"));
        assertEquals("old model", Files.readString(out.resolve("model.zip")));
        assertEquals("more", Files.readString(out.resolve("embeddings/part-2.parquet")));
    }

    private Path ours(String name) throws IOException {
        Path out = dir.resolve(name);
        write(out.resolve("_run.json"), "{\"producer\": \"angle-spark\", \"job\": \"train\"}");
        write(out.resolve("model.zip"), "old model");
        write(out.resolve("checkpoints/step-000000003/state.json"), "{\"step\": 3}");
        return out;
    }

    private long leftovers() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("\\..*\\.(staging|replaced)-.*")).count();
        }
    }

    private static Path write(Path p, String content) throws IOException {
        Files.createDirectories(p.getParent());
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    /** Every file under {@code root} (or the file itself) with its bytes. */
    private static Map<String, byte[]> snapshot(Path root) throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                m.put(root.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return m;
    }

    private static void assertSnapshot(Map<String, byte[]> before, Path root) throws IOException {
        Map<String, byte[]> after = snapshot(root);
        assertEquals(before.keySet(), after.keySet(), root.toString());
        before.forEach((k, v) -> assertArrayEquals(v, after.get(k), k));
    }
}
