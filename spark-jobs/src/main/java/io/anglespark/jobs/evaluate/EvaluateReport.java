package io.anglespark.jobs.evaluate;

import io.anglespark.model.metrics.PairEvaluation;

import java.util.List;

/**
 * What an evaluate run found: the sets as read, the models as opened, and one result per (model, set).
 *
 * @param output  the output folder
 * @param sets    in configuration order
 * @param models  in configuration order
 * @param results model-major: every set of the first model, then the second's
 * @param gate    the promotion gate's verdict; null when the gate is off
 */
public record EvaluateReport(String output, List<EvalSet> sets, List<ModelRun> models, List<Result> results, Gate.Decision gate) {

    /**
     * @param label       how the configuration names the model
     * @param description what it is (name, pretrained or artifact, pooling, maximum length, prefix)
     * @param dimension   embedding size; 0 when no set had a text
     * @param loadSeconds time to open it
     */
    public record ModelRun(String label, EvalModel.Description description, int dimension, double loadSeconds) {
    }

    /**
     * @param texts        distinct texts embedded
     * @param embedSeconds time to embed them
     * @param plot         the scatter plot's path relative to the output folder; null when plots are off
     */
    public record Result(String model, String set, PairEvaluation evaluation, int texts, double embedSeconds, String plot) {
    }

    /** The result of a model on a set. */
    public Result result(String model, String set) {
        return results.stream().filter(r -> r.model().equals(model) && r.set().equals(set)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no result for model '" + model + "' on set '" + set + "'"));
    }

    /** The model id of the weights the model labelled {@code label} held. */
    public String modelId(String label) {
        return models.stream().filter(m -> m.label().equals(label)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no model '" + label + "'")).description().modelId();
    }

    public EvalSet set(String name) {
        return sets.stream().filter(s -> s.spec().name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no set '" + name + "'"));
    }
}
