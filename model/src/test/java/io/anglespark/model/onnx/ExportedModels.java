package io.anglespark.model.onnx;

import io.anglespark.model.PretrainedModel;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The three registered exports, each read once per test JVM: its bytes (for ONNX Runtime) and our parse of the same bytes. */
final class ExportedModels {
    record Loaded(PretrainedModel spec, byte[] bytes, OnnxModel model) {
    }

    private static final Map<String, Loaded> CACHE = new ConcurrentHashMap<>();

    private ExportedModels() {
    }

    static synchronized Loaded get(String name) {
        return CACHE.computeIfAbsent(name, n -> {
            PretrainedModel spec = PretrainedModel.byName(n);
            try (InputStream in = spec.openOnnx()) {
                byte[] bytes = in.readAllBytes();
                return new Loaded(spec, bytes, OnnxModel.read(new ByteArrayInputStream(bytes)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
