package io.anglespark.prep.issues;

import io.anglespark.prep.Outcome;
import io.anglespark.prep.Reason;
import io.anglespark.prep.issues.DuplicateLink.LinkSource;
import io.anglespark.prep.read.ReadSupport;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How the columns of an issue-tracker CSV export (one record per report, e.g. GitBugs' {@code hadoop_bugs.csv},
 * split by {@link Rfc4180}) map to an {@link Issue}.
 *
 * @param project              the project every issue of the file belongs to (e.g. {@code hadoop}), as written
 * @param idColumn             the issue id column, default {@code Issue id}
 * @param titleColumn          default {@code Summary}
 * @param bodyColumn           default {@code Description}
 * @param resolutionColumn     default {@code Resolution}; null when the export has none
 * @param duplicateResolutions resolutions that flag a duplicate, compared case-insensitively after stripping
 *                             spaces; default {@code ["Duplicate"]}
 * @param signals              when not null, "duplicate of" links are also looked for in title and body
 *                             ({@link DuplicateSignals#linksInText}, source {@link LinkSource#BODY}); null for none
 *                             (Jira texts name issues by key, which these patterns do not cover)
 */
public record TrackerCsvMapping(String project, String idColumn, String titleColumn, String bodyColumn,
                                String resolutionColumn, List<String> duplicateResolutions, DuplicateSignals signals)
        implements Serializable {

    public TrackerCsvMapping {
        ReadSupport.requireName(project, "project");
        ReadSupport.requireName(idColumn, "idColumn");
        ReadSupport.requireName(titleColumn, "titleColumn");
        ReadSupport.requireName(bodyColumn, "bodyColumn");
        if (resolutionColumn != null) {
            ReadSupport.requireName(resolutionColumn, "resolutionColumn");
        }
        duplicateResolutions = List.copyOf(duplicateResolutions);
    }

    /** GitBugs' columns: {@code Issue id}, {@code Summary}, {@code Description}, {@code Resolution} = {@code Duplicate}. */
    public static TrackerCsvMapping defaults(String project) {
        return new TrackerCsvMapping(project, "Issue id", "Summary", "Description", "Resolution", List.of("Duplicate"), null);
    }

    /** The same mapping with links looked for in the texts. */
    public TrackerCsvMapping withSignals(DuplicateSignals s) {
        return new TrackerCsvMapping(project, idColumn, titleColumn, bodyColumn, resolutionColumn, duplicateResolutions, s);
    }

    /**
     * Finds the mapped columns in a file's header (names compared after stripping spaces; a leading byte-order
     * mark on the first name is ignored).
     *
     * @throws IllegalArgumentException naming the file and the column when a mapped column is absent or repeated
     */
    public Bound bind(String file, List<String> header) {
        Objects.requireNonNull(file, "file");
        List<String> names = Headers.names(header);
        int id = ReadSupport.columnIndex(file, names, idColumn);
        int title = ReadSupport.columnIndex(file, names, titleColumn);
        int body = ReadSupport.columnIndex(file, names, bodyColumn);
        int resolution = resolutionColumn == null ? -1 : ReadSupport.columnIndex(file, names, resolutionColumn);
        return new Bound(this, names.size(), id, title, body, resolution);
    }

    /**
     * The mapping bound to one file's header: maps the fields of one record.
     *
     * @param width the header's field count, which every record must have
     */
    public record Bound(TrackerCsvMapping mapping, int width, int id, int title, int body, int resolution)
            implements Serializable {

        /**
         * Rules, in order: a field count other than the header's: {@link Reason#WRONG_FIELD_COUNT}; a blank id:
         * {@link Reason#MISSING_FIELD}; a blank title: {@link Reason#MISSING_FIELD}. The id is stripped; the body
         * may be empty; a resolution among {@link TrackerCsvMapping#duplicateResolutions()} adds the flag
         * {@code resolution:<value as written, stripped>}; the issue's url is {@code ""}.
         */
        public Outcome<Issue> map(List<String> fields) {
            if (fields.size() != width) {
                return Outcome.reject(Reason.WRONG_FIELD_COUNT, "expected %d comma-separated fields (as the header), found %d",
                        width, fields.size());
            }
            String issueId = fields.get(id).strip();
            if (issueId.isEmpty()) {
                return Outcome.reject(Reason.MISSING_FIELD, "%s is blank", fieldName(mapping.idColumn(), id));
            }
            String titleText = fields.get(title);
            if (titleText.isBlank()) {
                return Outcome.reject(Reason.MISSING_FIELD, "%s is blank", fieldName(mapping.titleColumn(), title));
            }
            String bodyText = fields.get(body);
            List<String> flags = new ArrayList<>();
            if (resolution >= 0) {
                String r = fields.get(resolution).strip();
                if (mapping.duplicateResolutions().stream().anyMatch(d -> d.strip().toLowerCase(Locale.ROOT)
                        .equals(r.toLowerCase(Locale.ROOT)))) {
                    flags.add("resolution:" + r);
                }
            }
            List<DuplicateLink> links = new ArrayList<>();
            DuplicateSignals signals = mapping.signals();
            if (signals != null) {
                links.addAll(signals.linksInText(mapping.project(), issueId, titleText, LinkSource.BODY));
                for (DuplicateLink l : signals.linksInText(mapping.project(), issueId, bodyText, LinkSource.BODY)) {
                    if (!links.contains(l)) {
                        links.add(l);
                    }
                }
            }
            return Outcome.accept(new Issue(mapping.project(), issueId, titleText, bodyText, "", false, flags, links));
        }

        private static String fieldName(String name, int index) {
            return name + " field (" + (index + 1) + ")";
        }
    }
}
