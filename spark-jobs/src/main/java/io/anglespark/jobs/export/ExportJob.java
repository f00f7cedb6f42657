package io.anglespark.jobs.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.anglespark.jobs.common.HadoopFs;
import io.anglespark.jobs.common.JobCli;
import io.anglespark.jobs.common.JobConfigs;
import io.anglespark.jobs.common.JobMain;
import io.anglespark.jobs.common.OutputFolder;
import io.anglespark.jobs.common.RunManifest;
import io.anglespark.jobs.common.SparkSessions;
import io.anglespark.model.PretrainedModel;
import io.anglespark.model.encoder.Encoder;
import io.anglespark.model.encoder.EncoderArtifact;
import io.anglespark.model.serve.Dl4jEngine;
import io.anglespark.model.serve.HuggingFaceLayout;
import io.anglespark.model.serve.EmbeddingEngine;
import io.anglespark.model.serve.ModelIds;
import io.anglespark.model.serve.LongTextPolicy;
import io.anglespark.model.serve.OnnxExporter;
import io.anglespark.model.serve.OnnxRuntimeEngine;
import io.anglespark.model.serve.TextEmbedder;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkException;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Exports a trained encoder artifact as a folder in the Hugging Face layout ({@link HuggingFaceLayout}: {@code onnx/model.onnx},
 * the tokenizer files, sentence-transformers' module files, a model card) plus {@code encoder.json} and {@code _run.json},
 * by rewriting its source ONNX file's initializers with the trained weights ({@link OnnxExporter}); the written model is
 * checked on ONNX Runtime against DL4J on a few sentences before anything is written.
 * Runs on the driver only; Spark is used for the file system and the run manifest.
 */
@Command(name = "export", mixinStandardHelpOptions = false, sortOptions = false,
        description = "Writes a trained encoder (.zip) as an ONNX folder in the Hugging Face layout (sentence-transformers, Optimum, "
                + "Text Embeddings Inference, LangChain4j) and for the embed job's onnxruntime engine.")
public final class ExportJob implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ExportJob.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Sentences of the built-in check (varied lengths; the check is about the runtimes agreeing, not quality). */
    static final List<String> CHECK_SENTENCES = List.of("A man is playing a guitar.", "Two dogs run across a snowy field.",
            "The stock market fell sharply after the announcement of new tariffs on imported steel and aluminium.",
            "hello", "Can I reset my password without access to the e-mail address on file?",
            "NullPointerException in the scheduler when a node is decommissioned during a rolling restart.",
            "A woman is slicing an onion.", "Three children are playing soccer in the park on a sunny afternoon.");

    @CommandLine.Mixin
    JobCli cli = new JobCli();

    public static void main(String[] args) throws SparkException {
        JobMain.main("export", new ExportJob(), args);
    }

    @Override
    public Integer call() throws IOException {
        ExportConfig config = ExportConfig.from(JobConfigs.load(cli.configFile("export"), cli.overrides(ExportConfig.ROOT), HadoopFs.driverConfiguration()));
        String id = SparkSessions.runAndStop("angle-spark export", spark -> run(spark, config));
        LOG.info("export finished: {} ({})", config.output(), id);
        return 0;
    }

    /** Writes the export; returns its model id. */
    public static String run(SparkSession spark, ExportConfig cfg) throws IOException {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        RunManifest manifest = new RunManifest("export", spark, cfg);
        OutputFolder output = OutputFolder.staged(cfg.output(), cfg.overwrite(), ExportConfig.ROOT + ".overwrite", cfg.readPaths(), hadoop);
        Encoder encoder = loadModel(cfg.model(), hadoop, "export.model");
        byte[] source = sourceOnnx(cfg, encoder, hadoop);
        manifest.stage("load");

        OnnxExporter.Exported ex = OnnxExporter.export(encoder, source);
        manifest.stage("export");
        FloatCheck floatCheck = check(encoder, ex, cfg.checkTexts());
        double minCos = floatCheck.minCosine();
        if (cfg.checkTexts() > 0 && minCos < cfg.minCosine()) {
            throw new IllegalStateException("the exported model on ONNX Runtime differs from DL4J: min cosine " + minCos + " < "
                    + cfg.minCosine() + " (export.check.min-cosine)");
        }
        manifest.stage("check");
        Double minCosInt8 = null;
        if (cfg.int8()) {
            ex = ex.withInt8();
            minCosInt8 = checkInt8(encoder, ex, floatCheck);
            if (minCosInt8 < cfg.int8MinCosine()) {
                throw new IllegalStateException("the int8 quantization differs from the float model more than allowed: min cosine " + minCosInt8
                        + " < " + cfg.int8MinCosine() + " (export.check.int8-min-cosine)");
            }
            manifest.root().put("int8_model_id", ModelIds.int8(ex.modelId()));
            manifest.root().put("int8_onnx_bytes", ex.int8Onnx().length);
            manifest.root().put("int8_check_min_cosine", minCosInt8);
            manifest.stage("quantize");
        }
        manifest.root().put("model", encoder.modelName());
        manifest.root().put("name", encoder.name());
        manifest.root().put("model_id", ex.modelId());
        manifest.root().put("pooling", encoder.pooling().label());
        manifest.root().put("onnx_bytes", ex.onnx().length);
        manifest.root().put("check_texts", Math.min(cfg.checkTexts(), CHECK_SENTENCES.size() * 4));
        manifest.root().put("check_min_cosine", minCos);
        Map<String, byte[]> files = HuggingFaceLayout.files(ex, encoder.name(), encoder.config(), encoder.pooling(), encoder.maxLength(),
                cfg.normalize(), card(cfg.model(), encoder, hadoop));
        manifest.root().putPOJO("files", files.keySet());
        output.produce(out -> {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                write(out + "/" + f.getKey(), f.getValue(), hadoop);
            }
            manifest.stage("write");
            manifest.write(out, hadoop);
            HadoopFs.dropChecksumFiles(out, hadoop); // the folder is read by other tools as it is
            return null;
        });
        LOG.info("exported {} as {} to {} ({} bytes); ONNX Runtime vs DL4J min cosine {}{}", cfg.model(), ex.modelId(), cfg.output(),
                ex.onnx().length, minCos, minCosInt8 == null ? "" : "; int8 " + ModelIds.int8(ex.modelId()) + " (" + ex.int8Onnx().length
                        + " bytes), min cosine to the float file " + minCosInt8);
        return ex.modelId();
    }

    /**
     * The model card's facts: the base model (its upstream repository and licence when registered) and, when the
     * artifact sits in a training run's folder, that run's data, loss recipe and dev scores from its _run.json.
     */
    static HuggingFaceLayout.Card card(String modelPath, Encoder encoder, Configuration hadoop) throws IOException {
        PretrainedModel base = PretrainedModel.all().stream().filter(m -> m.name().equals(encoder.modelName())).findFirst().orElse(null);
        String data = null;
        String recipe = null;
        Map<String, String> scores = new LinkedHashMap<>();
        String run = new Path(modelPath).getParent() + "/" + RunManifest.FILE_NAME;
        if (HadoopFs.exists(run, hadoop)) {
            JsonNode m = JSON.readTree(HadoopFs.readString(run, hadoop));
            if ("train".equals(m.path("job").asText())) {
                data = m.at("/config/input").asText(null);
                JsonNode loss = m.at("/config/training/loss");
                if (loss.isObject()) {
                    List<String> terms = new ArrayList<>();
                    loss.fields().forEachRemaining(e -> terms.add(e.getKey() + " " + e.getValue().asText()));
                    recipe = "AnglE loss (" + String.join(", ", terms) + ")";
                }
                JsonNode t = m.path("training");
                if (t.has("initial_dev_spearman")) {
                    scores.put("dev Spearman x100 at the start", String.format(Locale.ROOT, "%.2f", 100 * t.path("initial_dev_spearman").asDouble()));
                }
                if (t.has("best_dev_spearman")) {
                    scores.put("dev Spearman x100, best (step " + t.path("best_step").asInt() + ")",
                            String.format(Locale.ROOT, "%.2f", 100 * t.path("best_dev_spearman").asDouble()));
                }
            }
        }
        return new HuggingFaceLayout.Card(encoder.modelName(), base == null ? null : base.upstream(), base == null ? null : base.licence(),
                data, recipe, scores, base == null ? "" : base.queryPrefix());
    }

    private static byte[] sourceOnnx(ExportConfig cfg, Encoder encoder, Configuration hadoop) throws IOException {
        if (cfg.sourceOnnx() != null) {
            Path p = new Path(cfg.sourceOnnx());
            FileSystem fs = p.getFileSystem(hadoop);
            if (!fs.exists(p)) {
                throw new HadoopFs.InputException("source ONNX " + cfg.sourceOnnx() + " does not exist (export.source-onnx)");
            }
            try (InputStream in = fs.open(p)) {
                return in.readAllBytes();
            }
        }
        PretrainedModel m;
        try {
            m = PretrainedModel.byName(encoder.modelName());
        } catch (IllegalArgumentException e) {
            throw new io.anglespark.jobs.common.ConfigException("the model is a '" + encoder.modelName() + "', not a registered model: set "
                    + "export.source-onnx to the ONNX file its weights came from (" + e.getMessage() + ")");
        }
        try (InputStream in = m.openOnnx()) {
            return in.readAllBytes();
        }
    }

    /**
     * The check: the exported float file's vectors of the check texts on ONNX Runtime, and their minimum cosine to DL4J's
     * (1 when there are no check texts).
     */
    record FloatCheck(List<String> texts, float[][] onnxRuntime, double minCosine) {
    }

    /** The float check over {@code n} check sentences. */
    static FloatCheck check(Encoder encoder, OnnxExporter.Exported ex, int n) {
        List<String> texts = checkTexts(n);
        if (texts.isEmpty()) {
            return new FloatCheck(texts, new float[0][], 1);
        }
        try (Dl4jEngine dl4j = new Dl4jEngine(encoder); OnnxRuntimeEngine ort = onOrt(encoder, ex.onnx())) {
            float[][] onOrt = vectors(ort, texts, encoder);
            return new FloatCheck(texts, onOrt, minCosine(vectors(dl4j, texts, encoder), onOrt));
        }
    }

    /** The minimum cosine between the float file's vectors (from its check) and its int8 quantization's, on ONNX Runtime. */
    static double checkInt8(Encoder encoder, OnnxExporter.Exported ex, FloatCheck fp32) {
        if (fp32.texts().isEmpty()) {
            return 1;
        }
        try (OnnxRuntimeEngine int8 = onOrt(encoder, ex.int8Onnx())) {
            return minCosine(fp32.onnxRuntime(), vectors(int8, fp32.texts(), encoder));
        }
    }

    private static OnnxRuntimeEngine onOrt(Encoder encoder, byte[] onnx) {
        return new OnnxRuntimeEngine(encoder.modelName(), encoder.config(), encoder.pooling(), encoder.tokenizer(), onnx, 0);
    }

    /** {@code n} check sentences: the fixed ones, then variants of them (other lengths and padding). */
    private static List<String> checkTexts(int n) {
        List<String> texts = new ArrayList<>();
        for (int i = 0; texts.size() < n && i < CHECK_SENTENCES.size() * 4; i++) {
            String s = CHECK_SENTENCES.get(i % CHECK_SENTENCES.size());
            texts.add(i < CHECK_SENTENCES.size() ? s : s + " " + i);
        }
        return texts;
    }

    private static float[][] vectors(EmbeddingEngine engine, List<String> texts, Encoder encoder) {
        return new TextEmbedder(engine, LongTextPolicy.truncate(Math.min(128, encoder.config().positions())), 8, true).embed(texts);
    }

    private static double minCosine(float[][] a, float[][] b) {
        double min = 1;
        for (int i = 0; i < a.length; i++) {
            double d = 0;
            for (int j = 0; j < a[i].length; j++) {
                d += (double) a[i][j] * b[i][j];
            }
            min = Math.min(min, d);
        }
        return min;
    }

    /** The artifact at {@code path} (any Hadoop path); a file that cannot be loaded fails naming {@code path}. */
    private static Encoder loadModel(String path, Configuration hadoop, String key) throws IOException {
        Path p = new Path(path);
        FileSystem fs = p.getFileSystem(hadoop);
        if (!fs.exists(p)) {
            throw new HadoopFs.InputException("model " + path + " does not exist (" + key + ")");
        }
        try (InputStream in = fs.open(p)) {
            return EncoderArtifact.load(in, path);
        }
    }

    private static void write(String path, byte[] bytes, Configuration hadoop) throws IOException {
        Path p = new Path(path);
        try (FSDataOutputStream out = p.getFileSystem(hadoop).create(p, false)) {
            out.write(bytes);
        }
    }
}
