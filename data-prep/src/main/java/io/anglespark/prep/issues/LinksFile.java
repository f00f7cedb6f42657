package io.anglespark.prep.issues;

import io.anglespark.prep.Outcome;
import io.anglespark.prep.Reason;
import io.anglespark.prep.issues.DuplicateLink.LinkSource;
import io.anglespark.prep.read.ReadSupport;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * How the columns of a tracker's duplicate-links CSV (e.g. GitBugs' {@code hadoop_bugs-combined.csv}, header
 * {@code Issue id,Duplicate id}) map to directed links "from is a duplicate of to", all within {@code project}.
 *
 * @param project    the project of both ends of every link, as the issues' {@link TrackerCsvMapping#project()}
 * @param fromColumn default {@code Issue id}
 * @param toColumn   default {@code Duplicate id}
 */
public record LinksFile(String project, String fromColumn, String toColumn) implements Serializable {

    /** Separators between several ids in one field: commas and/or whitespace ({@code "13547000, 13396667"}). */
    private static final Pattern IDS = Pattern.compile("[,\\s]+");

    public LinksFile {
        ReadSupport.requireName(project, "project");
        ReadSupport.requireName(fromColumn, "fromColumn");
        ReadSupport.requireName(toColumn, "toColumn");
    }

    /** GitBugs' columns {@code Issue id} and {@code Duplicate id}. */
    public static LinksFile defaults(String project) {
        return new LinksFile(project, "Issue id", "Duplicate id");
    }

    /**
     * The job's rule for links against the corpus: keeps the links of one row whose two issues are both in the
     * corpus. When none is left, the row is {@link Reason#LINK_TARGET_ABSENT} (dropped), naming the absent issues
     * as {@code project#id}. A row with some present links keeps those.
     *
     * @param rowLinks the links of one row (as {@link Bound#map} gives them), not empty
     * @param inCorpus whether an issue key ({@link DuplicateClusters#key}) is in the corpus
     */
    public static Outcome<List<DuplicateLink>> keepPresent(List<DuplicateLink> rowLinks, Predicate<String> inCorpus) {
        List<DuplicateLink> kept = new ArrayList<>(rowLinks.size());
        Set<String> absent = new TreeSet<>();
        for (DuplicateLink l : rowLinks) {
            boolean from = inCorpus.test(l.fromKey());
            boolean to = inCorpus.test(l.toKey());
            if (from && to) {
                kept.add(l);
            } else {
                if (!from) {
                    absent.add(l.project() + "#" + l.from());
                }
                if (!to) {
                    absent.add(l.targetProject() + "#" + l.to());
                }
            }
        }
        if (kept.isEmpty()) {
            return Outcome.reject(Reason.LINK_TARGET_ABSENT, "no link of the row has both issues in the corpus; absent: %s",
                    ReadSupport.quote(String.join(", ", absent)));
        }
        return Outcome.accept(List.copyOf(kept));
    }

    /**
     * Finds the two columns in a file's header (names compared after stripping spaces; a leading byte-order mark
     * is ignored).
     *
     * @throws IllegalArgumentException naming the file and the column when one is absent or repeated
     */
    public Bound bind(String file, List<String> header) {
        Objects.requireNonNull(file, "file");
        List<String> names = Headers.names(header);
        return new Bound(this, names.size(), ReadSupport.columnIndex(file, names, fromColumn),
                ReadSupport.columnIndex(file, names, toColumn));
    }

    /** The mapping bound to one file's header. */
    public record Bound(LinksFile links, int width, int from, int to) implements Serializable {

        /**
         * The links of one row, one per distinct target id, in the order written, source
         * {@link LinkSource#LINKS_FILE}. Rules, in order:
         * <ul>
         *   <li>a field count other than the header's: {@link Reason#WRONG_FIELD_COUNT};</li>
         *   <li>a blank from-field: {@link Reason#MISSING_FIELD}; a from-field holding several ids:
         *       {@link Reason#MALFORMED_RECORD} (a row names one duplicate);</li>
         *   <li>the to-field may hold several ids separated by commas and/or whitespace; none at all:
         *       {@link Reason#MISSING_FIELD};</li>
         *   <li>ids equal to the from-id are left out; when that leaves none (every id of the row is the row's
         *       own): {@link Reason#SELF_LINK}. A row mixing its own id with others keeps the others, and the
         *       self id is not counted anywhere: the row as a whole is a good row.</li>
         * </ul>
         * Whether the ids exist in the corpus is the job's question ({@link Reason#LINK_TARGET_ABSENT}).
         */
        public Outcome<List<DuplicateLink>> map(List<String> fields) {
            if (fields.size() != width) {
                return Outcome.reject(Reason.WRONG_FIELD_COUNT, "expected %d comma-separated fields (as the header), found %d",
                        width, fields.size());
            }
            List<String> fromIds = ids(fields.get(from));
            String fromName = links.fromColumn() + " field (" + (from + 1) + ")";
            String toName = links.toColumn() + " field (" + (to + 1) + ")";
            if (fromIds.isEmpty()) {
                return Outcome.reject(Reason.MISSING_FIELD, "%s is blank", fromName);
            }
            if (fromIds.size() > 1) {
                return Outcome.reject(Reason.MALFORMED_RECORD, "%s holds %d ids %s; a row names one duplicate",
                        fromName, fromIds.size(), ReadSupport.quote(fields.get(from)));
            }
            String fromId = fromIds.get(0);
            Set<String> targets = new LinkedHashSet<>(ids(fields.get(to)));
            if (targets.isEmpty()) {
                return Outcome.reject(Reason.MISSING_FIELD, "%s is blank", toName);
            }
            targets.remove(fromId);
            if (targets.isEmpty()) {
                return Outcome.reject(Reason.SELF_LINK, "%s names only the issue itself, '%s'", toName, fromId);
            }
            List<DuplicateLink> out = new ArrayList<>(targets.size());
            for (String t : targets) {
                out.add(new DuplicateLink(links.project(), fromId, links.project(), t, LinkSource.LINKS_FILE));
            }
            return Outcome.accept(List.copyOf(out));
        }

        private static List<String> ids(String field) {
            String s = field.strip();
            return s.isEmpty() ? List.of() : List.of(IDS.split(s));
        }
    }
}
