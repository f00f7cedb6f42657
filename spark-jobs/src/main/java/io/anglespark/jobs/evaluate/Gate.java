package io.anglespark.jobs.evaluate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anglespark.model.metrics.Metric;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;

/**
 * The promotion gate: whether a challenger model may replace a baseline, from the Spearman x100 of the cosine
 * similarity each scores on each evaluation set. The challenger passes when it gains at least {@code minGain} points
 * on the primary set and loses at most {@code maxLoss} points on every other set; an undefined score fails the check
 * it belongs to. Pure: no Spark, no files.
 *
 * @param baseline   the label of the model to beat (the current one)
 * @param challenger the label of the model that would replace it
 * @param primary    the set the challenger must gain on (the pinned held-out set)
 * @param minGain    points (Spearman x100) the challenger must gain on {@code primary}; negative: how much it may lose there
 * @param maxLoss    points the challenger may lose on each other set
 */
public record Gate(String baseline, String challenger, String primary, double minGain, double maxLoss) implements Serializable {

    /**
     * One set's comparison.
     *
     * @param bound the least delta that passes: {@code minGain} on the primary set, {@code -maxLoss} on the others
     * @param reason why it failed; null when it passed
     */
    public record Check(String set, boolean primary, Double baseline, Double challenger, Double delta, double bound, boolean passed, String reason) {
    }

    /** The gate's verdict: passed when every check passed; {@link #reasons()} lists the failed ones. */
    public record Decision(Gate gate, List<Check> checks) {
        public Decision {
            checks = List.copyOf(checks);
        }

        public boolean passed() {
            return checks.stream().allMatch(Check::passed);
        }

        public List<String> reasons() {
            return checks.stream().filter(c -> !c.passed()).map(Check::reason).toList();
        }

        /** {@code gate.json}: the rule, the verdict, each check; scores x100. */
        public ObjectNode toJson() {
            ObjectNode o = ReportJson.JSON.createObjectNode();
            o.put("passed", passed());
            o.put("metric", "spearman x100 of cosine similarity");
            ObjectNode rule = o.putObject("rule");
            rule.put("baseline", gate.baseline());
            rule.put("challenger", gate.challenger());
            rule.put("primary", gate.primary());
            rule.put("min_gain", gate.minGain());
            rule.put("max_loss", gate.maxLoss());
            ArrayNode cs = o.putArray("checks");
            for (Check c : checks) {
                ObjectNode n = cs.addObject();
                n.put("set", c.set());
                n.put("primary", c.primary());
                n.put("baseline", c.baseline());
                n.put("challenger", c.challenger());
                n.put("delta", c.delta());
                n.put("least_delta", c.bound());
                n.put("passed", c.passed());
                if (c.reason() != null) {
                    n.put("reason", c.reason());
                }
            }
            o.set("reasons", ReportJson.JSON.valueToTree(reasons()));
            return o;
        }
    }

    /**
     * Compares the challenger with the baseline on every set, the primary first.
     *
     * @param sets     every evaluation set's name (the primary among them)
     * @param spearman a model label and a set name to the Spearman (a fraction, not x100) of the cosine similarity
     */
    public Decision decide(List<String> sets, BiFunction<String, String, Metric> spearman) {
        if (!sets.contains(primary)) {
            throw new IllegalArgumentException("the gate's primary set '" + primary + "' is not among the sets " + sets);
        }
        List<String> order = new ArrayList<>();
        order.add(primary);
        sets.stream().filter(s -> !s.equals(primary)).forEach(order::add);
        List<Check> checks = new ArrayList<>();
        for (String set : order) {
            boolean isPrimary = set.equals(primary);
            double bound = isPrimary ? minGain : -maxLoss;
            Metric b = spearman.apply(baseline, set);
            Metric c = spearman.apply(challenger, set);
            String what = set + (isPrimary ? " (primary)" : "");
            if (!b.isDefined() || !c.isDefined()) {
                String whose = !c.isDefined() ? "the challenger's (" + c.undefinedReason() + ")" : "the baseline's (" + b.undefinedReason() + ")";
                checks.add(new Check(set, isPrimary, x100(b), x100(c), null, bound, false, what + ": " + whose + " Spearman is undefined"));
                continue;
            }
            double delta = round2(100 * c.value() - 100 * b.value());
            boolean ok = delta >= bound;
            String reason = ok ? null : String.format(Locale.ROOT, "%s: challenger %.2f vs baseline %.2f, %s %.2f points, %s", what, 100 * c.value(),
                    100 * b.value(), delta >= 0 ? "a gain of" : "a loss of", Math.abs(delta),
                    isPrimary ? String.format(Locale.ROOT, "needs a gain of at least %.2f (gate min-gain)", minGain)
                            : String.format(Locale.ROOT, "may lose at most %.2f (gate max-loss)", maxLoss));
            checks.add(new Check(set, isPrimary, x100(b), x100(c), delta, bound, ok, reason));
        }
        return new Decision(this, checks);
    }

    /** Points are compared at two decimals, as reports print them: a 1e-12 difference decides nothing. */
    private static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static Double x100(Metric m) {
        return m.isDefined() ? 100 * m.value() : null;
    }
}
