package io.anglespark.jobs.embed;

import io.anglespark.jobs.common.ConfigException;
import io.anglespark.jobs.common.HadoopFs;
import io.anglespark.jobs.common.ParquetInputs;
import io.anglespark.jobs.common.WholeFileRecordsFn;
import io.anglespark.prep.Outcome;
import io.anglespark.prep.Reason;
import io.anglespark.prep.clean.TextPolicy;
import io.anglespark.prep.issues.Rfc4180;
import io.anglespark.prep.read.CsvSyntax;
import io.anglespark.prep.read.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;

import static org.apache.spark.sql.functions.col;

/**
 * Reads the embed job's input into one row per text to embed ({@link #TEXTS}), each with what the reader already
 * knows is wrong with it. How each format keeps the text policy exact (invalid UTF-8 is quarantined, never embedded as
 * U+FFFD; Spark's CSV and JSON readers decode leniently and give no way to tell a U+FFFD they made from one written):
 * <ul>
 *   <li>Parquet: Spark's reader keeps a string's bytes as written (its {@code UTF8String} is not validated), so the id
 *       and text columns are also selected as {@code binary} and checked strictly ({@link EmbedRows#textProblem}).</li>
 *   <li>JSON lines: read as lines of bytes, cut at LF only ({@link HadoopFs#lines}), each decoded strictly before it
 *       is parsed (a line with invalid UTF-8 is one {@code invalid_utf8} row); the id and text values are then checked
 *       for unpaired surrogates (JSON's {@code \}{@code ud800} escapes). Values that are not strings (numbers, objects)
 *       are read as their JSON text, as Spark's reader did; blank lines are no rows.</li>
 *   <li>CSV: read whole per file (quoted fields span lines) by the project's one RFC 4180 parser,
 *       {@link CsvSyntax.Scanner}, with the configured delimiter, over a decoder that escapes each invalid byte
 *       ({@link TextPolicy#escape}): the id and text fields holding an escape are {@code invalid_utf8}. Records end at LF
 *       only (a lone CR is text), as everywhere in the project. A record that does not parse, or has another number of
 *       fields than the header, is one {@code malformed_record} row; blank lines are no rows. With a header, every
 *       file's header must name the same columns.</li>
 * </ul>
 * The {@code where} condition filters rows on the input's columns; a record that could not be parsed has no column
 * values and is kept (quarantined), so no row leaves unaccounted for.
 */
final class EmbedInput {
    /** One text to check and embed: the id as read, the text, the file, the text's column, the bytes of id and text (Parquet), a problem already found. */
    static final StructType TEXTS = new StructType()
            .add("id", DataTypes.StringType, true)
            .add("text", DataTypes.StringType, true)
            .add("file", DataTypes.StringType, false)
            .add("column", DataTypes.StringType, false)
            .add("id_bytes", DataTypes.BinaryType, true)
            .add("text_bytes", DataTypes.BinaryType, true)
            .add("reason", DataTypes.StringType, true)
            .add("detail", DataTypes.StringType, true)
            .add("raw", DataTypes.StringType, true);

    // Columns the CSV and JSON-lines readers add to the input's columns: the file, a problem of the whole record (with
    // its raw text), and a problem of the id (field 0) and of each text column (1..k).
    private static final String FILE = "__embed_file";
    private static final String RECORD_REASON = "__embed_record_reason";
    private static final String RECORD_DETAIL = "__embed_record_detail";
    private static final String RECORD_RAW = "__embed_record_raw";
    private static final String REASON = "__embed_reason_";
    private static final String DETAIL = "__embed_detail_";

    private EmbedInput() {
    }

