package io.anglespark.model.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.anglespark.model.SharedPairs;
import io.anglespark.model.batch.TrainingExample;
import io.anglespark.model.loss.AngleLossConfig;
import io.anglespark.prep.SharedData;
import io.anglespark.prep.read.SemEvalStsFormat;
import io.anglespark.prep.read.StsBenchmarkFormat;
import org.apache.commons.math3.stat.descriptive.SummaryStatistics;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes {@code bench/results/quality.md} (and {@code quality-saturation.png}) from every run recorded in
 * {@code bench/results/quality-runs.jsonl} by {@link AngleQualityBenchmark}: runs grouped by task, recipe, positive rule,
 * pooling, epochs and fraction; mean and sample standard deviation over seeds; AnglE recipes minus {@code cosent} with
 * the spread of the difference; the saturation probe. Run alone: {@code bench/quality --report}.
 */
final class QualityReport {
    static final Path RUNS = SharedData.projectRoot().resolve("bench/results/quality-runs.jsonl");
    static final Path OUT = SharedData.projectRoot().resolve("bench/results/quality.md");
    static final Path PLOT = SharedData.projectRoot().resolve("bench/results/quality-saturation.png");
    static final List<String> SETS = List.of("stsb-test", "sick-trial", "msrpar", "smteuroparl");

    private QualityReport() {
    }

    record Key(String task, String recipe, String positives, String pooling, int epochs, double fraction) {
        String label() {
            return recipe + (positives.equals("-") || isDefaultRule() ? "" : " (" + positives + ")") + ", " + pooling
                    + (task.equals("sick") ? String.format(Locale.ROOT, ", %.0f%% of SICK train", 100 * fraction) : "")
                    + (epochs == 1 ? "" : ", " + epochs + " epochs");
        }

        boolean isDefaultRule() {
            return recipe.equals("cosent") || recipe.startsWith("custom") || positives.equals(AngleLossConfig.Preset.parse(recipe).ibnPositives().label());
        }

        Key asCosent() {
            return new Key(task, "cosent", "-", pooling, epochs, fraction);
        }
    }

