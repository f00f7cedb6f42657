package io.anglespark.jobs.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.anglespark.jobs.TestSpark;
import io.anglespark.jobs.common.HadoopFs;
import io.anglespark.jobs.common.JobConfigs;
import io.anglespark.jobs.common.OutputFolder;
import io.anglespark.jobs.common.Outputs;
import io.anglespark.model.BertConfig;
import io.anglespark.model.Pooling;
import io.anglespark.model.PretrainedModel;
import io.anglespark.model.encoder.Encoder;
import io.anglespark.model.encoder.EncoderArtifact;
import io.anglespark.model.encoder.EncoderGraphFactory;
import io.anglespark.model.metrics.ScoredPairs;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The evaluate job end to end in local Spark, on fixtures (an STS-B file with bad rows, a CRLF SICK file, prepared
 * pairs and duplicate pairs as Parquet) and two tiny random encoders saved as artifacts (1 layer, hidden 16, the
 * bge tokenizer), side by side. Fast: the tiny encoders embed the few dozen texts in well under a second.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EvaluateJobTest {
    private static final BertConfig TINY = new BertConfig(1, 16, 2, 32, 30522, 64, 2, 1e-12);
    private static final ObjectMapper JSON = new ObjectMapper();

    private SparkSession spark;
    private Path dir;
    private Path out;
    private Path modelA;
    private Path modelB;
    private EvaluateReport report;
    private JsonNode json;

    @BeforeAll
    void runTheJobOnFixtures() throws Exception {
        spark = TestSpark.start("evaluate-job");
        dir = Files.createTempDirectory("evaluate-job");
        byte[] tokenizer;
        try (InputStream in = PretrainedModel.BGE_SMALL_EN_V15.openTokenizer()) {
            tokenizer = in.readAllBytes();
        }
        modelA = dir.resolve("runs/a/model.zip");
        modelB = dir.resolve("runs/b/model.zip");
        for (Path p : List.of(modelA, modelB)) {
            Files.createDirectories(p.getParent());
            long seed = p == modelA ? 1 : 2;
            Pooling pooling = p == modelA ? Pooling.MEAN : Pooling.CLS;
            EncoderArtifact.save(new Encoder("tiny-" + seed, TINY, pooling, 64, EncoderGraphFactory.build(TINY, pooling, seed), tokenizer), p.toFile());
        }
        writePairs(dir.resolve("prepared/pairs"), List.of(
                pair("stsb-test:1", "A man is playing a guitar.", "A man plays the guitar.", 1.0, "stsb", "test"),
                pair("stsb-test:2", "A woman is slicing an onion.", "A dog runs in the park.", 0.1, "stsb", "test"),
                pair("stsb-test:3", "A cat sits on a mat.", "A cat is sitting on the rug.", 0.64, "stsb", "test"),
                pair("stsb-train:1", "Train text one.", "Train text two.", 0.5, "stsb", "train"),
                pair("sick-trial:1", "A boy is jumping.", "A child jumps.", 0.9, "sick", "test")));
        writePairs(dir.resolve("issues/pairs"), List.of(
                pair("hadoop:1-2", "NameNode crashes on restart with NPE", "NPE in NameNode after restart", 1, "hadoop", "test"),
                pair("hadoop:3-4", "Add a flag to the shell", "Datanode disk balancer is slow", 0, "hadoop", "test"),
                pair("hadoop:5-6", "YARN UI shows wrong memory", "Wrong memory in ResourceManager UI", 1, "hadoop", "test"),
                pair("hadoop:7-8", "Typo in docs", "Checksum mismatch on read", 0, "hadoop", "test"),
                pair("hadoop:9-10", "Half a duplicate", "Not a valid label", 0.5, "hadoop", "test"),
                pair("hadoop:11-12", "Dev pair", "Dev pair too", 1, "hadoop", "dev")));
        out = dir.resolve("out");
        report = EvaluateJob.run(spark, config(out, List.of()));
        json = JSON.readTree(out.resolve("report.json").toFile());
    }

    private EvaluateConfig config(Path output, List<String> extra) throws Exception {
        List<String> overrides = new ArrayList<>(List.of(
                "evaluate.data-root=" + fixtures(),
                "evaluate.output=" + output,
                "evaluate.models=[\"" + modelA + "\", \"" + modelB + "\"]",
                "evaluate.sets=[{name=stsb-fixture, format=stsb, path=stsb-with-bad-rows.tsv}, "
                        + "{name=sick-crlf, format=sick, path=sick-crlf.txt}, "
                        + "{name=prepared-stsb-test, format=pairs, path=\"" + dir.resolve("prepared/pairs") + "\", sources=[stsb], split=test}, "
                        + "{name=hadoop-test, format=issue-pairs, path=\"" + dir.resolve("issues/pairs") + "\", split=test}]",
                "evaluate.plots.width=320", "evaluate.plots.height=240"));
        overrides.addAll(extra);
        return EvaluateConfig.from(JobConfigs.load(io.anglespark.prep.SharedData.projectRoot().resolve("conf/evaluate.conf").toString(),
                overrides, new Configuration()));
    }

    private static Path fixtures() throws Exception {
        return Path.of(EvaluateJobTest.class.getResource("stsb-with-bad-rows.tsv").toURI()).getParent();
    }

    private static Row pair(String id, String t1, String t2, double label, String source, String split) {
        return RowFactory.create(id, t1, t2, label, source, split);
    }

    private void writePairs(Path path, List<Row> rows) {
        spark.createDataFrame(rows, Outputs.PAIRS).coalesce(1).write().parquet(path.toString());
    }

    @AfterAll
    void stop() {
        spark.stop();
    }

    @Test
    void everyRowReadIsScoredOrRejectedWithItsReason() {
        Map<String, long[]> expected = Map.of( // rows read, pairs, rejected
                "stsb-fixture", new long[]{8, 6, 2},
                "sick-crlf", new long[]{5, 4, 1},
                "prepared-stsb-test", new long[]{3, 3, 0},
                "hadoop-test", new long[]{5, 4, 1});
        expected.forEach((name, n) -> {
            EvalSet s = report.set(name);
            assertEquals(n[0], s.rowsRead(), name);
            assertEquals(n[1], s.pairs().size(), name);
            assertEquals(n[2], s.rejectedTotal(), name);
            assertEquals(s.rowsRead(), s.pairs().size() + s.rejectedTotal(), name);
        });
        assertEquals(Map.of("score_out_of_range", 1L, "wrong_field_count", 1L), report.set("stsb-fixture").rejected());
        assertEquals(Map.of("score_unparsable", 1L), report.set("sick-crlf").rejected());
        assertEquals(Map.of("unknown_label", 1L), report.set("hadoop-test").rejected());
        JsonNode stsb = json.get("sets").get(0);
        assertEquals("stsb-fixture", stsb.get("name").asText());
        assertEquals(2, stsb.get("rejected").get("total").asLong());
        JsonNode first = stsb.get("rejected").get("examples").get(0);
        assertTrue(first.get("location").asText().endsWith("stsb-with-bad-rows.tsv:5"), first.toString());
        assertEquals("wrong_field_count", first.get("reason").asText());
        assertTrue(json.get("sets").get(3).get("rejected").get("examples").get(0).get("location").asText().endsWith("pair_id hadoop:9-10"));
    }

    @Test
    void rawTextsAreScoredAsWrittenAndQuotesAreText() {
        List<String> texts = report.set("stsb-fixture").pairs().texts();
        assertTrue(texts.contains("Two kids play \"football\" outside."), texts.toString());
        // A text shared by two pairs is embedded once.
        assertEquals(10, texts.size());
    }

    @Test
    void parquetSetsKeepOnlyTheConfiguredSourcesAndSplit() {
        ScoredPairs p = report.set("prepared-stsb-test").pairs();
        assertFalse(p.texts().contains("Train text one."));
        assertFalse(p.texts().contains("A boy is jumping."));
        assertFalse(report.set("hadoop-test").pairs().texts().contains("Dev pair"));
    }

    @Test
    void aucIsReportedForDuplicatePairSetsOnly() {
        for (JsonNode r : json.get("results")) {
            boolean binary = r.get("set").asText().equals("hadoop-test");
            assertEquals(binary, r.get("binary_labels").asBoolean(), r.toString());
            for (String sim : List.of("cosine", "dot", "euclidean", "manhattan")) {
                JsonNode m = r.get("metrics").get(sim);
                assertEquals(binary, m.has("auc"), r.get("set") + " " + sim);
                assertTrue(m.get("spearman").isNumber() || m.has("spearman_undefined"), m.toString());
                if (binary) {
                    double auc = m.get("auc").asDouble();
                    assertTrue(auc >= 0 && auc <= 1, m.toString());
                }
            }
        }
    }

    @Test
    void theReportedSpearmanIsTheOneComputedDirectlyFromTheModelsEmbeddings() throws Exception {
        for (Path model : List.of(modelA, modelB)) {
            Encoder enc = EncoderArtifact.load(model.toFile());
            ScoredPairs p = report.set("stsb-fixture").pairs();
            float[][] v = enc.embed(p.texts());
            double[] cos = new double[p.size()];
            for (int i = 0; i < cos.length; i++) {
                float[] a = v[p.left()[i]];
                float[] b = v[p.right()[i]];
                double dot = 0, na = 0, nb = 0;
                for (int j = 0; j < a.length; j++) {
                    dot += a[j] * b[j];
                    na += a[j] * a[j];
                    nb += b[j] * b[j];
                }
                cos[i] = dot / Math.sqrt(na * nb);
            }
            double want = new SpearmansCorrelation().correlation(cos, p.gold());
            double got = report.result(model.toString(), "stsb-fixture").evaluation()
                    .of(io.anglespark.model.metrics.Similarity.COSINE).spearman().value();
            assertEquals(want, got, 1e-6, model.toString());
        }
        assertNotEquals(json.get("results").get(0).get("metrics").get("cosine").get("spearman").asDouble(),
                json.get("results").get(4).get("metrics").get("cosine").get("spearman").asDouble(), "two different models, two results");
    }

    @Test
    void markdownShowsTheModelsSideBySideAndEverySetHasAPlot() throws Exception {
        String md = Files.readString(out.resolve("report.md"));
        String header = md.lines().filter(l -> l.startsWith("| set |")).findFirst().orElseThrow();
        assertTrue(header.contains(modelA.toString()) && header.contains(modelB.toString()), header);
        assertTrue(md.contains("| hadoop-test | 4 | 1 |"), md);
        assertTrue(md.contains("(AUC "), md);
        int plots = 0;
        for (EvaluateReport.Result r : report.results()) {
            Path png = out.resolve(r.plot());
            BufferedImage img = ImageIO.read(png.toFile());
            assertNotNull(img, png.toString());
            assertEquals(320, img.getWidth());
            assertEquals(240, img.getHeight());
            assertTrue(md.contains("](" + r.plot() + ")"), r.plot());
            plots++;
        }
        assertEquals(8, plots);
        // Both artifacts are called model.zip: their plot folders still differ.
        assertNotEquals(report.result(modelA.toString(), "sick-crlf").plot(), report.result(modelB.toString(), "sick-crlf").plot());
    }

    @Test
    void theRunManifestRecordsCountsAndAnExistingOutputIsRefused() throws Exception {
        JsonNode run = JSON.readTree(out.resolve("_run.json").toFile());
        assertEquals("evaluate", run.get("job").asText());
        assertEquals(2, run.get("counts").get("stsb-fixture").get("rejected").asLong());
        assertTrue(run.get("timings_s").has("read_sets"));
        long before = Files.getLastModifiedTime(out.resolve("report.json")).toMillis();
        assertThrows(HadoopFs.OutputExistsException.class, () -> EvaluateJob.run(spark, config(out, List.of())));
        assertEquals(before, Files.getLastModifiedTime(out.resolve("report.json")).toMillis());
    }

    @Test
    void aFailedOverwriteRunLeavesThePreviousOutputByteForByte() throws Exception {
        Path previous = dir.resolve("out-previous");
        copyTree(out, previous);
        Map<String, byte[]> before = snapshot(previous);
        Path junk = dir.resolve("runs/junk/model.zip");
        Files.createDirectories(junk.getParent());
        Files.write(junk, "PK\u0003\u0004 not really a zip".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        EvaluateConfig cfg = config(previous, List.of("evaluate.overwrite=true", "evaluate.models=[\"" + modelA + "\", \"" + junk + "\"]"));
        assertThrows(Exception.class, () -> EvaluateJob.run(spark, cfg));
        Map<String, byte[]> after = snapshot(previous);
        assertEquals(before.keySet(), after.keySet());
        before.forEach((k, v) -> assertArrayEquals(v, after.get(k), k));
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(), s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".out-previous.")).toList());
        }
    }

    @Test
    void anOutputFolderHoldingAModelItEvaluatesIsRefusedBeforeAnythingIsTouched() throws Exception {
        Map<String, byte[]> before = snapshot(modelA.getParent());
        EvaluateConfig cfg = config(modelA.getParent(), List.of("evaluate.overwrite=true"));
        OutputFolder.OutputOverlapsInputException e = assertThrows(OutputFolder.OutputOverlapsInputException.class,
                () -> EvaluateJob.run(spark, cfg));
        assertTrue(e.getMessage().contains("contains evaluate.models[0]"), e.getMessage());
        Map<String, byte[]> after = snapshot(modelA.getParent());
        before.forEach((k, v) -> assertArrayEquals(v, after.get(k), k));
    }

    private static Map<String, byte[]> snapshot(Path root) throws java.io.IOException {
        Map<String, byte[]> m = new java.util.TreeMap<>();
        try (java.util.stream.Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                m.put(root.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return m;
    }

    private static void copyTree(Path from, Path to) throws java.io.IOException {
        try (java.util.stream.Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }

    @Test
    void aLoneCrInsideARawCorpusLineIsTextAndLaterLinesKeepTheirNumbers() throws Exception {
        Path f = dir.resolve("cr/sts-cr.tsv");
        Files.createDirectories(f.getParent());
        Files.writeString(f, "main-captions\tMSRvid\t2012test\t0001\t4.0\tA man is\rplaying a flute.\tA man plays the flute.\n"
                + "main-captions\tMSRvid\t2012test\t0002\t1.0\tA dog runs.\tA cat\rsleeps.\r\n"
                + "main-captions\tMSRvid\t2012test\t0003\t9.0\tOut of range.\tBad score.\n");
        EvaluateConfig.SetSpec spec = new EvaluateConfig.SetSpec("cr", EvaluateConfig.Format.STSB, f.toString(), null, null);
        EvalSet set = SetReader.read(spark, spec, HadoopFs.listInputFiles("cr", f.toString(), new Configuration()), 5);
        assertEquals(3, set.rowsRead(), "three lines, three rows");
        assertEquals(2, set.pairs().size());
        assertTrue(set.pairs().texts().contains("A man is\rplaying a flute."), "raw texts are scored as written: " + set.pairs().texts());
        assertTrue(set.pairs().texts().contains("A cat\rsleeps."), "the CR of CRLF is dropped, the lone CR kept");
        assertTrue(set.examples().get(0).location().endsWith("sts-cr.tsv:3"), set.examples().toString());
    }

    @Test
    void aSetThatYieldsNoRowsFailsNamingItBeforeAnyModelIsOpenedUnlessWarn() throws Exception {
        String noTrain = "evaluate.sets=[{name=hadoop-train, format=issue-pairs, path=\"" + dir.resolve("issues/pairs") + "\", split=train}]";
        Path o = dir.resolve("out-empty-set");
        HadoopFs.InputException e = assertThrows(HadoopFs.InputException.class, () -> EvaluateJob.run(spark, config(o, List.of(noTrain))));
        assertTrue(e.getMessage().contains("set 'hadoop-train'") && e.getMessage().contains("split train")
                && e.getMessage().contains("evaluate.empty-input"), e.getMessage());
        assertFalse(Files.exists(o.resolve("report.json")));
        EvaluateReport warned = EvaluateJob.run(spark, config(o, List.of(noTrain, "evaluate.empty-input=warn")));
        assertEquals(0, warned.set("hadoop-train").rowsRead());
    }

    @Test
    void aJunkParquetFileInAPairsSetFailsInOneLineNamingTheFile() throws Exception {
        byte[] junk = new byte[1024];
        new java.util.Random(9).nextBytes(junk);
        Path file = Files.write(Files.createDirectories(dir.resolve("junk-pairs")).resolve("part-0.parquet"), junk);
        EvaluateConfig cfg = config(dir.resolve("out-junk"), List.of("evaluate.sets=[{name=junk, format=pairs, path=\"" + file.getParent() + "\"}]"));
        HadoopFs.InputException e = assertThrows(HadoopFs.InputException.class, () -> EvaluateJob.run(spark, cfg));
        assertTrue(e.getMessage().startsWith("set 'junk': ") && e.getMessage().contains(file.toString()) && !e.getMessage().contains("\n"),
                e.getMessage());
    }

    @Test
    void asTheGateTheJobWritesItsVerdictAndTheReasonsWhyTheChallengerFailed() throws Exception {
        Path lenient = dir.resolve("gate-lenient");
        EvaluateReport passed = EvaluateJob.run(spark, config(lenient, List.of("evaluate.gate.enabled=true", "evaluate.gate.min-gain=-100",
                "evaluate.gate.max-loss=100", "evaluate.plots.enabled=false")));
        assertTrue(passed.gate().passed(), passed.gate().reasons().toString());
        JsonNode gate = JSON.readTree(lenient.resolve(EvaluateJob.GATE_FILE).toFile());
        assertTrue(gate.get("passed").asBoolean());
        assertEquals(modelB.toString(), gate.get("rule").get("challenger").asText(), "the last model challenges the first");
        assertEquals(4, gate.get("checks").size());
        assertTrue(JSON.readTree(lenient.resolve("_run.json").toFile()).get("gate").get("passed").asBoolean());

        Path strict = dir.resolve("gate-strict");
        EvaluateReport failed = EvaluateJob.run(spark, config(strict, List.of("evaluate.gate.enabled=true", "evaluate.gate.min-gain=100",
                "evaluate.gate.primary=prepared-stsb-test", "evaluate.plots.enabled=false")));
        assertFalse(failed.gate().passed());
        assertTrue(failed.gate().reasons().get(0).startsWith("prepared-stsb-test (primary): challenger "), failed.gate().reasons().toString());
        String md = Files.readString(strict.resolve("report.md"));
        assertTrue(md.contains("## Gate: not passed") && md.contains("| prepared-stsb-test (primary) |"), md);
        assertFalse(JSON.readTree(strict.resolve(EvaluateJob.GATE_FILE).toFile()).get("passed").asBoolean());
        assertFalse(Files.exists(out.resolve(EvaluateJob.GATE_FILE)), "no gate, no gate.json");
    }

    @Test
    void aMissingModelFailsBeforeAnyOutputIsWritten() throws Exception {
        Path o = dir.resolve("out-missing-model");
        EvaluateConfig cfg = config(o, List.of("evaluate.models=[\"" + dir.resolve("no/such/model.zip") + "\"]"));
        HadoopFs.InputException e = assertThrows(HadoopFs.InputException.class, () -> EvaluateJob.run(spark, cfg));
        assertTrue(e.getMessage().contains("no/such/model.zip"), e.getMessage());
        assertFalse(Files.exists(o));
    }

    @Test
    void aTrainedModelOfAnUnregisteredEncoderOnOnnxRuntimeFailsNamingTheModelAndTheWayOut() throws Exception {
        // The tiny artifacts have no source ONNX file to run on ONNX Runtime: they must be exported first.
        EvaluateConfig cfg = config(dir.resolve("out-ort-tiny"), List.of("evaluate.encoder.engine=onnxruntime"));
        HadoopFs.InputException e = assertThrows(HadoopFs.InputException.class, () -> EvaluateJob.run(spark, cfg));
        assertTrue(e.getMessage().contains(modelA.toString()) && e.getMessage().contains("onnxruntime")
                && e.getMessage().contains("export"), e.getMessage());
    }
}