    static Dataset<Row> read(SparkSession spark, EmbedConfig cfg, List<String> files, Configuration hadoop) throws IOException {
        String id = cfg.idColumn();
        List<String> texts = cfg.textColumns();
        boolean parquet = cfg.format() == EmbedConfig.Format.PARQUET;
        Dataset<Row> df = switch (cfg.format()) {
            case PARQUET -> ParquetInputs.read(spark, "input " + cfg.inputPath(), files.toArray(String[]::new));
            case CSV -> csv(spark, cfg, files, hadoop);
            case JSONL -> jsonLines(spark, cfg, files);
        };
        Set<String> columns = new LinkedHashSet<>(Arrays.asList(df.columns()));
        if (!parquet) {
            columns.removeIf(c -> c.startsWith("__embed_"));
        }
        List<String> needed = new ArrayList<>(List.of(id));
        needed.addAll(texts);
        for (String c : needed) {
            if (!columns.contains(c)) {
                throw new HadoopFs.InputException("input " + cfg.inputPath() + " has no column '" + c + "' (columns: " + columns + "); set "
                        + "embed.input." + (c.equals(id) ? "id-column" : texts.size() > 1 ? "text-columns" : "text-column"));
            }
        }
        if (cfg.where() != null) {
            try {
                Column keep = functions.expr(cfg.where());
                df = df.where(parquet ? keep : keep.or(col(RECORD_REASON).isNotNull()));
            } catch (Exception e) { // Spark's AnalysisException is checked in Java's eyes
                throw new ConfigException("config key 'embed.input.where' = \"" + cfg.where() + "\": not a Spark SQL condition on the input's "
                        + "columns " + columns + ": " + e.getMessage(), e);
            }
        }
        Dataset<Row> out = null;
        for (int k = 0; k < texts.size(); k++) {
            String t = texts.get(k);
            Column rowId = col(quote(id)).cast(DataTypes.StringType);
            if (texts.size() > 1) {
                rowId = functions.concat(rowId, functions.lit("/" + t));
            }
            Column text = col(quote(t)).cast(DataTypes.StringType);
            Dataset<Row> one = parquet
                    ? df.select(rowId.as("id"), text.as("text"), functions.input_file_name().as("file"), functions.lit(t).as("column"),
                            col(quote(id)).cast(DataTypes.StringType).cast(DataTypes.BinaryType).as("id_bytes"),
                            text.cast(DataTypes.BinaryType).as("text_bytes"), nullOf(DataTypes.StringType).as("reason"),
                            nullOf(DataTypes.StringType).as("detail"), nullOf(DataTypes.StringType).as("raw"))
                    : df.select(rowId.as("id"), text.as("text"), col(FILE).as("file"), functions.lit(t).as("column"),
                            nullOf(DataTypes.BinaryType).as("id_bytes"),
                            nullOf(DataTypes.BinaryType).as("text_bytes"),
                            functions.coalesce(col(RECORD_REASON), col(REASON + 0), col(REASON + (k + 1))).as("reason"),
                            functions.coalesce(col(RECORD_DETAIL), col(DETAIL + 0), col(DETAIL + (k + 1))).as("detail"),
                            col(RECORD_RAW).as("raw"));
            out = out == null ? one : out.unionAll(one);
        }
        return out;
    }

    private static Column nullOf(org.apache.spark.sql.types.DataType type) {
        return functions.lit(null).cast(type);
    }

    static String quote(String column) {
        return "`" + column.replace("`", "``") + "`";
    }

    /** The input's columns (all strings) followed by the reader's own columns. */
    private static StructType schema(List<String> columns, int texts) {
        StructType s = new StructType();
        for (String c : columns) {
            s = s.add(c, DataTypes.StringType, true);
        }
        s = s.add(FILE, DataTypes.StringType, false).add(RECORD_REASON, DataTypes.StringType, true)
                .add(RECORD_DETAIL, DataTypes.StringType, true).add(RECORD_RAW, DataTypes.StringType, true);
        for (int j = 0; j <= texts; j++) {
            s = s.add(REASON + j, DataTypes.StringType, true).add(DETAIL + j, DataTypes.StringType, true);
        }
        return s;
    }

    /**
     * Builds one row of the CSV and JSON-lines readers: {@code values} are the input's columns (null for a record that
     * could not be parsed); {@code record} its problem, or else {@code fields} the problems of the id and each text.
     */
    private static Row row(Object[] values, String file, EmbedRows.Problem record, String raw, EmbedRows.Problem[] fields) {
        int n = values.length;
        Object[] r = Arrays.copyOf(values, n + 4 + 2 * fields.length);
        r[n] = file;
        if (record != null) {
            r[n + 1] = record.reason();
            r[n + 2] = record.detail();
            r[n + 3] = raw;
        }
        for (int j = 0; j < fields.length; j++) {
            if (fields[j] != null) {
                r[n + 4 + 2 * j] = fields[j].reason();
                r[n + 5 + 2 * j] = fields[j].detail();
            }
        }
        return RowFactory.create(r);
    }

    // ---- JSON lines

