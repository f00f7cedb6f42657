package io.anglespark.jobs.evaluate;

import io.anglespark.model.metrics.Metric;
import io.anglespark.model.metrics.PairEvaluation;
import io.anglespark.model.metrics.Similarity;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code report.md}: a summary table with the models side by side (one row per set: Spearman x100 of cosine, and
 * ROC AUC x100 of cosine for binary sets), then per set a table of every metric of every model and the scatter
 * plots. Undefined values show as {@code n/a} with a numbered note giving the reason.
 */
final class ReportMarkdown {
    private ReportMarkdown() {
    }

    static String render(EvaluateReport report) {
        StringBuilder b = new StringBuilder();
        List<String> notes = new ArrayList<>();
        b.append("# Evaluation report\n\n");
        b.append("Spearman x100 of the cosine similarity against the gold score (average ranks for ties); for sets with 0/1 labels "
                + "also ROC AUC x100 of the cosine. Full metrics (Pearson; dot, euclidean and manhattan similarity) per set below "
                + "and in report.json.\n\n");
        b.append("| set | pairs | rejected |");
        for (EvaluateReport.ModelRun m : report.models()) {
            b.append(' ').append(cell(m.label())).append(" |");
        }
        b.append("\n|---|---:|---:|");
        b.append("---:|".repeat(report.models().size()));
        b.append('\n');
        for (EvalSet s : report.sets()) {
            String name = s.spec().name();
            b.append("| ").append(cell(name)).append(" | ").append(s.pairs().size()).append(" | ").append(s.rejectedTotal()).append(" |");
            for (EvaluateReport.ModelRun m : report.models()) {
                PairEvaluation e = report.result(m.label(), name).evaluation();
                PairEvaluation.SimilarityMetrics c = e.of(Similarity.COSINE);
                b.append(' ').append(x100(c.spearman(), notes));
                if (c.auc() != null) {
                    b.append(" (AUC ").append(x100(c.auc(), notes)).append(')');
                }
                b.append(" |");
            }
            b.append('\n');
        }
        if (report.gate() != null) {
            gate(b, report.gate());
        }

        b.append("\n## Models\n\n| model | kind | engine | model id | pooling | max length | query prefix | dimension |\n"
                + "|---|---|---|---|---|---:|---|---:|\n");
        for (EvaluateReport.ModelRun m : report.models()) {
            EvalModel.Description d = m.description();
            b.append("| ").append(cell(m.label())).append(" | ").append(d.kind()).append(" | ").append(d.engine()).append(" | `")
                    .append(cell(d.modelId())).append("` | ").append(d.pooling()).append(" | ")
                    .append(d.maxLength()).append(" | ").append(d.queryPrefix().isEmpty() ? "" : "`" + cell(d.queryPrefix()) + "`")
                    .append(" | ").append(m.dimension()).append(" |\n");
        }

        for (EvalSet s : report.sets()) {
            String name = s.spec().name();
            boolean binary = io.anglespark.model.metrics.RocAuc.isBinary(s.pairs().gold());
            b.append("\n## ").append(name).append("\n\n");
            b.append(s.spec().format().label()).append(", `").append(cell(s.spec().path())).append("`");
            if (s.spec().sources() != null) {
                b.append(", sources ").append(s.spec().sources());
            }
            if (s.spec().split() != null) {
                b.append(", split ").append(s.spec().split().label());
            }
            b.append(": ").append(s.rowsRead()).append(" rows read, ").append(s.pairs().size()).append(" pairs scored, ")
                    .append(s.pairs().texts().size()).append(" distinct texts, ").append(s.rejectedTotal()).append(" rejected");
            if (!s.rejected().isEmpty()) {
                b.append(" (");
                b.append(String.join(", ", s.rejected().entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList()));
                b.append(')');
            }
            b.append(".\n\n| model |");
            for (String metric : binary ? List.of("Spearman", "Pearson", "AUC") : List.of("Spearman", "Pearson")) {
                for (Similarity sim : Similarity.values()) {
                    b.append(' ').append(metric).append(' ').append(sim.label()).append(" |");
                }
            }
            b.append("\n|---|").append("---:|".repeat(Similarity.values().length * (binary ? 3 : 2))).append('\n');
            for (EvaluateReport.ModelRun m : report.models()) {
                PairEvaluation e = report.result(m.label(), name).evaluation();
                b.append("| ").append(cell(m.label())).append(" |");
                for (Similarity sim : Similarity.values()) {
                    b.append(' ').append(x100(e.of(sim).spearman(), notes)).append(" |");
                }
                for (Similarity sim : Similarity.values()) {
                    b.append(' ').append(x100(e.of(sim).pearson(), notes)).append(" |");
                }
                if (binary) {
                    for (Similarity sim : Similarity.values()) {
                        b.append(' ').append(x100(e.of(sim).auc(), notes)).append(" |");
                    }
                }
                b.append('\n');
            }
            for (EvaluateReport.ModelRun m : report.models()) {
                String plot = report.result(m.label(), name).plot();
                if (plot != null) {
                    b.append("\n![").append(cell(m.label())).append(" on ").append(name).append("](").append(plot).append(")\n");
                }
            }
        }
        if (!notes.isEmpty()) {
            b.append("\n## Notes\n\n");
            for (int i = 0; i < notes.size(); i++) {
                b.append(i + 1).append(". ").append(notes.get(i)).append('\n');
            }
        }
        return b.toString();
    }

    /** The gate's verdict and one row per set: the scores, the delta and the least delta that passes. */
    private static void gate(StringBuilder b, Gate.Decision d) {
        Gate g = d.gate();
        b.append("\n## Gate: ").append(d.passed() ? "passed" : "not passed").append("\n\n")
                .append(String.format(Locale.ROOT, "Challenger `%s` against baseline `%s`: a gain of at least %.2f points on %s, a loss of at "
                        + "most %.2f on every other set (Spearman x100 of cosine).%n%n", cell(g.challenger()), cell(g.baseline()), g.minGain(),
                        cell(g.primary()), g.maxLoss()))
                .append("| set | baseline | challenger | delta | least delta | passed |\n|---|---:|---:|---:|---:|---|\n");
        for (Gate.Check c : d.checks()) {
            b.append("| ").append(cell(c.set())).append(c.primary() ? " (primary)" : "").append(" | ").append(points(c.baseline())).append(" | ")
                    .append(points(c.challenger())).append(" | ").append(points(c.delta())).append(" | ")
                    .append(String.format(Locale.ROOT, "%.2f", c.bound())).append(" | ").append(c.passed() ? "yes" : "**no**").append(" |\n");
        }
        for (String r : d.reasons()) {
            b.append("\n- ").append(cell(r));
        }
        if (!d.reasons().isEmpty()) {
            b.append('\n');
        }
    }

    private static String points(Double v) {
        return v == null ? "n/a" : String.format(Locale.ROOT, "%.2f", v);
    }

    /** The value x100 with two decimals, or {@code n/a [k]} pointing at the reason among the notes. */
    static String x100(Metric m, List<String> notes) {
        if (m.isDefined()) {
            return String.format(Locale.ROOT, "%.2f", 100 * m.value());
        }
        int k = notes.indexOf(m.undefinedReason());
        if (k < 0) {
            notes.add(m.undefinedReason());
            k = notes.size() - 1;
        }
        return "n/a [" + (k + 1) + "]";
    }

    /** Text safe inside a table cell: pipes escaped, line breaks as spaces. */
    static String cell(String s) {
        return s.replace("|", "\\|").replace('\n', ' ').replace('\r', ' ');
    }
}
