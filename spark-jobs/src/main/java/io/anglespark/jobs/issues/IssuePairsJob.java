package io.anglespark.jobs.issues;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anglespark.jobs.common.Accounting;
import io.anglespark.jobs.common.HadoopFs;
import io.anglespark.jobs.common.JobCli;
import io.anglespark.jobs.common.JobConfigs;
import io.anglespark.jobs.common.JobMain;
import io.anglespark.jobs.common.OutputFolder;
import io.anglespark.jobs.common.ParquetOut;
import io.anglespark.jobs.common.RunManifest;
import io.anglespark.jobs.common.SparkSessions;
import io.anglespark.jobs.common.WholeFileRecordsFn;
import io.anglespark.jobs.common.Outputs;
import io.anglespark.prep.Reason;
import io.anglespark.prep.RowRef;
import io.anglespark.prep.account.Fate;
import io.anglespark.prep.account.Ledger;
import io.anglespark.prep.clean.TextCleaner;
import io.anglespark.prep.issues.DuplicateClusters;
import io.anglespark.prep.issues.DuplicateLink;
import io.anglespark.prep.issues.GitHubCommentReader;
import io.anglespark.prep.issues.GitHubIssueReader;
import io.anglespark.prep.issues.Issue;
import io.anglespark.prep.issues.IssueComment;
import io.anglespark.prep.issues.LengthStats;
import io.anglespark.prep.issues.NegativeSampler;
import io.anglespark.prep.issues.Rfc4180;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import scala.Tuple2;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * Builds long-text duplicate pairs from GitHub issue dumps and issue-tracker exports.
 *
 * <pre>
 * GitHub issues (JSON lines / array) --+                         +-- comments (issue_url) joined by issue
 * tracker CSV (RFC 4180, multi-line) --+--> issues per key -----+--> text: title, body, comments; strip; clean
 * links CSV (several ids per field) ------> directed links --+   |
 * "Duplicate of #N" in body/comments ---------------------->-+--+--> links whose both ends exist -> undirected edges
 * edges -> clusters (union-find) -> split per cluster -> positives (linked, or all in cluster) + seeded negatives
 * every row's fate -> ledger (rows read == written + quarantined + dropped, per input); an input with no rows fails
 * the run naming it (issue-pairs.empty-input = fail) or is warned about (warn)
 * text policy: a record with invalid UTF-8 is quarantined (invalid_utf8), a text with an unpaired surrogate too
 * </pre>
 *
 * Memory: issue texts stay distributed; the driver collects issue keys only (edges, flagged keys, the
 * key pools negatives are drawn from), a few dozen bytes per issue.
 */
@Command(name = "issue-pairs", sortOptions = false,
        description = "Builds duplicate (label 1) and sampled non-duplicate (label 0) pairs of long issue texts from "
                + "GitHub issue dumps and issue-tracker exports; writes pairs, issues and quarantine Parquet and _run.json.")
