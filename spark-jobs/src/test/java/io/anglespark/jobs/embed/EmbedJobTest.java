package io.anglespark.jobs.embed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.anglespark.jobs.TestSpark;
import io.anglespark.jobs.common.ConfigException;
import io.anglespark.jobs.common.HadoopFs;
import io.anglespark.jobs.common.JobConfigs;
import io.anglespark.jobs.common.JobMain;
import io.anglespark.model.BertConfig;
import io.anglespark.model.Pooling;
import io.anglespark.model.PretrainedModel;
import io.anglespark.model.encoder.Encoder;
import io.anglespark.model.encoder.EncoderArtifact;
import io.anglespark.model.encoder.EncoderGraphFactory;
import io.anglespark.model.serve.Engine;
import io.anglespark.model.serve.ModelRef;
import io.anglespark.model.serve.TextEmbedder;
import io.anglespark.prep.SharedData;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The embed job on a tiny random encoder (1 layer, hidden 16, MiniLM's tokenizer) saved as a trained artifact, over
 * a JSON-lines corpus of STS-B sentences with every kind of bad row: a run that fails a task on purpose in its second
 * slice, a rerun, a second rerun, and an appended corpus; a hostile model file fails the job as a one-line user error.
 */
class EmbedJobTest {
    private static final String CONF = SharedData.projectRoot().resolve("conf/embed.conf").toString();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static SparkSession spark;
    @TempDir
    static Path dir;
    private static Path model;

    @BeforeAll
    static void start() throws IOException {
        spark = TestSpark.start("embed-test");
        byte[] tok;
        try (InputStream in = PretrainedModel.MINILM_L6_V2.openTokenizer()) {
            tok = in.readAllBytes();
        }
        BertConfig tiny = new BertConfig(1, 16, 2, 32, 30522, 64, 2, 1e-12);
        Encoder enc = new Encoder("tiny", tiny, Pooling.MEAN, 64, EncoderGraphFactory.build(tiny, Pooling.MEAN, 11), tok);
        model = dir.resolve("tiny.zip");
        EncoderArtifact.save(enc, model.toFile());
    }

    @AfterAll
    static void stop() {
        EngineCache.clear();
        spark.stop();
    }

    static EmbedConfig config(Path input, Path out, String... overrides) {
        List<String> o = new ArrayList<>(List.of("embed.input.path=" + input, "embed.input.format=jsonl", "embed.output=" + out,
                "embed.model=" + model, "embed.max-length=32", "embed.slice-rows=14", "embed.partitions=2", "embed.progress-interval-s=1"));
        o.addAll(List.of(overrides));
        return EmbedConfig.from(JobConfigs.load(CONF, o, new Configuration()));
    }

    /** 40 good ids (two of them share a text, one id repeated with its text), and five bad rows. */
    static List<String> corpus(int from, int n) {
        List<String> lines = new ArrayList<>();
        List<String> sts = SharedData.lines("stsbenchmark/sts-test.csv");
        for (int i = from; i < from + n; i++) {
            lines.add(json("id-" + i, sts.get(i).split("\t")[5]));
        }
        return lines;
    }

    static String json(String id, String text) {
        return JSON.createObjectNode().put("id", id).put("text", text).toString();
    }

    static Map<String, float[]> rows(Path out) {
        Map<String, float[]> m = new HashMap<>();
        for (Row r : spark.read().parquet(out.resolve(EmbedJob.EMBEDDINGS).toString()).collectAsList()) {
            float[] v = new float[r.getList(4).size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (Float) r.getList(4).get(i);
            }
            assertTrue(m.put(r.getString(0), v) == null, "one row per id: " + r.getString(0) + " appears twice");
            assertEquals(EmbedRows.sha256(textOf(r.getString(0))), r.getString(1), "text_sha256 of " + r.getString(0));
            assertEquals(16, r.getInt(3));
        }
        return m;
    }

    private static final Map<String, String> TEXTS = new HashMap<>();

    static String textOf(String id) {
        return TEXTS.get(id);
    }

    static long dataFiles(Path out) throws IOException {
        try (Stream<Path> s = Files.list(out.resolve(EmbedJob.EMBEDDINGS))) {
            return s.filter(p -> p.getFileName().toString().endsWith(".parquet")).count();
        }
    }

    @Test
    void aRunFailedMidwayThenRerunHoldsOneRowPerIdAndASecondRerunWritesNothing() throws IOException {
        List<String> lines = corpus(0, 38);
        lines.add(json("same-text-a", "A shared sentence, embedded once."));
        lines.add(json("same-text-b", "A shared sentence, embedded once."));
        lines.add(lines.get(3)); // id-3 again with its own text: merged
        lines.add(json("conflict", "one text"));
        lines.add(json("conflict", "another text"));
        lines.add("{\"id\": \"no-text\"}");
        lines.add(json("", "a text without an id"));
        lines.add("{\"id\": \"broken\", \"text\": ");
        for (String l : lines) {
            JsonNode n;
            try {
                n = JSON.readTree(l);
            } catch (IOException e) {
                continue;
            }
            if (n.hasNonNull("id") && n.hasNonNull("text")) {
                TEXTS.put(n.get("id").asText(), n.get("text").asText());
            }
        }
        Path input = dir.resolve("corpus.jsonl");
        Files.write(input, lines, StandardCharsets.UTF_8);
        Path out = dir.resolve("out");

        // 40 ids in 3 slices: the run dies in slice 1, after committing slice 0
        Exception crash = assertThrows(Exception.class, () -> EmbedJob.run(spark, config(input, out, "embed.testing.fail-in-slice=1")));
        assertTrue(String.valueOf(crash.getMessage()).contains("fail-in-slice") || String.valueOf(crash.getCause()).contains("fail-in-slice"),
                String.valueOf(crash));
        Map<String, float[]> committed = rows(out);
        int partial = committed.size();
        assertTrue(partial > 0 && partial < 40, "some slices committed before the failure: " + partial);

        // groups of one text per forward pass: the two ids of one text still meet in one group
        EmbedReport second = EmbedJob.run(spark, config(input, out, "embed.bucket-texts=1"));
        Map<String, float[]> all = rows(out);
        assertEquals(40, all.size(), "one row per good id");
        assertEquals(lines.size(), second.read());
        assertEquals(Map.of(EmbedRows.MALFORMED, 1L, EmbedRows.MISSING_ID, 1L, EmbedRows.MISSING_TEXT, 1L, EmbedRows.DUPLICATE_ID_CONFLICT, 2L),
                second.quarantined());
        assertEquals(1, second.duplicatesMerged());
        assertEquals(partial, second.alreadyPresent(), "the committed slices were not embedded again");
        assertEquals(40 - partial, second.written());
        assertArrayEquals(all.get("same-text-a"), all.get("same-text-b"), "two ids, one text, one vector");
        Set<String> fresh = new TreeSet<>();
        all.keySet().stream().filter(id -> !committed.containsKey(id)).forEach(id -> fresh.add(textOf(id)));
        committed.keySet().forEach(id -> fresh.remove(textOf(id)));
        assertTrue(fresh.size() < second.written(), "the corpus repeats a text: " + fresh.size() + " texts, " + second.written() + " ids");
        assertEquals(fresh.size(), second.embeddedTexts(), "each new text embedded once, a committed one reused");
        long quarantineRows = spark.read().parquet(out.resolve(EmbedJob.QUARANTINE_DIR).toString()).count();
        assertEquals(5, quarantineRows);
        JsonNode manifest = JSON.readTree(out.resolve("_run.json").toFile());
        assertEquals(40 - partial, manifest.path("counts").path("written").asLong());
        assertTrue(manifest.path("model").path("model_id").asText().startsWith("tiny@"), manifest.path("model").toString());

        // the stored vectors are the model's, for the right ids
        ModelRef.Loaded direct = ModelRef.parse(model.toString()).load(Engine.DL4J, null, 0);
        EmbedConfig cfg = config(input, out);
        float[][] want = new TextEmbedder(direct.engine(), cfg.policy(), 4, true).embed(List.of(textOf("id-5"), textOf("id-30")));
        assertArrayEquals(want[0], all.get("id-5"), 1e-5f);
        assertArrayEquals(want[1], all.get("id-30"), 1e-5f);
        assertEquals(direct.modelId(), second.modelId());

        // a second rerun writes nothing
        long files = dataFiles(out);
        EmbedReport third = EmbedJob.run(spark, config(input, out));
        assertEquals(0, third.written());
        assertEquals(0, third.embeddedTexts());
        assertEquals(40, third.alreadyPresent());
        assertEquals(files, dataFiles(out));

        // an appended corpus: only the new ids are written; a known text reuses its stored vector
        List<String> more = new ArrayList<>(lines);
        more.addAll(corpus(100, 3));
        more.add(json("same-text-c", "A shared sentence, embedded once."));
        for (int i = 100; i < 103; i++) {
            TEXTS.put("id-" + i, SharedData.lines("stsbenchmark/sts-test.csv").get(i).split("\t")[5]);
        }
        TEXTS.put("same-text-c", "A shared sentence, embedded once.");
        Files.write(input, more, StandardCharsets.UTF_8);
        EmbedReport fourth = EmbedJob.run(spark, config(input, out));
        assertEquals(4, fourth.written());
        assertEquals(1, fourth.reused());
        assertEquals(3, fourth.embeddedTexts());
        Map<String, float[]> after = rows(out);
        assertEquals(44, after.size());
        assertArrayEquals(all.get("same-text-a"), after.get("same-text-c"));
    }

    /** The encodings of the output's Parquet column chunks, by column path. */
    private static Map<String, Set<Encoding>> encodings(Path out) throws IOException {
        Map<String, Set<Encoding>> m = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(out.resolve("embeddings"))) {
            files = walk.filter(p -> p.toString().endsWith(".parquet")).toList();
        }
        for (Path f : files) {
            try (ParquetFileReader r = ParquetFileReader.open(HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(f.toUri()), new Configuration()))) {
                for (BlockMetaData b : r.getFooter().getBlocks()) {
                    for (ColumnChunkMetaData c : b.getColumns()) {
                        m.computeIfAbsent(c.getPath().toDotString(), k -> new TreeSet<>()).addAll(c.getEncodings());
                    }
                }
            }
        }
        return m;
    }

    @Test
    void aFolderThatIsNotAnEmbedOutputIsRefusedAndBadSettingsNameTheirKey() throws IOException {
        Path input = dir.resolve("small.jsonl");
        Files.write(input, corpus(0, 3), StandardCharsets.UTF_8);
        Path other = Files.createDirectories(dir.resolve("not-embed"));
        Files.writeString(other.resolve("x.txt"), "x");
        Exception e = assertThrows(IllegalStateException.class, () -> EmbedJob.run(spark, config(input, other)));
        assertTrue(e.getMessage().contains("not an embed output"), e.getMessage());
        assertTrue(assertThrows(ConfigException.class, () -> config(input, other, "embed.engine=tensorflow")).getMessage()
                .contains("embed.engine"));
        assertTrue(assertThrows(ConfigException.class, () -> config(input, other, "embed.long-text.mode=chunk", "embed.long-text.stride=31"))
                .getMessage().contains("embed.long-text.stride"));
        assertTrue(assertThrows(ConfigException.class, () -> config(input, other, "embed.batchsize=3")).getMessage()
                .contains("did you mean 'embed.batch-size'"));
    }

    @Test
    void aRerunWithOtherLongTextOrNormaliseSettingsIsRefusedAndTheOutputIsLeftAsItWas() throws IOException {
        Path input = dir.resolve("settings.jsonl");
        Files.write(input, corpus(100, 6), StandardCharsets.UTF_8);
        Path out = dir.resolve("out-settings");
        EmbedJob.run(spark, config(input, out));
        // the vectors are written without a dictionary (unique floats), the constant model id with one
        Map<String, Set<Encoding>> encodings = encodings(out);
        assertTrue(encodings.get("embedding.list.element").stream().noneMatch(Encoding::usesDictionary), encodings.toString());
        assertTrue(encodings.get("model_id").stream().anyMatch(Encoding::usesDictionary), encodings.toString());
        for (int i = 100; i < 108; i++) {
            TEXTS.put("id-" + i, SharedData.lines("stsbenchmark/sts-test.csv").get(i).split("\t")[5]);
        }
        Map<String, float[]> before = rows(out);
        assertEquals(6, before.size());
        String record = Files.readString(out.resolve(VectorSettings.FILE));

        Files.write(input, corpus(100, 8), StandardCharsets.UTF_8);
        ConfigException shorter = assertThrows(ConfigException.class, () -> EmbedJob.run(spark, config(input, out, "embed.max-length=16")));
        assertTrue(shorter.getMessage().contains("truncate(max 32 tokens)") && shorter.getMessage().contains("truncate(max 16 tokens)")
                && shorter.getMessage().contains("embed.max-length"), shorter.getMessage());
        ConfigException raw = assertThrows(ConfigException.class, () -> EmbedJob.run(spark, config(input, out, "embed.normalize=false")));
        assertTrue(raw.getMessage().contains("not normalised"), raw.getMessage());
        assertEquals(before.keySet(), rows(out).keySet(), "nothing written by the refused runs");
        assertEquals(record, Files.readString(out.resolve(VectorSettings.FILE)));

        EmbedReport same = EmbedJob.run(spark, config(input, out));
        assertEquals(2, same.written(), "the same settings continue the output");
    }

    @Test
    void csvAndParquetInputsGiveTheRowsOfJsonLinesAndAMissingColumnIsNamed() throws IOException {
        List<String[]> rows = List.of(new String[]{"1", "A plain sentence."}, new String[]{"2", "A text, with a comma\nand a line break."},
                new String[]{"3", "He said \"hi\"."});
        Path jsonl = dir.resolve("fmt.jsonl");
        Files.write(jsonl, rows.stream().map(r -> json(r[0], r[1])).toList(), StandardCharsets.UTF_8);
        StringBuilder csv = new StringBuilder("text,id\n");
        for (String[] r : rows) {
            csv.append('"').append(r[1].replace("\"", "\"\"")).append("\",").append(r[0]).append('\n');
        }
        Path csvFile = dir.resolve("fmt.csv");
        Files.writeString(csvFile, csv.toString());
        Path parquet = dir.resolve("fmt.parquet");
        spark.read().json(jsonl.toString()).write().parquet(parquet.toString());

        Map<String, float[]> fromJson = vectors(EmbedJob.run(spark, config(jsonl, dir.resolve("fmt-json"))).output());
        Map<String, float[]> fromCsv = vectors(EmbedJob.run(spark, config(csvFile, dir.resolve("fmt-csv"), "embed.input.format=csv")).output());
        Map<String, float[]> fromParquet = vectors(EmbedJob.run(spark, config(parquet, dir.resolve("fmt-parquet"), "embed.input.format=parquet"))
                .output());
        assertEquals(3, fromJson.size());
        for (String id : fromJson.keySet()) {
            assertArrayEquals(fromJson.get(id), fromCsv.get(id), "csv " + id);
            assertArrayEquals(fromJson.get(id), fromParquet.get(id), "parquet " + id);
        }
        Exception e = assertThrows(Exception.class, () -> EmbedJob.run(spark, config(csvFile, dir.resolve("fmt-bad"), "embed.input.format=csv",
                "embed.input.text-column=body")));
        assertTrue(e.getMessage().contains("'body'") && e.getMessage().contains("embed.input.text-column"), e.getMessage());
    }

    @Test
    void bothTextsOfSelectedPairsAreEmbeddedUnderTheirPairIdAndColumn() throws IOException {
        Path pairs = dir.resolve("pairs.jsonl");
        Files.write(pairs, List.of(
                "{\"pair_id\":\"p1\",\"text1\":\"A man is playing a guitar.\",\"text2\":\"A man plays the guitar.\",\"split\":\"test\"}",
                "{\"pair_id\":\"p2\",\"text1\":\"A dog runs.\",\"text2\":\"A cat sleeps.\",\"split\":\"train\"}",
                "{\"pair_id\":\"p3\",\"text1\":\"A woman slices an onion.\",\"text2\":\"A man is playing a guitar.\",\"split\":\"test\"}"),
                StandardCharsets.UTF_8);
        Path parquet = dir.resolve("pairs.parquet");
        spark.read().json(pairs.toString()).write().parquet(parquet.toString());
        EmbedReport r = EmbedJob.run(spark, config(parquet, dir.resolve("pairs-out"), "embed.input.format=parquet",
                "embed.input.id-column=pair_id", "embed.input.text-columns=[text1, text2]", "embed.input.where=\"split = 'test'\""));
        Map<String, float[]> v = vectors(r.output());
        assertEquals(java.util.Set.of("p1/text1", "p1/text2", "p3/text1", "p3/text2"), v.keySet(), "two texts per selected pair, none of p2");
        assertArrayEquals(v.get("p1/text1"), v.get("p3/text2"), "one text, one vector, whichever pair it came from");
        assertTrue(assertThrows(ConfigException.class, () -> EmbedJob.run(spark, config(parquet, dir.resolve("pairs-bad"),
                "embed.input.format=parquet", "embed.input.id-column=pair_id", "embed.input.text-columns=[text1, text2]",
                "embed.input.where=\"no_such_column = 1\""))).getMessage().contains("embed.input.where"));
    }

    @Test
    void invalidUtf8AndUnpairedSurrogatesAreQuarantinedInEveryFormatWhileAWrittenReplacementCharacterIsEmbedded() throws IOException {
        byte[] bad = {(byte) 0xC3, '('};
        java.io.ByteArrayOutputStream csv = new java.io.ByteArrayOutputStream();
        csv.writeBytes("id,text\n1,A plain sentence.\n2,bad ".getBytes(StandardCharsets.UTF_8));
        csv.writeBytes(bad);                                                                                  // line 3: text
        csv.writeBytes(" byte\n3,\"quoted ".getBytes(StandardCharsets.UTF_8));
        csv.write(0xFF);                                                                                      // line 4: text
        csv.writeBytes(" inside\"\n4,a lone\rCR stays in its row\r\n".getBytes(StandardCharsets.UTF_8));        // line 5
        csv.writeBytes(bad);                                                                                  // line 6: id
        csv.writeBytes("5,the id is bad\n6,a written \uFFFD is a character\n7,\"never closed\n".getBytes(StandardCharsets.UTF_8));
        Path csvFile = Files.write(dir.resolve("policy.csv"), csv.toByteArray());
        EmbedReport c = EmbedJob.run(spark, config(csvFile, dir.resolve("policy-csv"), "embed.input.format=csv"));
        assertEquals(7, c.read(), "seven records: the lone CR splits none");
        assertEquals(Map.of(EmbedRows.INVALID_UTF8, 3L, EmbedRows.MALFORMED, 1L), c.quarantined());
        assertEquals(java.util.Set.of("1", "4", "6"), vectors(c.output()).keySet());
        Map<String, String> csvDetails = details(c.output());
        assertEquals("line 3: text column 'text': invalid UTF-8 byte 0xC3 at character 5", csvDetails.get("2"));
        assertEquals("line 4: text column 'text': invalid UTF-8 byte 0xFF at character 8", csvDetails.get("3"));
        assertTrue(csvDetails.values().contains("line 6: id column 'id': invalid UTF-8 byte 0xC3 at character 1"), csvDetails.toString());
        assertEquals(EmbedRows.sha256("a written \uFFFD is a character"), sha(c.output(), "6"), "embedded as written");
        assertEquals(EmbedRows.sha256("a lone\rCR stays in its row"), sha(c.output(), "4"), "CRLF's CR dropped, the lone CR kept");

        java.io.ByteArrayOutputStream jsonl = new java.io.ByteArrayOutputStream();
        jsonl.writeBytes((json("1", "fine") + "\n{\"id\":\"2\",\"text\":\"bad ").getBytes(StandardCharsets.UTF_8));
        jsonl.write(0xFF);                                                                                    // line at byte 25, offset 22
        jsonl.writeBytes(("\"}\n{\"id\":\"3\",\"text\":\"half \\ud800 a pair\"}\n{\"id\":\"4\",\"text\":\"an escaped \\ufffd\"}\n"
                + json("5", "a written \uFFFD") + "\n\n{\"id\":\"6\",\"text\":\"raw\rCR\"}\r\n").getBytes(StandardCharsets.UTF_8));
        Path jsonFile = Files.write(dir.resolve("policy.jsonl"), jsonl.toByteArray());
        EmbedReport j = EmbedJob.run(spark, config(jsonFile, dir.resolve("policy-jsonl")));
        assertEquals(6, j.read(), "six records: the blank line is none, the raw CR splits none");
        assertEquals(Map.of(EmbedRows.INVALID_UTF8, 1L, EmbedRows.UNPAIRED_SURROGATE, 1L, EmbedRows.MALFORMED, 1L), j.quarantined());
        assertEquals(java.util.Set.of("1", "4", "5"), vectors(j.output()).keySet());
        Map<String, String> jsonDetails = details(j.output());
        assertTrue(allDetails(j.output()).containsAll(List.of("line at byte 25: invalid UTF-8 byte 0xFF at byte offset 22",
                "line at byte 163: not valid JSON at column 23: 'Illegal unquoted character ((CTRL-CHAR, code 13)): has to be escaped using ba...'")),
                allDetails(j.output()).toString());
        assertEquals("line at byte 51: text field 'text' has an unpaired surrogate U+D800 at character 6", jsonDetails.get("3"));

        StructType bytes = new StructType().add("id", DataTypes.StringType).add("b", DataTypes.BinaryType);
        Path parquet = dir.resolve("policy.parquet");
        spark.createDataFrame(List.of(RowFactory.create("1", "fine".getBytes(StandardCharsets.UTF_8)),
                        RowFactory.create("2", new byte[]{'x', (byte) 0xC3, '('}),
                        RowFactory.create("3", "a written \uFFFD".getBytes(StandardCharsets.UTF_8))), bytes)
                .select(functions.col("id"), functions.col("b").cast(DataTypes.StringType).as("text")).coalesce(1).write().parquet(parquet.toString());
        EmbedReport p = EmbedJob.run(spark, config(parquet, dir.resolve("policy-parquet"), "embed.input.format=parquet"));
        assertEquals(3, p.read());
        assertEquals(Map.of(EmbedRows.INVALID_UTF8, 1L), p.quarantined());
        assertEquals(java.util.Set.of("1", "3"), vectors(p.output()).keySet());
        assertEquals("text column 'text': invalid UTF-8 byte 0xC3 at byte offset 1", details(p.output()).get("2"));
        for (EmbedReport r : List.of(c, j, p)) {
            assertEquals(r.read(), r.uniqueIds() + r.duplicatesMerged() + r.quarantinedTotal(), "the counts add up");
            assertEquals(r.quarantinedTotal(), spark.read().parquet(r.output() + "/" + EmbedJob.QUARANTINE_DIR).count());
        }
    }

    @Test
    void anEmptyInputFailsNamingItUnlessWarnAndAJunkParquetFileFailsInOneLineNamingIt() throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.csv"), "id,text\n");
        HadoopFs.InputException e = assertThrows(HadoopFs.InputException.class,
                () -> EmbedJob.run(spark, config(empty, dir.resolve("empty-out"), "embed.input.format=csv")));
        assertTrue(e.getMessage().contains(empty.toString()) && e.getMessage().contains("embed.empty-input"), e.getMessage());
        assertTrue(!Files.exists(dir.resolve("empty-out").resolve(EmbedJob.EMBEDDINGS)), "nothing written");
        EmbedReport warned = EmbedJob.run(spark, config(empty, dir.resolve("empty-out"), "embed.input.format=csv", "embed.empty-input=warn"));
        assertEquals(0, warned.read());
        assertEquals(0, warned.written());

        byte[] junk = new byte[1500];
        new java.util.Random(5).nextBytes(junk);
        Path file = Files.write(Files.createDirectories(dir.resolve("junk")).resolve("part-0.parquet"), junk);
        HadoopFs.InputException j = assertThrows(HadoopFs.InputException.class,
                () -> EmbedJob.run(spark, config(dir.resolve("junk"), dir.resolve("junk-out"), "embed.input.format=parquet")));
        assertTrue(j.getMessage().contains(file.toString()) && j.getMessage().contains("is not a readable Parquet file")
                && !j.getMessage().contains("\n"), j.getMessage());
    }

    static List<String> allDetails(String out) {
        return spark.read().parquet(out + "/" + EmbedJob.QUARANTINE_DIR).select("detail").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    }

    /** The quarantine's details by id (for rows that have one). */
    static Map<String, String> details(String out) {
        Map<String, String> m = new HashMap<>();
        for (Row r : spark.read().parquet(out + "/" + EmbedJob.QUARANTINE_DIR).collectAsList()) {
            m.put(r.getString(1), r.getString(3));
        }
        return m;
    }

    static String sha(String out, String id) {
        return spark.read().parquet(out + "/" + EmbedJob.EMBEDDINGS).filter(functions.col("id").equalTo(id)).first().getString(1);
    }

    static Map<String, float[]> vectors(String out) {
        Map<String, float[]> m = new HashMap<>();
        for (Row r : spark.read().parquet(out + "/" + EmbedJob.EMBEDDINGS).collectAsList()) {
            float[] v = new float[r.getList(4).size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (Float) r.getList(4).get(i);
            }
            m.put(r.getString(0), v);
        }
        return m;
    }

    @Test
    void aHostileModelFileFailsTheJobAsAUserErrorOfOneLineNamingItBeforeAnythingIsWritten() throws IOException {
        // the job's model plus a Java-serialised entry, which DL4J's ModelSerializer would deserialise
        Path hostile = dir.resolve("hostile.zip");
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(model));
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(hostile))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                out.putNextEntry(new ZipEntry(e.getName()));
                in.transferTo(out);
                out.closeEntry();
            }
            out.putNextEntry(new ZipEntry("preprocessor.bin"));
            ObjectOutputStream o = new ObjectOutputStream(out);
            o.writeObject(new ArrayList<>(List.of("anything serialisable")));
            o.flush();
            out.closeEntry();
        }
        Path input = dir.resolve("hostile-input.jsonl");
        Files.write(input, corpus(0, 3), StandardCharsets.UTF_8);
        Path out = dir.resolve("hostile-out");
        EmbedConfig cfg = config(input, out, "embed.model=" + hostile);

        StringWriter err = new StringWriter();
        int rc = JobMain.execute("embed", new RunEmbed(cfg), new String[0], new PrintWriter(err, true));
        String printed = err.toString().strip();
        assertEquals(2, rc, printed);
        assertEquals(1, printed.lines().count(), "one line, no stack trace: " + printed);
        assertTrue(printed.startsWith("embed: model file " + hostile + ": entry 'preprocessor.bin' is not part of an encoder artifact"),
                printed);
        assertFalse(Files.exists(out), "nothing written");
    }

    /** The embed job on {@code cfg} in the test's session, as a picocli command for {@link JobMain}. */
    @CommandLine.Command(name = "embed-test")
    static final class RunEmbed implements Callable<Integer> {
        private final EmbedConfig cfg;

        RunEmbed(EmbedConfig cfg) {
            this.cfg = cfg;
        }

        @Override
        public Integer call() throws IOException {
            EmbedJob.run(spark, cfg);
            return 0;
        }
    }
}