    private static Dataset<Row> jsonLines(SparkSession spark, EmbedConfig cfg, List<String> files) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<String> columns = new ArrayList<>(List.of(cfg.idColumn()));
        columns.addAll(cfg.textColumns());
        List<JavaRDD<Row>> parts = new ArrayList<>();
        for (String f : files) {
            parts.add(HadoopFs.lines(sc, f).flatMap(new JsonLineFn(f, columns, cfg.quarantineRawChars())));
        }
        JavaRDD<Row> rows = parts.size() == 1 ? parts.get(0) : sc.union(parts.toArray(JavaRDD[]::new));
        return spark.createDataFrame(rows, schema(columns, cfg.textColumns().size()));
    }

    /** One line (byte offset, bytes) of a JSON-lines file: no row when blank, else one row with its problems. */
    static final class JsonLineFn implements FlatMapFunction<Tuple2<Long, byte[]>, Row> {
        private final String file;
        private final List<String> columns;
        private final int rawChars;

        JsonLineFn(String file, List<String> columns, int rawChars) {
            this.file = file;
            this.columns = List.copyOf(columns);
            this.rawChars = rawChars;
        }

        @Override
        public Iterator<Row> call(Tuple2<Long, byte[]> line) {
            byte[] bytes = line._2();
            String where = "line at byte " + line._1();
            Object[] values = new Object[columns.size()];
            EmbedRows.Problem[] fields = new EmbedRows.Problem[columns.size()];
            Outcome<String> decoded = TextPolicy.decode(bytes, where);
            if (decoded instanceof Outcome.Rejected<String>) {
                return List.of(row(values, file, EmbedRows.Problem.of(decoded),
                        EmbedRows.clip(io.anglespark.prep.read.Utf8.preview(bytes, rawChars), rawChars), fields)).iterator();
            }
            String text = ((Outcome.Accepted<String>) decoded).value();
            if (line._1() == 0 && text.startsWith("\uFEFF")) {
                text = text.substring(1);
            }
            if (text.isBlank()) {
                return List.<Row>of().iterator();
            }
            Outcome<ObjectNode> parsed = Json.object(text.endsWith("\r") ? text.substring(0, text.length() - 1) : text);
            if (parsed instanceof Outcome.Rejected<ObjectNode> r) {
                return List.of(row(values, file, new EmbedRows.Problem(EmbedRows.MALFORMED, where + ": " + r.rejection().detail()),
                        EmbedRows.clip(text, rawChars), fields)).iterator();
            }
            ObjectNode o = ((Outcome.Accepted<ObjectNode>) parsed).value();
            for (int j = 0; j < columns.size(); j++) {
                String v = value(o.get(columns.get(j)));
                fields[j] = EmbedRows.textProblem(v, null, where + ": " + (j == 0 ? "id" : "text") + " field '" + columns.get(j) + "'");
                values[j] = TextPolicy.displayable(v);
            }
            return List.of(row(values, file, null, null, fields)).iterator();
        }

        /** A member as Spark's JSON reader gives it to a string column: a string's value, null, or the JSON text of anything else. */
        private static String value(JsonNode v) {
            if (v == null || v.isNull()) {
                return null;
            }
            return v.isTextual() ? v.textValue() : v.isValueNode() ? v.asText() : v.toString();
        }
    }

    // ---- CSV

    private static Dataset<Row> csv(SparkSession spark, EmbedConfig cfg, List<String> files, Configuration hadoop) throws IOException {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        char delimiter = cfg.csvDelimiter().charAt(0);
        List<String> columns = null;
        String columnsFrom = null;
        for (String f : files) {
            List<String> first = firstRecord(f, delimiter, hadoop);
            if (first == null) {
                continue;
            }
            List<String> names = cfg.csvHeader() ? safeHeader(first) : generated(first.size());
            if (columns == null) {
                columns = names;
                columnsFrom = f;
            } else if (cfg.csvHeader() && !columns.equals(names)) {
                throw new HadoopFs.InputException("input " + cfg.inputPath() + ": the header of " + f + " names the columns " + names
                        + ", the header of " + columnsFrom + " " + columns + "; every file of one input needs the same columns");
            }
            if (!cfg.csvHeader()) {
                break;
            }
        }
        if (columns == null) { // every file is empty: no rows, with the columns the job needs
            columns = new ArrayList<>(List.of(cfg.idColumn()));
            columns.addAll(cfg.textColumns());
        }
        int idIndex = columns.indexOf(cfg.idColumn());
        int[] textIndex = cfg.textColumns().stream().mapToInt(columns::indexOf).toArray();
        List<JavaRDD<Row>> parts = new ArrayList<>();
        for (String f : files) {
            parts.add(sc.binaryFiles(f, 1).flatMap(new WholeFileRecordsFn<>(new CsvRows(delimiter, cfg.csvHeader(), columns, idIndex,
                    textIndex, cfg.quarantineRawChars()))));
        }
        JavaRDD<Row> rows = parts.size() == 1 ? parts.get(0) : sc.union(parts.toArray(JavaRDD[]::new));
        return spark.createDataFrame(rows, schema(columns, textIndex.length));
    }

    /** The first record of a CSV file that is not a blank line (the header, or the first row); null for a file without one. */
    private static List<String> firstRecord(String file, char delimiter, Configuration hadoop) throws IOException {
        try (Reader r = HadoopFs.openReader(file, hadoop)) {
            CsvSyntax.Scanner s = new CsvSyntax.Scanner(r, delimiter, Rfc4180.DEFAULT_MAX_RECORD_CHARS, 200);
            while (s.advance()) {
                if (s.error() == null) {
                    return s.fields();
                }
                if (s.error().reason() != Reason.BLANK_LINE) {
                    throw new HadoopFs.InputException("input file " + file + " has an unreadable first record (line " + s.line() + "): "
                            + s.error().detail());
                }
            }
            return null;
        }
    }

    /** Header names as Spark's CSV reader makes them unique: an empty name is {@code _c<i>}, a repeated one {@code <name><i>}. */
    static List<String> safeHeader(List<String> header) {
        Set<String> seen = new HashSet<>();
        Set<String> repeated = new HashSet<>();
        for (String h : header) {
            if (!seen.add(h)) {
                repeated.add(h);
            }
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < header.size(); i++) {
            String h = TextPolicy.displayable(header.get(i));
            out.add(h.isEmpty() ? "_c" + i : repeated.contains(header.get(i)) ? h + i : h);
        }
        return out;
    }

    private static List<String> generated(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add("_c" + i);
        }
        return out;
    }

    /** The records of one CSV file (the text escapes invalid bytes) as rows of the input's columns with their problems. */
    static final class CsvRows implements WholeFileRecordsFn.Splitter<Row> {
        private final char delimiter;
        private final boolean header;
        private final List<String> columns;
        private final int idIndex;
        private final int[] textIndex;
        private final int rawChars;

        CsvRows(char delimiter, boolean header, List<String> columns, int idIndex, int[] textIndex, int rawChars) {
            this.delimiter = delimiter;
            this.header = header;
            this.columns = List.copyOf(columns);
            this.idIndex = idIndex;
            this.textIndex = textIndex.clone();
            this.rawChars = rawChars;
        }

        @Override
        public Iterator<Row> records(String file, Reader text) {
            CsvSyntax.Scanner s = new CsvSyntax.Scanner(text, delimiter, Rfc4180.DEFAULT_MAX_RECORD_CHARS, rawChars);
            return new Iterator<>() {
                private boolean headerPending = header;
                private boolean done;
                private Row next;

                @Override
                public boolean hasNext() {
                    while (next == null && !done) {
                        if (!s.advance()) {
                            done = true; // the caller closes the stream now: never read it again
                        } else if (s.error() != null && s.error().reason() == Reason.BLANK_LINE) {
                            continue;
                        } else if (headerPending) {
                            headerPending = false;
                        } else {
                            next = toRow(file, s);
                        }
                    }
                    return next != null;
                }

                @Override
                public Row next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    Row r = next;
                    next = null;
                    return r;
                }
            };
        }

        private Row toRow(String file, CsvSyntax.Scanner s) {
            Object[] values = new Object[columns.size()];
            EmbedRows.Problem[] fields = new EmbedRows.Problem[1 + textIndex.length];
            String line = "line " + s.line();
            if (s.error() != null) {
                String reason = s.error().reason() == Reason.TOO_LONG ? Reason.TOO_LONG.code() : EmbedRows.MALFORMED;
                return row(values, file, new EmbedRows.Problem(reason, line + ": " + s.error().detail()), EmbedRows.clip(s.raw(), rawChars), fields);
            }
            List<String> f = s.fields();
            if (f.size() != columns.size()) {
                return row(values, file, new EmbedRows.Problem(EmbedRows.MALFORMED, line + ": expected " + columns.size() + " fields (as "
                        + (header ? "the header" : "the first record") + "), found " + f.size()), EmbedRows.clip(s.raw(), rawChars), fields);
            }
            for (int i = 0; i < f.size(); i++) {
                values[i] = TextPolicy.displayable(f.get(i));
            }
            fields[0] = invalid(f.get(idIndex), line + ": id column '" + columns.get(idIndex) + "'");
            for (int k = 0; k < textIndex.length; k++) {
                fields[k + 1] = invalid(f.get(textIndex[k]), line + ": text column '" + columns.get(textIndex[k]) + "'");
            }
            return row(values, file, null, null, fields);
        }

        private static EmbedRows.Problem invalid(String field, String name) {
            Outcome<String> o = TextPolicy.checkEscapedBytes(field, name);
            return o.isAccepted() ? null : EmbedRows.Problem.of(o);
        }
    }
}
