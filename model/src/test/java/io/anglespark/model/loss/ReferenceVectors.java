package io.anglespark.model.loss;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.anglespark.prep.SharedData;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The worked values of {@code ../shared/reference/angle-loss-vectors.json} (written by
 * {@code angle_loss_reference.py} beside it, float64 numpy). A missing file fails the test, it is never skipped.
 */
final class ReferenceVectors {
    private ReferenceVectors() {
    }

    static JsonNode load() {
        Path p = SharedData.projectRoot().resolve("../shared/reference/angle-loss-vectors.json").normalize();
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("the AnglE reference vectors are expected in " + p);
        }
        try {
            return new ObjectMapper().readTree(p.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static double[][] matrix(JsonNode n) {
        double[][] m = new double[n.size()][];
        for (int i = 0; i < m.length; i++) {
            m[i] = vector(n.get(i));
        }
        return m;
    }

    static double[] vector(JsonNode n) {
        double[] v = new double[n.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = n.get(i).asDouble();
        }
        return v;
    }
}
