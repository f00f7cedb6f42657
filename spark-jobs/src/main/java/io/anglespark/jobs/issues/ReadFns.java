package io.anglespark.jobs.issues;

import io.anglespark.jobs.common.WholeFileRecordsFn;
import io.anglespark.prep.Outcome;
import io.anglespark.prep.RowRef;
import io.anglespark.prep.clean.TextPolicy;
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

    /**
     * GitHub API objects, issues or comments (JSON lines or a JSON array), each parsed by {@code parser}: a record
     * holding invalid UTF-8 is rejected before parsing (after it, an unpaired surrogate can only come from a JSON
     * escape, which the text cleaner rejects as such).
     */
    record GitHubObjects<T>(String input, JsonParser<T> parser, int rawChars) implements WholeFileRecordsFn.Splitter<Parsed<T>> {
        @Override
        public Iterator<Parsed<T>> records(String file, Reader text) {
            return WholeFileRecordsFn.map(JsonRecords.split(text), r -> {
                RowRef ref = new RowRef(input, file, r.line());
                return r.error() != null ? Parsed.rejected(ref, r.error(), r.text(), rawChars)
                        : Parsed.of(ref, TextPolicy.checkEscapedBytes(r.text(), "record").then(parser::parse), r.text(), rawChars);
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
        List<String> header = records.hasNext() ? records.next().fields() : List.of(); // bound on the driver
        return WholeFileRecordsFn.map(records, r -> {
            RowRef ref = new RowRef(input, file, r.line());
            return r.error() != null ? Parsed.rejected(ref, r.error(), r.raw(), rawChars)
                    : Parsed.of(ref, validUtf8(r.fields(), header).then(map), r.raw(), rawChars);
        });
    }

    /** The fields, or {@code invalid_utf8} naming the first field (by its header name) that holds an invalid byte. */
    private static Outcome<List<String>> validUtf8(List<String> fields, List<String> header) {
        for (int i = 0; i < fields.size(); i++) {
            String name = i < header.size() ? "field '" + TextPolicy.displayable(header.get(i)) + "' (" + (i + 1) + ")" : "field " + (i + 1);
            Outcome<String> f = TextPolicy.checkEscapedBytes(fields.get(i), name);
            if (f instanceof Outcome.Rejected<String> r) {
                return Outcome.reject(r.rejection());
            }
        }
        return Outcome.accept(fields);
    }
}
