package io.anglespark.jobs.evaluate;

import io.anglespark.model.serve.Precision;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The job's driver-side embedding loop, with a fake embedder that encodes each text's identity in its vector. */
class EmbedInChunksTest {

    @Test
    void vectorsComeBackInTheTextsOrderWhileEachCallGetsTextsSortedByLength() {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            texts.add("x".repeat(1 + (i * 37) % 23) + "#" + i);
        }
        List<List<String>> calls = new ArrayList<>();
        Function<List<String>, float[][]> fake = part -> {
            calls.add(part);
            return part.stream().map(t -> new float[]{Integer.parseInt(t.substring(t.indexOf('#') + 1))}).toArray(float[][]::new);
        };
        float[][] v = EvaluateJob.embed(fake, texts, 2, "test", 3600);
        for (int i = 0; i < texts.size(); i++) {
            assertEquals(i, v[i][0], 0, "text " + i);
        }
        assertEquals(13, calls.size(), "100 texts in calls of 2 x 4");
        int last = 0;
        for (List<String> call : calls) {
            assertTrue(call.size() <= 8);
            for (String t : call) {
                assertTrue(t.length() >= last, "sorted by length");
                last = t.length();
            }
        }
    }

    @Test
    void anEmbedderReturningTheWrongNumberOfVectorsIsCaught() {
        Function<List<String>, float[][]> broken = part -> new float[part.size() - 1][];
        assertThrows(IllegalStateException.class, () -> EvaluateJob.embed(broken, List.of("a", "b"), 8, "test", 3600));
    }

    @Test
    void plotFoldersAreUniqueAndNameArtifactsByFolderAndFile() {
        var dirs = EvaluateJob.plotDirs(List.of(new EvaluateConfig.ModelRef("bge-small-en-v1.5", "bge-small-en-v1.5", null, Precision.FP32),
                new EvaluateConfig.ModelRef("hdfs://nn/runs/cosent/model.zip", null, "hdfs://nn/runs/cosent/model.zip", Precision.FP32),
                new EvaluateConfig.ModelRef("/other/cosent/model.zip", null, "/other/cosent/model.zip", Precision.FP32),
                new EvaluateConfig.ModelRef("my model.zip", null, "my model.zip", Precision.FP32)));
        assertEquals(List.of("bge-small-en-v1.5", "cosent_model", "cosent_model-2", "my_model"), List.copyOf(dirs.values()));
    }
}