public final class IssuePairsJob implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(IssuePairsJob.class);

    /** Every issue of the corpus, with its raw and cleaned text. */
    public static final StructType ISSUES = new StructType()
            .add("project", DataTypes.StringType, false)
            .add("id", DataTypes.StringType, false)
            .add("title", DataTypes.StringType, false)
            .add("text", DataTypes.StringType, false)
            .add("raw", DataTypes.StringType, false)
            .add("split", DataTypes.StringType, false)
            .add("cluster", DataTypes.StringType, true)
            .add("duplicate_flags", DataTypes.createArrayType(DataTypes.StringType, false), false);

    @CommandLine.Mixin
    JobCli cli = new JobCli();

    public static void main(String[] args) throws SparkException {
        JobMain.main("issue-pairs", new IssuePairsJob(), args);
    }

    @Override
    public Integer call() throws IOException {
        IssuePairsConfig config = IssuePairsConfig.from(JobConfigs.load(cli.configFile("issue-pairs"),
                cli.overrides(IssuePairsConfig.ROOT), HadoopFs.driverConfiguration()));
        IssuePairsReport r = SparkSessions.runAndStop("angle-spark issue-pairs", spark -> run(spark, config));
        LOG.info("issue-pairs finished: {} ({} pairs, {} issues, {} quarantined)", r.output(), r.pairs(), r.issues(), r.quarantined());
        return 0;
    }

    public static IssuePairsReport run(SparkSession spark, IssuePairsConfig cfg) throws IOException {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Configuration hadoop = sc.hadoopConfiguration();
        SparkSessions.attachProgress(spark, cfg.progressIntervalSeconds());
        RunManifest manifest = new RunManifest("issue-pairs", spark, cfg);
        int rawChars = cfg.quarantineRawChars();

        // ---- inputs, checked before anything is written
        Map<String, List<HadoopFs.InputFile>> files = new TreeMap<>();
        Ledger ledger = new Ledger();
        for (IssuePairsConfig.GitHubInput g : cfg.github()) {
            files.put(g.name(), HadoopFs.listInputFiles(g.name(), g.issues(), hadoop));
            if (g.comments() != null) {
                files.put(g.commentsInput(), HadoopFs.listInputFiles(g.commentsInput(), g.comments(), hadoop));
            }
        }
        for (IssuePairsConfig.TrackerInput t : cfg.trackers()) {
            files.put(t.name(), HadoopFs.listInputFiles(t.name(), t.issues(), hadoop));
            if (t.links() != null) {
                files.put(t.linksInput(), HadoopFs.listInputFiles(t.linksInput(), t.links(), hadoop));
            }
        }
        files.keySet().forEach(name -> ledger.addRead(name, 0));
        OutputFolder output = OutputFolder.staged(cfg.output(), cfg.overwrite(), IssuePairsConfig.ROOT + ".overwrite", cfg.readPaths(), hadoop);
        manifest.root().set("inputs", manifest.toJson(files));
        manifest.stage("list_inputs");

        // ---- read: one whole file per task (records span lines)
        GitHubIssueReader issueReader = new GitHubIssueReader(cfg.signals());
        GitHubCommentReader commentReader = new GitHubCommentReader(cfg.signals());
        List<JavaRDD<Parsed<Issue>>> issueParts = new ArrayList<>();
        List<JavaRDD<Parsed<IssueComment>>> commentParts = new ArrayList<>();
        List<JavaRDD<Parsed<List<DuplicateLink>>>> linkParts = new ArrayList<>();
        for (IssuePairsConfig.GitHubInput g : cfg.github()) {
            for (HadoopFs.InputFile f : files.get(g.name())) {
                issueParts.add(wholeFile(sc, f.path(), new ReadFns.GitHubObjects<Issue>(g.name(), issueReader::read, rawChars)));
            }
            if (g.comments() != null) {
                for (HadoopFs.InputFile f : files.get(g.commentsInput())) {
                    commentParts.add(wholeFile(sc, f.path(), new ReadFns.GitHubObjects<IssueComment>(g.commentsInput(), commentReader::read, rawChars)));
                }
            }
        }
        for (IssuePairsConfig.TrackerInput t : cfg.trackers()) {
            for (HadoopFs.InputFile f : files.get(t.name())) {
                List<String> header = csvHeader(t.name(), f.path(), hadoop);
                if (header != null) {
                    issueParts.add(wholeFile(sc, f.path(), new ReadFns.TrackerIssues(t.name(), bind(t.name(), f.path(),
                            () -> t.mapping().bind(f.path(), header)), rawChars)));
                }
            }
            if (t.links() != null) {
                for (HadoopFs.InputFile f : files.get(t.linksInput())) {
                    List<String> header = csvHeader(t.linksInput(), f.path(), hadoop);
                    if (header != null) {
                        linkParts.add(wholeFile(sc, f.path(), new ReadFns.TrackerLinks(t.linksInput(), bind(t.linksInput(), f.path(),
                                () -> t.linkColumns().bind(f.path(), header)), rawChars)));
                    }
                }
            }
        }
        JavaRDD<Parsed<Issue>> issues = union(sc, issueParts).persist(StorageLevel.MEMORY_AND_DISK());
        JavaRDD<Parsed<IssueComment>> comments = union(sc, commentParts).persist(StorageLevel.MEMORY_AND_DISK());
        JavaRDD<Parsed<List<DuplicateLink>>> linkRows = union(sc, linkParts).persist(StorageLevel.MEMORY_AND_DISK());
        for (JavaRDD<? extends Parsed<?>> rdd : List.of(issues, comments, linkRows)) {
            rdd.map(p -> p.ref().input()).countByValue().forEach(ledger::addRead);
        }
        for (Map.Entry<String, List<HadoopFs.InputFile>> in : files.entrySet()) {
            cfg.emptyInput().check("input '" + in.getKey() + "' (" + in.getValue().stream().map(HadoopFs.InputFile::path).toList() + ")",
                    ledger.read(in.getKey()), IssuePairsConfig.ROOT + ".empty-input", LOG);
        }
        manifest.stage("read");

        List<JavaPairRDD<RowRef, Fate>> fates = new ArrayList<>();
        List<JavaRDD<Outputs.Quarantined>> quarantine = new ArrayList<>();
        for (JavaRDD<? extends Parsed<?>> rdd : List.of(issues, comments, linkRows)) {
            JavaRDD<? extends Parsed<?>> bad = rdd.filter(p -> !p.accepted());
            fates.add(bad.mapToPair(p -> new Tuple2<>(p.ref(), Fate.of(p.rejection().reason()))));
            quarantine.add(bad.map(p -> p.quarantined(p.ref().input())));
        }

        // ---- issues: pull requests skipped; one document per key with its comments
        JavaRDD<Parsed<Issue>> accepted = issues.filter(Parsed::accepted);
        fates.add(accepted.filter(p -> p.value().pullRequest()).mapToPair(p -> new Tuple2<>(p.ref(), Fate.of(Reason.PULL_REQUEST))));
        JavaPairRDD<String, Parsed<Issue>> byKey = accepted.filter(p -> !p.value().pullRequest())
                .mapToPair(p -> new Tuple2<>(p.value().key(), p));
        JavaPairRDD<String, Parsed<IssueComment>> commentsByKey = comments.filter(Parsed::accepted)
                .mapToPair(p -> new Tuple2<>(p.value().issueKey(), p));
        JavaRDD<IssueFns.DocResult> built = byKey.cogroup(commentsByKey)
                .flatMap(new IssueFns.BuildDocFn(new TextCleaner(cfg.cleaning()), cfg.appendComments(), cfg.stripTemplates(), rawChars))
                .persist(StorageLevel.MEMORY_AND_DISK());
        fates.add(built.flatMapToPair(r -> r.fates().iterator()));
        quarantine.add(built.filter(r -> r.quarantined() != null).map(IssueFns.DocResult::quarantined));
        JavaRDD<IssueDoc> docs = built.filter(r -> r.doc() != null).map(IssueFns.DocResult::doc).persist(StorageLevel.MEMORY_AND_DISK());
        JavaPairRDD<String, Boolean> present = docs.mapToPair(d -> new Tuple2<>(d.key(), Boolean.TRUE));

        // ---- links: a link counts when both of its issues are in the corpus
        JavaRDD<IssueFns.LinkCandidate> candidates = linkRows.filter(Parsed::accepted)
                .flatMap(p -> p.value().stream().map(l -> IssueFns.LinkCandidate.of(p.ref(), l)).iterator())
                .union(docs.flatMap(d -> d.links().stream().map(l -> IssueFns.LinkCandidate.of(null, l)).iterator()));
        JavaRDD<IssueFns.LinkCandidate> checked = candidates.mapToPair(c -> new Tuple2<>(c.from(), c)).leftOuterJoin(present)
                .values().map(t -> new IssueFns.LinkCandidate(t._1().ref(), t._1().source(), t._1().from(), t._1().to(), t._2().isPresent(), false))
                .mapToPair(c -> new Tuple2<>(c.to(), c)).leftOuterJoin(present)
                .values().map(t -> new IssueFns.LinkCandidate(t._1().ref(), t._1().source(), t._1().from(), t._1().to(), t._1().fromPresent(), t._2().isPresent()))
                .persist(StorageLevel.MEMORY_AND_DISK());
        // A links-file row is written when any of its links joins two issues of the corpus.
        fates.add(checked.filter(c -> c.ref() != null)
                .mapToPair(c -> new Tuple2<>(c.ref(), c.valid() ? Fate.WRITTEN : Fate.of(Reason.LINK_TARGET_ABSENT))));
        Map<String, Long> linkStats = new TreeMap<>(checked.map(c -> c.source().name().toLowerCase(java.util.Locale.ROOT)
                + (c.valid() ? ":joined" : c.from().equals(c.to()) ? ":self" : ":target_absent")).countByValue());
        List<String> edgeList = checked.filter(IssueFns.LinkCandidate::valid).map(IssueFns.LinkCandidate::edge).distinct().collect();
        List<List<String>> edges = edgeList.stream().sorted().map(e -> List.of(e.split("\t", 2))).toList();

        // ---- clusters, splits, positives
        Map<String, String> clusterOf = DuplicateClusters.clusters(edges);
        List<List<String>> positives = cfg.transitive() ? DuplicateClusters.pairsWithin(clusterOf) : edges;
        Broadcast<Map<String, String>> clusters = sc.broadcast(clusterOf);
        var split = cfg.split();
        Map<String, Long> flaggedWithoutTarget = new TreeMap<>(docs.filter(d -> !d.flags().isEmpty() && !clusters.value().containsKey(d.key()))
                .flatMap(d -> d.flags().iterator()).countByValue());
        long flaggedIssuesWithoutTarget = docs.filter(d -> !d.flags().isEmpty() && !clusters.value().containsKey(d.key())).count();

        // ---- negatives from pools of the same project and split (issues flagged as duplicates of an unknown issue excluded)
        Map<String, List<String>> pools = new TreeMap<>(docs.filter(d -> d.flags().isEmpty() || clusters.value().containsKey(d.key()))
                .mapToPair(d -> new Tuple2<>(d.project() + "\t" + split.assign(clusters.value().getOrDefault(d.key(), d.key())).label(), d.key()))
                .groupByKey().mapValues(keys -> {
                    List<String> l = new ArrayList<>();
                    keys.forEach(l::add);
                    l.sort(null);
                    return l;
                }).collectAsMap());
        List<IssueFns.PairSpec> specs = new ArrayList<>();
        Map<String, List<List<String>>> positivesByPool = new TreeMap<>();
        for (List<String> p : positives) {
            String s = split.assign(clusterOf.getOrDefault(p.get(0), p.get(0))).label();
            specs.add(new IssueFns.PairSpec(p.get(0), p.get(1), 1.0, s));
            positivesByPool.computeIfAbsent(IssueDoc.project(p.get(0)) + "\t" + s, k -> new ArrayList<>()).add(p);
        }
        for (Map.Entry<String, List<List<String>>> e : positivesByPool.entrySet()) {
            String s = e.getKey().substring(e.getKey().indexOf('\t') + 1);
            for (NegativeSampler.Negative n : cfg.negatives().sample(pools.getOrDefault(e.getKey(), List.of()), e.getValue(), clusterOf)) {
                specs.add(new IssueFns.PairSpec(n.anchor(), n.negative(), 0.0, s));
            }
        }
        manifest.stage("links_and_pairs");

        // ---- pair rows: texts joined on the executors
        JavaPairRDD<String, String> texts = docs.mapToPair(d -> new Tuple2<>(d.key(), d.text()));
        JavaRDD<Row> pairRows = sc.parallelize(specs, Math.max(1, Math.min(specs.size() / 10_000 + 1, sc.defaultParallelism())))
                .mapToPair(p -> new Tuple2<>(p.a(), p)).join(texts)
                .mapToPair(t -> new Tuple2<>(t._2()._1().b(), t._2())).join(texts)
                // Two unlinked issues can carry the same text; labelled 0 they would contradict themselves.
                .filter(t -> t._2()._1()._1().label() > 0 || !t._2()._1()._2().equals(t._2()._2()))
                .map(t -> {
                    IssueFns.PairSpec p = t._2()._1()._1();
                    return RowFactory.create(p.id(), t._2()._1()._2(), t._2()._2(), p.label(), IssueDoc.project(p.a()), p.split());
                }).persist(StorageLevel.MEMORY_AND_DISK());
        List<long[]> lengths = pairRows.map(r -> new long[]{codePoints(r.getString(1)), codePoints(r.getString(2)), r.getDouble(3) > 0 ? 1 : 0}).collect();
        JavaRDD<Row> issueRows = docs.map(d -> {
            String cluster = clusters.value().get(d.key());
            String s = split.assign(cluster == null ? d.key() : cluster).label();
            return RowFactory.create(d.project(), d.id(), d.title(), d.text(), d.raw(), s, cluster == null ? null : IssueDoc.id(cluster),
                    scala.collection.JavaConverters.asScalaBuffer(d.flags()).toList());
        });

        Accounting.settleAndVerify(fates, ledger);
        manifest.stage("account");

        long docCount = docs.count();
        JavaRDD<Outputs.Quarantined> q = quarantine.stream().reduce(JavaRDD::union).orElseThrow();
        long quarantined = q.count();
        long positiveCount = specs.stream().filter(p -> p.label() > 0).count();
        long pairCount = lengths.size();
        Map<String, Long> clusterSizes = new TreeMap<>();
        DuplicateClusters.members(clusterOf).values().forEach(m -> clusterSizes.merge(String.valueOf(m.size()), 1L, Long::sum));
        IssuePairsReport report = new IssuePairsReport(cfg.output(), ledger, docCount, pairCount, positiveCount, pairCount - positiveCount,
                specs.size() - pairCount,
                edges.size(), clusterSizes, linkStats, flaggedIssuesWithoutTarget, flaggedWithoutTarget, quarantined,
                LengthStats.of(lengths.stream().flatMapToLong(l -> java.util.stream.LongStream.of(l[0], l[1])).toArray()),
                LengthStats.of(lengths.stream().filter(l -> l[2] == 1).flatMapToLong(l -> java.util.stream.LongStream.of(l[0], l[1])).toArray()));
        ObjectNode counts = manifest.root().putObject("counts");
        for (String in : ledger.inputs()) {
            ObjectNode c = counts.putObject(in);
            c.put("read", ledger.read(in));
            ledger.fates(in).forEach(c::put);
        }
        manifest.root().set("result", manifest.toJson(report.summary()));
        output.produce(out -> {
            ParquetOut.write(spark, pairRows, specs.size(), cfg.rowsPerFile(), Outputs.PAIRS, out + "/pairs");
            ParquetOut.write(spark, issueRows, docCount, cfg.rowsPerFile(), ISSUES, out + "/issues");
            ParquetOut.write(spark, q.map(Outputs.Quarantined::toRow), quarantined, cfg.rowsPerFile(), Outputs.QUARANTINE, out + "/quarantine");
            manifest.stage("write");
            manifest.write(out, hadoop);
            return null;
        });
        for (JavaRDD<?> rdd : List.of(issues, comments, linkRows, built, docs, checked, pairRows)) {
            rdd.unpersist(false);
        }
        clusters.destroy();
        LOG.info("wrote {}: {} issues, {} pairs ({} duplicate, {} sampled non-duplicate), {} undirected duplicate links, {} quarantined",
                cfg.output(), docCount, pairCount, positiveCount, pairCount - positiveCount, edges.size(), quarantined);
        return report;
    }

    private static <T> JavaRDD<T> wholeFile(JavaSparkContext sc, String file, WholeFileRecordsFn.Splitter<T> splitter) {
        return sc.binaryFiles(file, 1).flatMap(new WholeFileRecordsFn<>(splitter));
    }

    private static <T> JavaRDD<T> union(JavaSparkContext sc, List<JavaRDD<T>> parts) {
        return parts.stream().reduce(JavaRDD::union).orElseGet(sc::emptyRDD);
    }

    /** The header record of a CSV file, read on the driver; null (with a warning) for an empty file. */
    private static List<String> csvHeader(String input, String file, Configuration hadoop) throws IOException {
        try (Reader r = HadoopFs.openReader(file, hadoop)) {
            Iterator<Rfc4180.CsvRecord> records = Rfc4180.records(r);
            if (!records.hasNext()) {
                LOG.warn("input '{}': {} is empty (no header); nothing to read", input, file);
                return null;
            }
            Rfc4180.CsvRecord header = records.next();
            if (header.error() != null) {
                throw new HadoopFs.InputException("input '" + input + "': " + file + " has an unreadable header: " + header.error().detail());
            }
            List<String> fields = new ArrayList<>(header.fields());
            if (!fields.isEmpty() && fields.get(0).startsWith("\uFEFF")) {
                fields.set(0, fields.get(0).substring(1));
            }
            return fields;
        }
    }

    private static <B> B bind(String input, String file, java.util.function.Supplier<B> binder) {
        try {
            return binder.get();
        } catch (IllegalArgumentException e) {
            throw new HadoopFs.InputException("input '" + input + "': " + e.getMessage(), e);
        }
    }

    private static long codePoints(String s) {
        return s.codePointCount(0, s.length());
    }
}