    public static void main(String[] args) throws IOException {
        List<JsonNode> runs = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(RUNS, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                runs.add(json.readTree(line));
            }
        }
        Map<Key, List<JsonNode>> groups = new LinkedHashMap<>();
        Map<String, JsonNode> zeroShot = new TreeMap<>();
        for (JsonNode r : runs) {
            if (r.get("task").asText().equals("zero-shot")) {
                zeroShot.put(r.get("pooling").asText(), r);
            } else {
                Key k = new Key(r.get("task").asText(), r.get("recipe").asText(), r.get("ibn_positives").asText(), r.get("pooling").asText(),
                        r.get("epochs").asInt(), r.get("fraction").asDouble());
                List<JsonNode> g = groups.computeIfAbsent(k, x -> new ArrayList<>());
                // a seed run again replaces its earlier run (bench/all reruns seed 42)
                g.removeIf(q -> q.get("seed").asLong() == r.get("seed").asLong());
                g.add(r);
            }
        }
        StringBuilder b = new StringBuilder("# Quality benchmark: AnglE recipes against CoSENT, bge-small-en-v1.5\n\n");
        header(b, runs);
        zeroShotTable(b, zeroShot);
        String dflt = AngleLossConfig.Preset.DEFAULT.label();
        b.append("\n## STS-B train -> STS-B test and transfer sets\n\n");
        b.append("Mean +- sample standard deviation over seeds (Spearman x100 of cosine vs gold, all pairs of each set). The kept model is the "
                + "best on STS-B dev (1500 pairs), chosen by dev only. The default recipe is `" + dflt + "`.\n\n");
        groupTable(b, groups, "stsb", true);
        b.append("\n### AnglE recipe minus cosent (same pooling, epochs)\n\n");
        differences(b, groups, "stsb");
        b.append("\n### Against zero-shot (mean over seeds minus the zero-shot model of the same pooling)\n\n");
        againstZeroShot(b, groups, zeroShot);
        b.append("\n## Little labelled data: SICK train (10% and 100% of its pairs) -> SICK trial\n\n");
        b.append("No model selection (the model after the last update); the same pairs for every seed (every k-th pair of SICK train); "
                + "labels on SICK's own 1..5 scale.\n\n");
        groupTable(b, groups, "sick", false);
        b.append("\n### AnglE recipe minus cosent on SICK\n\n");
        differences(b, groups, "sick");
        b.append("\n## The mechanism: saturation zone and gradients (seed 42 of each recipe, STS-B)\n\n");
        saturation(b, groups);
        b.append("\n## Transfer sets and STS-B\n\n");
        overlap(b);
        b.append("\n## Every run\n\n| date | task | recipe | pooling | seed | epochs | fraction | dev best (step) | STS-B test | SICK trial | pairs/s | wall s |\n"
                + "|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (JsonNode r : runs) {
            b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %.2f | %.2f | %s | %.0f |%n", r.get("date").asText().substring(0, 16),
                    r.get("task").asText(), r.get("recipe").asText() + (r.has("ibn_positives") ? " " + r.get("ibn_positives").asText() : ""),
                    r.get("pooling").asText(), r.path("seed").asText("-"), r.path("epochs").asText("-"), r.path("fraction").asText("-"),
                    r.has("dev_best") ? String.format(Locale.ROOT, "%.2f (%d)", r.get("dev_best").asDouble(), r.get("best_step").asInt()) : "-",
                    r.get("scores").path("stsb-test").asDouble(Double.NaN), r.get("scores").path("sick-trial").asDouble(Double.NaN),
                    r.has("pairs_per_s") ? String.format(Locale.ROOT, "%.1f", r.get("pairs_per_s").asDouble()) : "-", r.get("wall_s").asDouble()));
        }
        Files.writeString(OUT, b.toString(), StandardCharsets.UTF_8);
        System.out.println(b);
    }

    private static void header(StringBuilder b, List<JsonNode> runs) {
        Set<String> machines = new LinkedHashSet<>();
        for (JsonNode r : runs) {
            machines.add(r.get("machine").asText());
        }
        b.append("- command: one `bench/quality` run per line of `bench/results/quality-runs.jsonl` (its options in each line: task, "
                + "recipe, pooling, seed, epochs, fraction); this page is rewritten from every line after each run (`bench/quality --report`)\n");
        b.append("- the training loop: `TrainingLoop` with the one-JVM fitter, what `submit/train` runs with `train.spark.workers = 1`; "
                + "Adam, lr 2e-5, 10% linear warm-up then linear decay, batch 32 pairs, max length 64, gradient clipping 1.0 per vertex, "
                + "no weight decay\n");
        for (String m : machines) {
            b.append("- machine: ").append(m).append('\n');
        }
        Map<String, Integer> beside = new TreeMap<>();
        for (JsonNode r : runs) {
            beside.merge(r.path("beside").asText("light compiles and unit tests at times (not recorded per run then)"), 1, Integer::sum);
        }
        b.append("- beside the runs (the pairs/s are quiet figures only with nothing; the Spearman figures do not depend on it): ");
        List<String> parts = new ArrayList<>();
        beside.forEach((what, n) -> parts.add(n + " run(s): " + what));
        b.append(String.join("; ", parts)).append('\n');
        b.append('\n');
    }

    private static void zeroShotTable(StringBuilder b, Map<String, JsonNode> zeroShot) {
        b.append("## Zero-shot\n\n| pooling |");
        for (String s : SETS) {
            b.append(' ').append(s).append(" |");
        }
        b.append("\n|---|").append("---|".repeat(SETS.size())).append('\n');
        for (Map.Entry<String, JsonNode> z : zeroShot.entrySet()) {
            b.append("| ").append(z.getKey()).append(" |");
            for (String s : SETS) {
                b.append(String.format(Locale.ROOT, " %.2f |", z.getValue().get("scores").get(s).asDouble()));
            }
            b.append('\n');
        }
    }

    private static SummaryStatistics stats(List<JsonNode> runs, String field) {
        SummaryStatistics s = new SummaryStatistics();
        for (JsonNode r : runs) {
            JsonNode v = field.startsWith("dev") ? r.get(field) : r.get("scores").get(field);
            if (v != null) {
                s.addValue(v.asDouble());
            }
        }
        return s;
    }

    private static String meanSd(SummaryStatistics s) {
        if (s.getN() == 0) {
            return "-";
        }
        return s.getN() == 1 ? String.format(Locale.ROOT, "%.2f", s.getMean())
                : String.format(Locale.ROOT, "%.2f +- %.2f", s.getMean(), s.getStandardDeviation());
    }

    private static void groupTable(StringBuilder b, Map<Key, List<JsonNode>> groups, String task, boolean dev) {
        b.append("| recipe, pooling | seeds |").append(dev ? " STS-B dev (kept) |" : "");
        for (String s : SETS) {
            b.append(' ').append(s).append(" |");
        }
        b.append(" pairs/s |\n|---|---|").append(dev ? "---|" : "").append("---|".repeat(SETS.size())).append("---|\n");
        for (Map.Entry<Key, List<JsonNode>> g : groups.entrySet()) {
            if (!g.getKey().task().equals(task)) {
                continue;
            }
            List<String> seeds = new ArrayList<>();
            for (JsonNode r : g.getValue()) {
                seeds.add(r.get("seed").asText());
            }
            boolean isDefault = g.getKey().recipe().equals(AngleLossConfig.Preset.DEFAULT.label()) && g.getKey().isDefaultRule();
            b.append("| ").append(isDefault ? "**" + g.getKey().label() + "** (default)" : g.getKey().label()).append(" | ")
                    .append(String.join(", ", seeds)).append(" |");
            if (dev) {
                b.append(' ').append(meanSd(stats(g.getValue(), "dev_best"))).append(" |");
            }
            for (String s : SETS) {
                b.append(' ').append(meanSd(stats(g.getValue(), s))).append(" |");
            }
            SummaryStatistics pps = new SummaryStatistics();
            g.getValue().forEach(r -> pps.addValue(r.get("pairs_per_s").asDouble()));
            b.append(String.format(Locale.ROOT, " %.1f |%n", pps.getMean()));
        }
    }

    /**
     * Each AnglE group minus the cosent group of the same task, pooling, epochs and fraction: difference of the means with
     * the standard error of that difference (sqrt(sd_a^2 / n_a + sd_c^2 / n_c)), and over the seeds both ran, the mean and
     * standard deviation of the per-seed differences.
     */
    private static void differences(StringBuilder b, Map<Key, List<JsonNode>> groups, String task) {
        b.append("| AnglE recipe | set | AnglE mean | cosent mean | difference +- standard error | per-seed differences (seeds) |\n"
                + "|---|---|---|---|---|---|\n");
        for (Map.Entry<Key, List<JsonNode>> g : groups.entrySet()) {
            Key k = g.getKey();
            if (!k.task().equals(task) || k.recipe().equals("cosent") || !groups.containsKey(k.asCosent())) {
                continue;
            }
            List<JsonNode> cosent = groups.get(k.asCosent());
            for (String s : task.equals("sick") ? List.of("sick-trial", "stsb-test") : SETS) {
                SummaryStatistics a = stats(g.getValue(), s);
                SummaryStatistics c = stats(cosent, s);
                double se = Math.sqrt((a.getN() > 1 ? a.getVariance() / a.getN() : 0) + (c.getN() > 1 ? c.getVariance() / c.getN() : 0));
                SummaryStatistics paired = new SummaryStatistics();
                List<String> seeds = new ArrayList<>();
                for (JsonNode r : g.getValue()) {
                    for (JsonNode q : cosent) {
                        if (r.get("seed").asLong() == q.get("seed").asLong()) {
                            paired.addValue(r.get("scores").get(s).asDouble() - q.get("scores").get(s).asDouble());
                            seeds.add(r.get("seed").asText());
                        }
                    }
                }
                b.append(String.format(Locale.ROOT, "| %s | %s | %.2f (n %d) | %.2f (n %d) | %+.2f%s | %s |%n", k.label(), s, a.getMean(), a.getN(),
                        c.getMean(), c.getN(), a.getMean() - c.getMean(), se > 0 ? String.format(Locale.ROOT, " +- %.2f", se) : " (one seed each)",
                        paired.getN() == 0 ? "-" : String.format(Locale.ROOT, "%+.2f%s (%s)", paired.getMean(),
                                paired.getN() > 1 ? String.format(Locale.ROOT, " +- %.2f", paired.getStandardDeviation()) : "", String.join(", ", seeds))));
            }
        }
    }

    private static void againstZeroShot(StringBuilder b, Map<Key, List<JsonNode>> groups, Map<String, JsonNode> zeroShot) {
        b.append("| recipe, pooling |");
        for (String s : SETS) {
            b.append(' ').append(s).append(" |");
        }
        b.append("\n|---|").append("---|".repeat(SETS.size())).append('\n');
        for (Map.Entry<Key, List<JsonNode>> g : groups.entrySet()) {
            JsonNode z = zeroShot.get(g.getKey().pooling());
            if (!g.getKey().task().equals("stsb") || z == null) {
                continue;
            }
            b.append("| ").append(g.getKey().label()).append(" |");
            for (String s : SETS) {
                b.append(String.format(Locale.ROOT, " %+.2f |", stats(g.getValue(), s).getMean() - z.get("scores").get(s).asDouble()));
            }
            b.append('\n');
        }
    }

    private static void saturation(StringBuilder b, Map<Key, List<JsonNode>> groups) throws IOException {
        b.append("A fixed sample of 320 STS-B train pairs, probed at every dev evaluation: the share with |cos| >= 0.9 (the saturation "
                + "zone: d cos / d theta = sin theta < 0.44 there) and the mean norm of the gradient of the per-batch loss (batches of 32 "
                + "pairs) with respect to a pair's two L2-normalised embeddings, for each term at unit weight (the recipe's temperatures and "
                + "positive rule) and for the recipe's weighted total; in the zone / outside it.\n\n");
        b.append("| recipe | step | share in zone | mean cos | cosine term in / out | angle term in / out | ibn term in / out | recipe total in / out |\n"
                + "|---|---|---|---|---|---|---|---|\n");
        XYChart share = new XYChartBuilder().width(900).height(420).title("Share of probe pairs with |cos| >= 0.9").xAxisTitle("step")
                .yAxisTitle("share").build();
        XYChart ratio = new XYChartBuilder().width(900).height(420).title("Gradient norm in the zone / outside it (unit-weight terms)")
                .xAxisTitle("step").yAxisTitle("ratio").build();
        for (Map.Entry<Key, List<JsonNode>> g : groups.entrySet()) {
            if (!g.getKey().task().equals("stsb")) {
                continue;
            }
            for (JsonNode r : g.getValue()) {
                JsonNode probes = r.get("saturation");
                if (r.get("seed").asLong() != 42 || probes == null || probes.isEmpty()) {
                    continue;
                }
                List<Double> steps = new ArrayList<>();
                List<Double> shares = new ArrayList<>();
                Map<String, List<Double>> ratios = new LinkedHashMap<>();
                for (JsonNode p : probes) {
                    JsonNode gr = p.get("grad");
                    b.append(String.format(Locale.ROOT, "| %s | %d | %.1f%% | %.3f | %s | %s | %s | %s |%n", g.getKey().label(), p.get("step").asInt(),
                            100 * p.get("zone_share").asDouble(), p.get("mean_cos").asDouble(), inOut(gr.get("cosine")), inOut(gr.get("angle")),
                            inOut(gr.get("ibn")), inOut(gr.get("recipe"))));
                    steps.add(p.get("step").asDouble());
                    shares.add(p.get("zone_share").asDouble());
                    for (String t : List.of("cosine", "angle")) {
                        ratios.computeIfAbsent(t, x -> new ArrayList<>()).add(gr.get(t).get("in").asDouble() / gr.get(t).get("out").asDouble());
                    }
                }
                share.addSeries(g.getKey().label(), steps, shares);
                for (Map.Entry<String, List<Double>> e : ratios.entrySet()) {
                    String name = e.getKey() + " term, " + g.getKey().label();
                    if (!ratio.getSeriesMap().containsKey(name)) {
                        ratio.addSeries(name, steps, e.getValue());
                    }
                }
            }
        }
        if (!share.getSeriesMap().isEmpty()) {
            java.awt.image.BufferedImage top = BitmapEncoder.getBufferedImage(share);
            java.awt.image.BufferedImage bottom = BitmapEncoder.getBufferedImage(ratio);
            java.awt.image.BufferedImage both = new java.awt.image.BufferedImage(top.getWidth(), top.getHeight() + bottom.getHeight(),
                    java.awt.image.BufferedImage.TYPE_INT_RGB);
            both.getGraphics().drawImage(top, 0, 0, null);
            both.getGraphics().drawImage(bottom, 0, top.getHeight(), null);
            javax.imageio.ImageIO.write(both, "png", PLOT.toFile());
            b.append("\n![saturation](quality-saturation.png)\n");
        }
    }

    private static String inOut(JsonNode t) {
        return String.format(Locale.ROOT, "%.2e / %.2e", t.get("in").asDouble(), t.get("out").asDouble());
    }

    /** How many pairs of each SemEval 2012 file also appear in STS-B (same two sentences, in either order, trimmed). */
    private static void overlap(StringBuilder b) {
        Map<String, Set<String>> sts = new LinkedHashMap<>();
        for (String split : List.of("train", "dev", "test")) {
            Set<String> keys = new HashSet<>();
            for (TrainingExample e : SharedPairs.read(new StsBenchmarkFormat(), "stsbenchmark/sts-" + split + ".csv")) {
                keys.add(key(e));
            }
            sts.put(split, keys);
        }
        b.append("| set | pairs | also in STS-B train | dev | test |\n|---|---|---|---|---|\n");
        for (String f : List.of("MSRpar", "SMTeuroparl")) {
            List<TrainingExample> pairs = SharedPairs.read(new SemEvalStsFormat(), "semeval-sts-2012-train/" + f + ".train.tsv");
            int[] in = new int[3];
            for (TrainingExample e : pairs) {
                int i = 0;
                for (Set<String> s : sts.values()) {
                    in[i++] += s.contains(key(e)) ? 1 : 0;
                }
            }
            b.append(String.format(Locale.ROOT, "| %s (2012 train) | %d | %d | %d | %d |%n", f, pairs.size(), in[0], in[1], in[2]));
        }
        b.append("\nSTS-B was assembled from the SemEval 2012-2017 files: the pairs counted above are in STS-B too (sentences compared "
                + "after the readers' cleaning, either order), so these two sets measure transfer only for the rest; a model trained on "
                + "STS-B train has seen the pairs counted in its first column.\n");
    }

    private static String key(TrainingExample e) {
        String a = e.texts().get(0).trim().toLowerCase(Locale.ROOT);
        String c = e.texts().get(1).trim().toLowerCase(Locale.ROOT);
        return a.compareTo(c) <= 0 ? a + "\t" + c : c + "\t" + a;
    }
}
