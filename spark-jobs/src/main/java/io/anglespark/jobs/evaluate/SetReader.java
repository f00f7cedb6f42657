package io.anglespark.jobs.evaluate;

import io.anglespark.jobs.common.HadoopFs;
import io.anglespark.jobs.common.ParquetInputs;
import io.anglespark.model.metrics.ScoredPairs;
import io.anglespark.prep.read.InputFormat;
import io.anglespark.prep.read.RecordReader;
import io.anglespark.prep.read.SemEvalStsFormat;
import io.anglespark.prep.read.SickFormat;
import io.anglespark.prep.read.StsBenchmarkFormat;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.apache.spark.sql.functions.col;

/**
 * Reads one evaluation set with Spark (any Hadoop path, parsed on executors) and collects it to the driver, where
 * the job embeds it: evaluation sets are thousands of pairs, not millions. Raw corpora go through data-prep's
 * readers; Parquet pairs are filtered by source and split first.
 */
final class SetReader {
    private SetReader() {
    }

    static EvalSet read(SparkSession spark, EvaluateConfig.SetSpec spec, List<HadoopFs.InputFile> files, int examples) throws IOException {
        String what = "set '" + spec.name() + "'";
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<JavaRDD<EvalRow>> parts = new ArrayList<>();
        if (spec.format().parquet()) {
            parts.add(parquet(spark, spec, files));
        } else {
            for (HadoopFs.InputFile f : files) {
                JavaRDD<EvalRow> rows = lines(sc, spec, f.path());
                if (rows != null) {
                    parts.add(rows);
                }
            }
        }
        List<EvalRow> rows = new ArrayList<>();
        for (JavaRDD<EvalRow> part : parts) {
            rows.addAll(ParquetInputs.action(what, part::collect));
        }
        ScoredPairs.Builder pairs = new ScoredPairs.Builder();
        Map<String, Long> rejected = new TreeMap<>();
        List<EvalSet.Example> quoted = new ArrayList<>();
        for (EvalRow r : rows) {
            if (r.isAccepted()) {
                pairs.add(r.text1(), r.text2(), r.label());
            } else {
                rejected.merge(r.reason().code(), 1L, Long::sum);
                if (quoted.size() < examples) {
                    quoted.add(new EvalSet.Example(r.location(), r.reason().code(), ReadFns.shortDetail(r.detail())));
                }
            }
        }
        return new EvalSet(spec, files.stream().map(HadoopFs.InputFile::path).toList(), rows.size(), pairs.build(), rejected, quoted);
    }

    static InputFormat lineFormat(EvaluateConfig.Format format) {
        return switch (format) {
            case STSB -> new StsBenchmarkFormat();
            case SICK -> new SickFormat();
            case SEMEVAL_STS -> new SemEvalStsFormat();
            case PAIRS, ISSUE_PAIRS -> throw new IllegalArgumentException(format.label() + " is Parquet, not a line format");
        };
    }

    /** A text file's rows in line order (lines cut at LF only, {@link HadoopFs#lines}); null for an empty file of a format with a header. */
    private static JavaRDD<EvalRow> lines(JavaSparkContext sc, EvaluateConfig.SetSpec spec, String file) throws IOException {
        Configuration hadoop = sc.hadoopConfiguration();
        InputFormat format = lineFormat(spec.format());
        String header = null;
        if (format.hasHeader()) {
            header = HadoopFs.firstLine(file, hadoop);
            if (header == null) {
                return null;
            }
        }
        RecordReader reader;
        try {
            reader = format.bind(file, header);
        } catch (IllegalArgumentException e) {
            throw new HadoopFs.InputException("set '" + spec.name() + "': " + e.getMessage(), e);
        }
        boolean skipHeader = format.hasHeader();
        return HadoopFs.lines(sc, file).values()
                .zipWithIndex()
                .filter(t -> !skipHeader || t._2() > 0)
                .map(new ReadFns.ParseLineFn(file, reader));
    }

    private static JavaRDD<EvalRow> parquet(SparkSession spark, EvaluateConfig.SetSpec spec, List<HadoopFs.InputFile> files) {
        String[] paths = files.stream().map(HadoopFs.InputFile::path).toArray(String[]::new);
        Dataset<Row> df = ParquetInputs.read(spark, "set '" + spec.name() + "'", paths);
        Set<String> columns = new HashSet<>(List.of(df.columns()));
        List<String> needed = new ArrayList<>(List.of("text1", "text2", "label"));
        if (spec.sources() != null) {
            needed.add("source");
        }
        if (spec.split() != null) {
            needed.add("split");
        }
        for (String c : needed) {
            if (!columns.contains(c)) {
                throw new HadoopFs.InputException("set '" + spec.name() + "': " + spec.path() + " has no column '" + c + "' (columns: "
                        + new java.util.TreeSet<>(columns) + "); expected the pairs/ output of the prepare or issue-pairs job");
            }
        }
        if (spec.sources() != null) {
            df = df.filter(col("source").isin(spec.sources().toArray()));
        }
        if (spec.split() != null) {
            df = df.filter(col("split").equalTo(spec.split().label()));
        }
        Column[] keep = columns.contains("pair_id")
                ? new Column[]{col("pair_id"), col("text1"), col("text2"), col("label")}
                : new Column[]{col("text1"), col("text2"), col("label")};
        return df.select(keep).javaRDD().map(new ReadFns.ParquetPairFn(spec.path(), spec.format() == EvaluateConfig.Format.ISSUE_PAIRS));
    }
}
