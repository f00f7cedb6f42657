package io.anglespark.jobs.issues;

import io.anglespark.jobs.common.WholeFileRecordsFn;
import io.anglespark.prep.Outcome;
import io.anglespark.prep.RowRef;
import io.anglespark.prep.issues.DuplicateLink;
import io.anglespark.prep.issues.Issue;
import io.anglespark.prep.issues.JsonRecords;
import io.anglespark.prep.issues.LinksFile;
import io.anglespark.prep.issues.Rfc4180;
import io.anglespark.prep.issues.TrackerCsvMapping;

import java.io.Reader;
import java.util.Iterator;
import java.util.List;

/** The record splitters and parsers the issue-pairs job runs on executors, one whole file per task. */
final class ReadFns {
    private ReadFns() {
    }

    /** Parses one JSON object's text; serializable, as the GitHub readers' {@code read} methods are. */
    @FunctionalInterface
    interface JsonParser<T> extends java.io.Serializable {
        Outcome<T> parse(String json);
    }

    /** GitHub API objects, issues or comments (JSON lines or a JSON array), each parsed by {@code parser}. */
    record GitHubObjects<T>(String input, JsonParser<T> parser, int rawChars) implements WholeFileRecordsFn.Splitter<Parsed<T>> {
        @Override
        public Iterator<Parsed<T>> records(String file, Reader text) {
            return WholeFileRecordsFn.map(JsonRecords.split(text), r -> {
                RowRef ref = new RowRef(input, file, r.line());
                return r.error() != null ? Parsed.rejected(ref, r.error(), r.text(), rawChars)
                        : Parsed.of(ref, parser.parse(r.text()), r.text(), rawChars);
            });
        }
    }

    /** Tracker issues: RFC 4180 records after the header, mapped by the header-bound column mapping. */
    record TrackerIssues(String input, TrackerCsvMapping.Bound mapping, int rawChars) implements WholeFileRecordsFn.Splitter<Parsed<Issue>> {
        @Override
        public Iterator<Parsed<Issue>> records(String file, Reader text) {
            return csvAfterHeader(input, file, text, rawChars, mapping::map);
        }
    }

    /** Duplicate-links rows: RFC 4180 records after the header; one row may name several targets. */
    record TrackerLinks(String input, LinksFile.Bound mapping, int rawChars) implements WholeFileRecordsFn.Splitter<Parsed<List<DuplicateLink>>> {
        @Override
        public Iterator<Parsed<List<DuplicateLink>>> records(String file, Reader text) {
            return csvAfterHeader(input, file, text, rawChars, mapping::map);
        }
    }

    private static <T> Iterator<Parsed<T>> csvAfterHeader(String input, String file, Reader text, int rawChars,
                                                          java.util.function.Function<List<String>, Outcome<T>> map) {
        Iterator<Rfc4180.CsvRecord> records = Rfc4180.records(text);
        if (records.hasNext()) {
            records.next(); // the header, bound on the driver
        }
        return WholeFileRecordsFn.map(records, r -> {
            RowRef ref = new RowRef(input, file, r.line());
            return r.error() != null ? Parsed.rejected(ref, r.error(), r.raw(), rawChars)
                    : Parsed.of(ref, map.apply(r.fields()), r.raw(), rawChars);
        });
    }
}
