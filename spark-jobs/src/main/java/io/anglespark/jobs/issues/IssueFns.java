package io.anglespark.jobs.issues;

import io.anglespark.jobs.common.Outputs;
import io.anglespark.prep.Outcome;
import io.anglespark.prep.Reason;
import io.anglespark.prep.RowRef;
import io.anglespark.prep.account.Fate;
import io.anglespark.prep.clean.TextCleaner;
import io.anglespark.prep.issues.DuplicateLink;
import io.anglespark.prep.issues.Issue;
import io.anglespark.prep.issues.IssueComment;
import io.anglespark.prep.issues.TemplateStripper;
import org.apache.spark.api.java.function.FlatMapFunction;
import scala.Tuple2;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Executor-side steps of the issue-pairs job between its shuffles; each wraps data-prep rules. */
final class IssueFns {
    private IssueFns() {
    }

    /** What became of one issue key: the document (or none), the fates of its rows, a quarantine entry. */
    record DocResult(IssueDoc doc, List<Tuple2<RowRef, Fate>> fates, Outputs.Quarantined quarantined) implements Serializable {
    }

    /**
     * Builds one issue's document from its rows (the first by RowRef wins; later copies of the same id
     * are merged duplicates) and its comments: text = title, body, then comments oldest first when
     * appended; links from the body and the comments; template markup stripped when configured; then
     * the text cleaner. Comments of an absent or quarantined issue are orphans.
     */
    static final class BuildDocFn implements FlatMapFunction<Tuple2<String, Tuple2<Iterable<Parsed<Issue>>, Iterable<Parsed<IssueComment>>>>, DocResult> {
        private final TextCleaner cleaner;
        private final boolean appendComments;
        private final boolean stripTemplates;
        private final int rawChars;

        BuildDocFn(TextCleaner cleaner, boolean appendComments, boolean stripTemplates, int rawChars) {
            this.cleaner = cleaner;
            this.appendComments = appendComments;
            this.stripTemplates = stripTemplates;
            this.rawChars = rawChars;
        }

        @Override
        public java.util.Iterator<DocResult> call(Tuple2<String, Tuple2<Iterable<Parsed<Issue>>, Iterable<Parsed<IssueComment>>>> group) {
            List<Parsed<Issue>> rows = new ArrayList<>();
            group._2()._1().forEach(rows::add);
            List<Parsed<IssueComment>> comments = new ArrayList<>();
            group._2()._2().forEach(comments::add);
            List<Tuple2<RowRef, Fate>> fates = new ArrayList<>();
            if (rows.isEmpty()) {
                comments.forEach(c -> fates.add(new Tuple2<>(c.ref(), Fate.of(Reason.COMMENT_ORPHAN))));
                return List.of(new DocResult(null, fates, null)).iterator();
            }
            rows.sort(Comparator.comparing(Parsed::ref));
            for (Parsed<Issue> dup : rows.subList(1, rows.size())) {
                fates.add(new Tuple2<>(dup.ref(), Fate.of(Reason.DUPLICATE_MERGED)));
            }
            Parsed<Issue> first = rows.get(0);
            Issue issue = first.value();
            comments.sort(Comparator.comparing((Parsed<IssueComment> c) -> c.value().createdAt() == null ? "" : c.value().createdAt())
                    .thenComparing(Parsed::ref));
            StringBuilder raw = new StringBuilder(issue.title()).append("\n\n").append(issue.body());
            List<DuplicateLink> links = new ArrayList<>(issue.links());
            for (Parsed<IssueComment> c : comments) {
                links.addAll(c.value().links());
                if (appendComments) {
                    raw.append("\n\n").append(c.value().body());
                }
            }
            String rawText = raw.toString();
            Outcome<String> text = cleaner.clean(stripTemplates ? TemplateStripper.strip(rawText) : rawText, "text");
            if (text instanceof Outcome.Rejected<String> r) {
                fates.add(new Tuple2<>(first.ref(), Fate.of(r.rejection().reason())));
                comments.forEach(c -> fates.add(new Tuple2<>(c.ref(), Fate.of(Reason.COMMENT_ORPHAN))));
                String preview = rawText.length() <= rawChars ? rawText : rawText.substring(0, rawChars);
                return List.of(new DocResult(null, fates, new Outputs.Quarantined(issue.project(), first.ref(),
                        r.rejection().reason(), r.rejection().detail(), preview))).iterator();
            }
            fates.add(new Tuple2<>(first.ref(), Fate.WRITTEN));
            comments.forEach(c -> fates.add(new Tuple2<>(c.ref(), Fate.WRITTEN)));
            IssueDoc doc = new IssueDoc(group._1(), first.ref(), issue.project(), issue.id(), issue.title(), rawText,
                    ((Outcome.Accepted<String>) text).value(), List.copyOf(links), List.copyOf(issue.duplicateFlags()));
            return List.of(new DocResult(doc, fates, null)).iterator();
        }
    }

    /** A directed duplicate link to check against the corpus; ref is the links-file row, null for text links. */
    record LinkCandidate(RowRef ref, DuplicateLink.LinkSource source, String from, String to, boolean fromPresent, boolean toPresent)
            implements Serializable {
        static LinkCandidate of(RowRef ref, DuplicateLink l) {
            return new LinkCandidate(ref, l.source(), l.fromKey(), l.toKey(), false, false);
        }

        boolean valid() {
            return fromPresent && toPresent && !from.equals(to);
        }

        /** The undirected edge, smaller key first. */
        String edge() {
            return from.compareTo(to) <= 0 ? from + "\t" + to : to + "\t" + from;
        }
    }

    /** A pair to write: two issue keys, the label and the split (both issues are in it by construction). */
    record PairSpec(String a, String b, double label, String split) implements Serializable {
        String id() {
            String pa = IssueDoc.project(a);
            String pb = IssueDoc.project(b);
            return pa + ":" + IssueDoc.id(a) + "~" + (pa.equals(pb) ? "" : pb + ":") + IssueDoc.id(b);
        }
    }
}
