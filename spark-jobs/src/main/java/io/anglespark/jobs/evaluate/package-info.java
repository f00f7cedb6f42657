/**
 * The evaluate job: scores embedding models, side by side, on STS-style sets (raw STS-B, SICK and SemEval STS
 * files through data-prep's readers, or the prepare job's pairs) and duplicate-pair sets (the issue-pairs job's
 * pairs). Spark reads and parses the sets; the driver embeds each set's distinct texts once per model through
 * {@link io.anglespark.jobs.evaluate.EvalModel} (model/serve's engines) and computes the metrics of {@code io.anglespark.model.metrics};
 * the outputs are report.json, report.md, PNG scatter plots and _run.json.
 */
package io.anglespark.jobs.evaluate;
