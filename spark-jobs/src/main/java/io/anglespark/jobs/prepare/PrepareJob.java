package io.anglespark.jobs.prepare;

import io.anglespark.jobs.common.Outputs;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anglespark.jobs.common.Accounting;
import io.anglespark.jobs.common.HadoopFs;
import io.anglespark.jobs.common.JobCli;
import io.anglespark.jobs.common.JobConfigs;
import io.anglespark.jobs.common.JobMain;
import io.anglespark.jobs.common.OutputFolder;
import io.anglespark.jobs.common.ParquetInputs;
import io.anglespark.jobs.common.ParquetOut;
import io.anglespark.jobs.common.RunManifest;
import io.anglespark.jobs.common.SparkSessions;
import io.anglespark.prep.Example;
import io.anglespark.prep.Reason;
import io.anglespark.prep.RowRef;
import io.anglespark.prep.ScoreRange;
import io.anglespark.prep.Split;
import io.anglespark.prep.account.Fate;
import io.anglespark.prep.account.Ledger;
import io.anglespark.prep.clean.ExampleCleaner;
import io.anglespark.prep.clean.TextCleaner;
import io.anglespark.prep.pair.DuplicateResolver;
import io.anglespark.prep.read.InputFormat;
import io.anglespark.prep.read.RecordReader;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import scala.Tuple2;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * Prepares training and evaluation sets from the configured corpora.
 *
 * <pre>
 * read (per file, lines cut at LF only, strict UTF-8, line numbers) -> reader -> cleaner (text policy) -> split
 *   -> rejected rows ........................................ quarantine
 *   -> scored + NLI rows -> (source, split, pair) groups -> duplicate policy -> dev/test overlap -> pairs
 *   -> NLI rows -> (source, split, premise) groups -> triplets
 *   -> format B / C rows -> exact-duplicate removal -> positives / triplets
 * every row's fate -> ledger: rows read == written + quarantined + dropped, per input, or the job fails
 * an input with no rows fails the run naming it (prepare.empty-input = fail), or is warned about (warn)
 * </pre>
 *
 * {@link #main} parses the command line and configuration; {@link #run} does the work and is what tests call.
 */
@Command(name = "prepare", mixinStandardHelpOptions = false, sortOptions = false,
        description = "Reads STS/NLI corpora and user data, cleans, pairs and de-duplicates them, and writes "
                + "Parquet pairs, triplets and a quarantine with a _run.json.")
public final class PrepareJob implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(PrepareJob.class);

    @CommandLine.Mixin
    JobCli cli = new JobCli();

    public static void main(String[] args) throws SparkException {
        JobMain.main("prepare", new PrepareJob(), args);
    }

    @Override
    public Integer call() throws IOException {
        PrepareConfig config = PrepareConfig.from(JobConfigs.load(cli.configFile("prepare"), cli.overrides(PrepareConfig.ROOT), HadoopFs.driverConfiguration()));
        PrepareReport report = SparkSessions.runAndStop("angle-spark prepare", spark -> run(spark, config));
        LOG.info("prepare finished: {} (pairs {}, triplets {}, quarantined {})", report.output(),
                sum(report.pairs()), sum(report.triplets()), report.quarantined());
        return 0;
    }

    public static PrepareReport run(SparkSession spark, PrepareConfig cfg) throws IOException {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Configuration hadoop = sc.hadoopConfiguration();
        SparkSessions.attachProgress(spark, cfg.progressIntervalSeconds());
        RunManifest manifest = new RunManifest("prepare", spark, cfg);

        // Inputs first: a missing or unreadable path fails before any work or any write.
        Map<String, List<HadoopFs.InputFile>> files = new TreeMap<>();
        for (InputSpec in : cfg.inputs()) {
            files.put(in.name(), HadoopFs.listInputFiles(in.name(), in.path(), hadoop));
        }
        OutputFolder output = OutputFolder.staged(cfg.output(), cfg.overwrite(), PrepareConfig.ROOT + ".overwrite", cfg.readPaths(), hadoop);
        manifest.root().set("inputs", inputsJson(manifest, cfg, files));
        manifest.stage("list_inputs");

        ExampleCleaner cleaner = new ExampleCleaner(new TextCleaner(cfg.cleaning()));
        Set<String> multiFile = new HashSet<>();
        files.forEach((name, list) -> {
            if (list.size() > 1) {
                multiFile.add(name);
            }
        });

        // ---- read, parse, clean, assign splits
        List<JavaRDD<ReadRow>> parts = new ArrayList<>();
        for (InputSpec in : cfg.inputs()) {
            for (HadoopFs.InputFile f : files.get(in.name())) {
                JavaRDD<ReadRow> rdd = readFile(spark, sc, hadoop, in, f.path(), cleaner, cfg);
                if (rdd != null) {
                    parts.add(rdd);
                }
            }
        }
        JavaRDD<ReadRow> rows = (parts.isEmpty() ? sc.<ReadRow>emptyRDD() : union(parts, JavaRDD::union))
                .persist(StorageLevel.MEMORY_AND_DISK());
        Ledger ledger = new Ledger();
        cfg.inputs().forEach(in -> ledger.addRead(in.name(), 0));
        ParquetInputs.action("prepare input", () -> rows.map(r -> r.ref().input()).countByValue()).forEach(ledger::addRead);
        for (InputSpec in : cfg.inputs()) {
            cfg.emptyInput().check("input '" + in.name() + "' (" + in.path() + ")", ledger.read(in.name()),
                    PrepareConfig.ROOT + ".empty-input", LOG);
        }
        long totalRead = cfg.inputs().stream().mapToLong(in -> ledger.read(in.name())).sum();
        double readSeconds = manifest.stage("read");
        LOG.info("read {} rows from {} inputs in {}s ({} rows/s)", totalRead, cfg.inputs().size(),
                Math.round(readSeconds), Math.round(totalRead / Math.max(readSeconds, 1e-3)));

        List<JavaPairRDD<RowRef, Fate>> fateParts = new ArrayList<>();
        JavaRDD<ReadRow> rejected = rows.filter(r -> !r.isAccepted());
        fateParts.add(rejected.mapToPair(r -> new Tuple2<>(r.ref(), Fate.of(r.rejection().reason()))));
        List<JavaRDD<Outputs.Quarantined>> quarantineParts = new ArrayList<>();
        quarantineParts.add(rejected.map(r -> new Outputs.Quarantined(r.source(), r.ref(), r.rejection().reason(), r.rejection().detail(), r.raw())));
        JavaRDD<ReadRow> accepted = rows.filter(ReadRow::isAccepted);
        fateParts.add(accepted.flatMapToPair(new PairingFns.EarlyFateFn(cfg.nliPairs(), cfg.neutralLabel())));

        // ---- format A: duplicates within (source, split), then dev/test overlap
        Map<String, ScoreRange> normalize = new HashMap<>();
        if (cfg.normalizeScores()) {
            cfg.inputs().forEach(in -> {
                ScoreRange r = Formats.scoreRange(in);
                if (r != null) {
                    normalize.put(in.name(), r);
                }
            });
        }
        JavaRDD<PairingFns.Resolved> resolved = accepted
                .flatMapToPair(new PairingFns.ToCandidateFn(normalize, cfg.nliPairs(), cfg.neutralLabel()))
                .groupByKey()
                .map(new PairingFns.ResolveFn(new DuplicateResolver(cfg.conflictPolicy())))
                .persist(StorageLevel.MEMORY_AND_DISK());
        fateParts.add(resolved.flatMapToPair(r -> r.fates().iterator()));
        quarantineParts.add(resolved.flatMap(r -> r.quarantined().iterator()));
        Map<String, Map<String, Long>> dedup = dedupStats(resolved);

        JavaRDD<Outputs.Pair> kept = resolved.filter(r -> r.kept() != null).map(PairingFns.Resolved::kept);
        JavaPairRDD<String, Outputs.Pair> trainByText = kept.filter(p -> p.split() == Split.TRAIN).mapToPair(p -> new Tuple2<>(textKey(p), p));
        JavaPairRDD<String, Outputs.Pair> evalByText = kept.filter(p -> p.split() != Split.TRAIN).mapToPair(p -> new Tuple2<>(textKey(p), p));
        JavaPairRDD<String, Boolean> evalKeys = evalByText.keys().distinct().mapToPair(k -> new Tuple2<>(k, Boolean.TRUE));
        JavaPairRDD<String, Boolean> trainKeys = trainByText.keys().distinct().mapToPair(k -> new Tuple2<>(k, Boolean.TRUE));
        JavaRDD<Tuple2<Outputs.Pair, Boolean>> trainMarked = trainByText.leftOuterJoin(evalKeys)
                .values().map(t -> new Tuple2<>(t._1(), t._2().isPresent()))
                .persist(StorageLevel.MEMORY_AND_DISK());
        Map<String, Map<String, Long>> overlap = new TreeMap<>();
        trainMarked.filter(Tuple2::_2).map(t -> groupKey(t._1())).countByValue().forEach((k, n) -> {
            overlap.computeIfAbsent(k, x -> new TreeMap<>()).put("in_eval", n);
            overlap.get(k).put("removed", cfg.removeOverlapFromTrain() ? n : 0L);
        });
        evalByText.join(trainKeys).values().map(t -> groupKey(t._1())).countByValue()
                .forEach((k, n) -> overlap.computeIfAbsent(k, x -> new TreeMap<>()).put("in_train", n));

        JavaRDD<Outputs.Pair> trainPairs = cfg.removeOverlapFromTrain()
                ? trainMarked.filter(t -> !t._2()).map(Tuple2::_1) : trainMarked.map(Tuple2::_1);
        if (cfg.removeOverlapFromTrain()) {
            fateParts.add(trainMarked.filter(Tuple2::_2).mapToPair(t -> new Tuple2<>(t._1().ref(), Fate.of(Reason.EVAL_OVERLAP))));
        }
        JavaRDD<Outputs.Pair> pairs = trainPairs.union(kept.filter(p -> p.split() != Split.TRAIN)).persist(StorageLevel.MEMORY_AND_DISK());
        fateParts.add(pairs.mapToPair(p -> new Tuple2<>(p.ref(), Fate.WRITTEN)));

        // ---- format C from NLI (premise groups), and user formats B and C (exact duplicates removed)
        List<JavaRDD<Outputs.Triplet>> tripletParts = new ArrayList<>();
        if (cfg.nliTriplets()) {
            tripletParts.add(accepted.flatMapToPair(new PairingFns.NliByPremiseFn()).groupByKey().flatMap(new PairingFns.BuildTripletsFn()));
        }
        tripletParts.add(accepted.flatMapToPair(new PairingFns.ExampleKeyFn(Example.Kind.TRIPLET, multiFile)).values());
        JavaRDD<List<Outputs.Triplet>> tripletGroups = union(tripletParts, JavaRDD::union)
                .mapToPair(t -> new Tuple2<>(PairingFns.tripletKey(t), t)).groupByKey()
                .map(new PairingFns.FirstOfGroupFn()).persist(StorageLevel.MEMORY_AND_DISK());
        JavaRDD<List<Outputs.Triplet>> positiveGroups = accepted
                .flatMapToPair(new PairingFns.ExampleKeyFn(Example.Kind.POSITIVE_PAIR, multiFile)).groupByKey()
                .map(new PairingFns.FirstOfGroupFn()).persist(StorageLevel.MEMORY_AND_DISK());
        JavaRDD<Outputs.Triplet> triplets = tripletGroups.map(g -> g.get(0));
        JavaRDD<Outputs.Triplet> positives = positiveGroups.map(g -> g.get(0));
        for (JavaRDD<List<Outputs.Triplet>> groups : List.of(tripletGroups, positiveGroups)) {
            fateParts.add(groups.flatMapToPair(g -> {
                List<Tuple2<RowRef, Fate>> f = new ArrayList<>();
                for (int i = 0; i < g.size(); i++) {
                    Fate fate = i == 0 ? Fate.WRITTEN : Fate.of(Reason.DUPLICATE_MERGED);
                    g.get(i).refs().forEach(ref -> f.add(new Tuple2<>(ref, fate)));
                }
                return f.iterator();
            }));
        }

        // ---- conservation: one settled fate per row, counted per input, must equal rows read
        Accounting.settleAndVerify(fateParts, ledger);
        manifest.stage("pair_and_account");

        // ---- write (into a staging folder, swapped in at the end)
        return output.produce(out -> {
            JavaRDD<Outputs.Quarantined> quarantine = union(quarantineParts, JavaRDD::union);
            Map<String, Long> pairCounts = countBySplit(pairs.map(p -> p.source() + "/" + p.split().label()));
            Map<String, Long> tripletCounts = countBySplit(triplets.map(t -> t.source() + "/" + t.split().label()));
            Map<String, Long> positiveCounts = countBySplit(positives.map(t -> t.source() + "/" + t.split().label()));
            long quarantined = 0;
            for (String in : ledger.inputs()) {
                for (Map.Entry<String, Long> e : ledger.fates(in).entrySet()) {
                    if (e.getKey().startsWith("quarantined")) {
                        quarantined += e.getValue();
                    }
                }
            }
            int rowsPerFile = cfg.rowsPerFile();
            ParquetOut.write(spark, pairs.map(p -> p.toRow(multiFile.contains(p.ref().input()))), sum(pairCounts), rowsPerFile, Outputs.PAIRS, out + "/pairs");
            ParquetOut.write(spark, triplets.map(Outputs.Triplet::toRow), sum(tripletCounts), rowsPerFile, Outputs.TRIPLETS, out + "/triplets");
            ParquetOut.write(spark, positives.map(Outputs.Triplet::toRow), sum(positiveCounts), rowsPerFile, Outputs.POSITIVES, out + "/positives");
            ParquetOut.write(spark, quarantine.map(Outputs.Quarantined::toRow), quarantined, rowsPerFile, Outputs.QUARANTINE, out + "/quarantine");
            manifest.stage("write");

            PrepareReport report = new PrepareReport(cfg.output(), ledger, pairCounts, tripletCounts, positiveCounts, quarantined, dedup, overlap);
            ObjectNode counts = manifest.root().putObject("counts");
            for (String in : ledger.inputs()) {
                ObjectNode c = counts.putObject(in);
                c.put("read", ledger.read(in));
                ledger.fates(in).forEach(c::put);
            }
            ObjectNode outputs = manifest.root().putObject("outputs");
            outputs.set("pairs", manifest.toJson(pairCounts));
            outputs.set("triplets", manifest.toJson(tripletCounts));
            outputs.set("positives", manifest.toJson(positiveCounts));
            outputs.put("quarantine", quarantined);
            manifest.root().set("duplicates", manifest.toJson(dedup));
            manifest.root().set("overlap", manifest.toJson(overlap));
            manifest.root().put("rows_per_second", totalRead / Math.max(manifest.elapsedSeconds(), 1e-3));
            manifest.write(out, hadoop);
            rows.unpersist(false);
            resolved.unpersist(false);
            trainMarked.unpersist(false);
            pairs.unpersist(false);
            tripletGroups.unpersist(false);
            positiveGroups.unpersist(false);
            LOG.info("wrote {}: {} rows read, pairs {}, triplets {}, positives {}, quarantined {}", cfg.output(), totalRead,
                    pairCounts, tripletCounts, positiveCounts, quarantined);
            return report;
        });
    }

    /**
     * One input file as rows; null for an empty file of a format with a header (nothing to read). Text files are cut
     * into lines at LF only ({@link HadoopFs#lines}); Parquet string columns are checked as UTF-8 on their bytes, which
     * Spark keeps as written (its strings would show invalid bytes as U+FFFD).
     */
    private static JavaRDD<ReadRow> readFile(SparkSession spark, JavaSparkContext sc, Configuration hadoop, InputSpec in,
                                             String file, ExampleCleaner cleaner, PrepareConfig cfg) throws IOException {
        if (in.format() == InputSpec.Format.PARQUET) {
            Dataset<Row> df = ParquetInputs.read(spark, "input '" + in.name() + "'", file);
            Set<String> columns = new HashSet<>(List.of(df.columns()));
            List<String> checked = new ArrayList<>();
            for (String col : in.fields().mapping().sourceColumns()) {
                if (!columns.contains(col)) {
                    throw new HadoopFs.InputException("input '" + in.name() + "': file " + file + " has no column '" + col + "' (columns: " + columns + ")");
                }
                if (df.schema().apply(col).dataType() == DataTypes.StringType) {
                    checked.add(col);
                }
            }
            List<Column> select = new ArrayList<>();
            for (String c : df.columns()) {
                select.add(functions.col(quote(c)));
            }
            for (String c : checked) {
                select.add(functions.col(quote(c)).cast(DataTypes.BinaryType).as(ParseParquetRowFn.BYTES + c));
            }
            return df.select(select.toArray(Column[]::new)).javaRDD().zipWithIndex()
                    .map(new ParseParquetRowFn(in, file, df.columns().length, checked, cleaner, cfg.hashSplit(), cfg.quarantineRawChars()));
        }
        InputFormat format = Formats.lineFormat(in);
        String header = null;
        if (format.hasHeader()) {
            header = HadoopFs.firstLine(file, hadoop);
            if (header == null) {
                LOG.warn("input '{}': {} is empty (no header line); nothing to read", in.name(), file);
                return null;
            }
        }
        RecordReader reader;
        try {
            reader = format.bind(file, header);
        } catch (IllegalArgumentException e) {
            throw new HadoopFs.InputException("input '" + in.name() + "': " + e.getMessage(), e);
        }
        boolean skipHeader = format.hasHeader();
        return HadoopFs.lines(sc, file).values()
                .zipWithIndex()
                .filter(t -> !skipHeader || t._2() > 0)
                .map(new ParseLineFn(in, file, reader, cleaner, cfg.hashSplit(), cfg.quarantineRawChars()));
    }

    private static String quote(String column) {
        return "`" + column.replace("`", "``") + "`";
    }

    private static <T> T union(List<T> parts, java.util.function.BinaryOperator<T> op) {
        return parts.stream().reduce(op).orElseThrow();
    }

    private static String textKey(Outputs.Pair p) {
        return io.anglespark.prep.pair.PairKey.orderInsensitive(p.text1(), p.text2());
    }

    private static String groupKey(Outputs.Pair p) {
        return p.source() + "/" + p.split().label();
    }

    private static Map<String, Long> countBySplit(JavaRDD<String> keys) {
        return new TreeMap<>(keys.countByValue());
    }

    private static Map<String, Map<String, Long>> dedupStats(JavaRDD<PairingFns.Resolved> resolved) {
        Map<String, Map<String, Long>> stats = new TreeMap<>();
        resolved.filter(r -> r.groupSize() > 1)
                .mapToPair(r -> new Tuple2<>(r.source() + "/" + r.split().label(), new long[]{1, r.groupSize() - 1, r.conflict() ? 1 : 0}))
                .reduceByKey((a, b) -> new long[]{a[0] + b[0], a[1] + b[1], a[2] + b[2]})
                .collectAsMap()
                .forEach((k, v) -> {
                    Map<String, Long> m = new TreeMap<>();
                    m.put("duplicate_groups", v[0]);
                    m.put("extra_rows", v[1]);
                    m.put("conflicting_groups", v[2]);
                    stats.put(k, m);
                });
        return stats;
    }

    private static ArrayNode inputsJson(RunManifest manifest, PrepareConfig cfg, Map<String, List<HadoopFs.InputFile>> files) {
        ArrayNode arr = manifest.root().arrayNode();
        for (InputSpec in : cfg.inputs()) {
            ObjectNode o = arr.addObject();
            o.put("name", in.name());
            o.put("source", in.source());
            o.put("format", in.format().name().toLowerCase(java.util.Locale.ROOT));
            o.put("path", in.path());
            o.put("split", in.hashSplit() ? "hash" : in.split().label());
            o.set("files", manifest.toJson(files.get(in.name())));
        }
        return arr;
    }

    private static long sum(Map<String, Long> m) {
        return m.values().stream().mapToLong(Long::longValue).sum();
    }
}
