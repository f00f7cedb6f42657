package io.anglespark.model.serve;

import java.util.Locale;

/** Which runtime computes the embeddings: DL4J (our encoder graph) or ONNX Runtime (the ONNX file). */
public enum Engine {
    DL4J,
    ONNXRUNTIME;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code dl4j} or {@code onnxruntime}; anything else fails listing both. */
    public static Engine parse(String s) {
        for (Engine e : values()) {
            if (e.label().equals(s.trim().toLowerCase(Locale.ROOT))) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown engine '" + s + "' (known: dl4j, onnxruntime)");
    }
}
