package io.anglespark.model.serve;

import java.util.Locale;

/**
 * Which weights of a model run: its float32 weights, or the int8 quantization an export carries
 * ({@code onnx/model_quantized.onnx}, ONNX Runtime only; its vectors have their own model id).
 */
public enum Precision {
    FP32,
    INT8;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
