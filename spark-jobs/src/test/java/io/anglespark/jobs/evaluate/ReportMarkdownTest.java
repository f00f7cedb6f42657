package io.anglespark.jobs.evaluate;

import io.anglespark.model.metrics.PairEvaluation;
import io.anglespark.model.metrics.ScoredPairs;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Markdown report from a hand-built run: no Spark, no model. */
class ReportMarkdownTest {

    static EvaluateReport report() {
        ScoredPairs sts = new ScoredPairs.Builder().add("a", "b", 5).add("a", "c", 1).add("b", "c", 2).build();
        ScoredPairs dup = new ScoredPairs.Builder().add("a", "b", 1).add("c", "d", 0).build();
        EvalSet stsSet = new EvalSet(new EvaluateConfig.SetSpec("sts|x", EvaluateConfig.Format.STSB, "/d/sts.csv", null, null),
                List.of("/d/sts.csv"), 4, sts, Map.of("wrong_field_count", 1L), List.of());
        EvalSet dupSet = new EvalSet(new EvaluateConfig.SetSpec("dups", EvaluateConfig.Format.ISSUE_PAIRS, "/d/pairs", null, null),
                List.of("/d/pairs/part-0.parquet"), 2, dup, Map.of(), List.of());
        // model m1 separates well; model m2 embeds every text alike (undefined correlations).
        float[][] good = {{1, 0}, {0.9f, 0.1f}, {0, 1}};
        float[][] goodDup = {{1, 0}, {1, 0.05f}, {1, 0}, {0, 1}};
        float[][] flat = {{1, 1}, {1, 1}, {1, 1}};
        float[][] flatDup = {{1, 1}, {1, 1}, {1, 1}, {1, 1}};
        EvalModel.Description d = new EvalModel.Description("m", "pretrained", "dl4j", "m@0123456789ab", "cls", 512, "");
        return new EvaluateReport("/out", List.of(stsSet, dupSet),
                List.of(new EvaluateReport.ModelRun("m1", d, 2, 0.1), new EvaluateReport.ModelRun("m2", d, 2, 0.1)),
                List.of(new EvaluateReport.Result("m1", "sts|x", PairEvaluation.evaluate(sts, good), 3, 0.1, "plots/m1/sts.png"),
                        new EvaluateReport.Result("m1", "dups", PairEvaluation.evaluate(dup, goodDup), 4, 0.1, null),
                        new EvaluateReport.Result("m2", "sts|x", PairEvaluation.evaluate(sts, flat), 3, 0.1, null),
                        new EvaluateReport.Result("m2", "dups", PairEvaluation.evaluate(dup, flatDup), 4, 0.1, null)), null);
    }

    @Test
    void theSummaryHasOneRowPerSetAndOneColumnPerModel() {
        String md = ReportMarkdown.render(report());
        List<String> lines = md.lines().toList();
        int header = lines.indexOf("| set | pairs | rejected | m1 | m2 |");
        assertTrue(header >= 0, md);
        assertEquals("|---|---:|---:|---:|---:|", lines.get(header + 1));
        assertEquals("| sts\\|x | 3 | 1 | 100.00 | n/a [1] |", lines.get(header + 2), "pipes in names are escaped");
        assertEquals("| dups | 2 | 0 | 100.00 (AUC 100.00) | n/a [2] (AUC 50.00) |", lines.get(header + 3));
    }

    @Test
    void undefinedMetricsPointToANoteWithTheReasonAndPlotsAreLinked() {
        String md = ReportMarkdown.render(report());
        assertTrue(md.contains("## Notes\n\n1. predicted scores are constant (1.0 for all 3 pairs)\n2. predicted scores are constant (1.0 for all 2 pairs)\n"), md);
        assertTrue(md.contains("![m1 on sts|x](plots/m1/sts.png)"), md);
        assertTrue(md.contains("| model | Spearman cosine | Spearman dot | Spearman euclidean | Spearman manhattan | Pearson cosine |"), md);
        assertTrue(md.contains("AUC manhattan |"), "binary sets get AUC columns");
        assertTrue(md.contains("4 rows read, 3 pairs scored, 3 distinct texts, 1 rejected (wrong_field_count 1)"), md);
    }
}
