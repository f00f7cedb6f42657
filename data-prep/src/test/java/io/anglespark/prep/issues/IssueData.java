package io.anglespark.prep.issues;

import io.anglespark.prep.Outcome;
import io.anglespark.prep.Rejection;
import io.anglespark.prep.SharedData;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Test helpers: fixtures beside this package, the real Hadoop and GitHub files, outcome unwrapping. */
final class IssueData {
    static final String GITHUB = "github/github_webcompat_web-bugs_issues.json";
    static final String HADOOP_BUGS = "issue-trackers/hadoop_bugs.csv";
    static final String HADOOP_LINKS = "issue-trackers/hadoop_bugs-combined.csv";

    private static List<Rfc4180.CsvRecord> hadoopBugs;
    private static List<Rfc4180.CsvRecord> hadoopLinks;

    private IssueData() {
    }

    static Reader fixture(String name) {
        InputStream in = IssueData.class.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("missing fixture " + name);
        }
        return new InputStreamReader(in, StandardCharsets.UTF_8);
    }

    static String fixtureText(String name) {
        try (Reader r = fixture(name)) {
            StringBuilder b = new StringBuilder();
            char[] buf = new char[8192];
            int n;
            while ((n = r.read(buf)) > 0) {
                b.append(buf, 0, n);
            }
            return b.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Reader shared(String relative) {
        try {
            return Files.newBufferedReader(SharedData.file(relative), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static <T> List<T> all(Iterator<T> it) {
        List<T> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    static List<Rfc4180.CsvRecord> csv(Reader in) {
        try (in) {
            return all(Rfc4180.records(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Rfc4180.CsvRecord> csv(String text) {
        return csv(new StringReader(text));
    }

    static List<JsonRecords.RawRecord> json(Reader in) {
        try (in) {
            return all(JsonRecords.split(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** hadoop_bugs.csv, every record including the header (read once per test run). */
    static synchronized List<Rfc4180.CsvRecord> hadoopBugs() {
        if (hadoopBugs == null) {
            hadoopBugs = List.copyOf(csv(shared(HADOOP_BUGS)));
        }
        return hadoopBugs;
    }

    /** hadoop_bugs-combined.csv, every record including the header. */
    static synchronized List<Rfc4180.CsvRecord> hadoopLinks() {
        if (hadoopLinks == null) {
            hadoopLinks = List.copyOf(csv(shared(HADOOP_LINKS)));
        }
        return hadoopLinks;
    }

    /** The Hadoop reports as issues, mapped with the default mapping (every one must be accepted). */
    static List<Issue> hadoopIssues() {
        List<Rfc4180.CsvRecord> records = hadoopBugs();
        TrackerCsvMapping.Bound bound = TrackerCsvMapping.defaults("hadoop").bind(HADOOP_BUGS, records.get(0).fields());
        return records.subList(1, records.size()).stream().map(r -> accepted(bound.map(r.fields()))).toList();
    }

    static <T> T accepted(Outcome<T> o) {
        if (o instanceof Outcome.Accepted<T> a) {
            return a.value();
        }
        throw new AssertionError("expected an accepted outcome, got " + o);
    }

    static Rejection rejected(Outcome<?> o) {
        if (o instanceof Outcome.Rejected<?> r) {
            return r.rejection();
        }
        throw new AssertionError("expected a rejection, got " + o);
    }
}
