package io.anglespark.jobs.export;

import com.typesafe.config.Config;
import io.anglespark.jobs.common.ConfigReader;

import java.io.Serializable;

/**
 * The export job's configuration ({@code conf/export.conf} documents every key).
 *
 * @param model      the trained encoder artifact (.zip), any Hadoop path
 * @param sourceOnnx the ONNX file the model's weights were first imported from; null: the registered model of the
 *                   artifact's name
 * @param checkTexts sentences embedded by both DL4J and the exported file on ONNX Runtime as a check
 * @param minCosine  the check fails below this cosine
 * @param normalize  the exported model's vectors are L2-normalised (sentence-transformers' Normalize module)
 * @param int8       also write an int8 quantization ({@code onnx/model_quantized.onnx}, its own model id)
 * @param int8MinCosine the int8 check (float file vs int8 file on ONNX Runtime, the check sentences) fails below this cosine
 */
public record ExportConfig(String model, String sourceOnnx, String output, boolean overwrite, int checkTexts, double minCosine,
                           boolean normalize, boolean int8, double int8MinCosine)
        implements Serializable {
    public static final String ROOT = "export";
    /** The int8 check's default floor (see conf/export.conf for where it comes from). */
    static final double INT8_MIN_COSINE = 0.95;

    /** Every path the job reads, by the config key that names it: the output may touch none of them. */
    public java.util.Map<String, String> readPaths() {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put(ROOT + ".model", model);
        m.put(ROOT + ".source-onnx", sourceOnnx);
        return m;
    }

    public static ExportConfig from(Config config) {
        ConfigReader r = ConfigReader.of(config, ROOT);
        String model = r.requiredString("model");
        String source = r.optionalString("source-onnx");
        String output = r.requiredString("output");
        boolean overwrite = r.bool("overwrite", false);
        ConfigReader c = r.section("check");
        int texts = c.intIn("texts", 16, 0, 100_000);
        double minCos = c.doubleIn("min-cosine", 0.9999, -1, 1);
        double int8MinCos = c.doubleIn("int8-min-cosine", INT8_MIN_COSINE, -1, 1);
        boolean normalize = r.bool("normalize", true);
        String quantize = r.string("quantize", "none").trim().toLowerCase(java.util.Locale.ROOT);
        if (!quantize.equals("none") && !quantize.equals("int8")) {
            throw r.invalid("quantize", "'" + quantize + "'", "must be none or int8");
        }
        r.rejectUnknownKeys();
        return new ExportConfig(model, source, output, overwrite, texts, minCos, normalize, quantize.equals("int8"), int8MinCos);
    }
}
