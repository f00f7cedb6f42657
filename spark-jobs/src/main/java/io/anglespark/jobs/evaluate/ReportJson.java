package io.anglespark.jobs.evaluate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anglespark.model.metrics.Metric;
import io.anglespark.model.metrics.PairEvaluation;
import io.anglespark.model.metrics.Similarity;

/**
 * {@code report.json}: the sets (rows read, pairs, rejections by reason with examples), the models, and per
 * (model, set) every metric of every similarity. Correlations and AUC are fractions (not x100). An undefined
 * metric is {@code null} with a sibling {@code <metric>_undefined} giving the reason; JSON has no NaN.
 */
final class ReportJson {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportJson() {
    }

    static ObjectNode render(EvaluateReport report) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode models = root.putArray("models");
        for (EvaluateReport.ModelRun m : report.models()) {
            ObjectNode o = models.addObject();
            o.put("label", m.label());
            o.put("model", m.description().model());
            o.put("kind", m.description().kind());
            o.put("engine", m.description().engine());
            o.put("model_id", m.description().modelId());
            o.put("pooling", m.description().pooling());
            o.put("max_length", m.description().maxLength());
            o.put("query_prefix", m.description().queryPrefix());
            o.put("dimension", m.dimension());
            o.put("load_seconds", m.loadSeconds());
        }
        ArrayNode sets = root.putArray("sets");
        for (EvalSet s : report.sets()) {
            ObjectNode o = sets.addObject();
            o.put("name", s.spec().name());
            o.put("format", s.spec().format().label());
            o.put("path", s.spec().path());
            if (s.spec().sources() != null) {
                o.set("sources", JSON.valueToTree(s.spec().sources()));
            }
            if (s.spec().split() != null) {
                o.put("split", s.spec().split().label());
            }
            o.set("files", JSON.valueToTree(s.files()));
            o.put("rows_read", s.rowsRead());
            o.put("pairs", s.pairs().size());
            o.put("distinct_texts", s.pairs().texts().size());
            o.put("binary_labels", io.anglespark.model.metrics.RocAuc.isBinary(s.pairs().gold()));
            ObjectNode rej = o.putObject("rejected");
            rej.put("total", s.rejectedTotal());
            rej.set("by_reason", JSON.valueToTree(s.rejected()));
            rej.set("examples", JSON.valueToTree(s.examples()));
        }
        ArrayNode results = root.putArray("results");
        for (EvaluateReport.Result r : report.results()) {
            ObjectNode o = results.addObject();
            o.put("model", r.model());
            o.put("set", r.set());
            PairEvaluation e = r.evaluation();
            o.put("pairs", e.pairs());
            o.put("distinct_texts", r.texts());
            o.put("binary_labels", e.binary());
            ObjectNode metrics = o.putObject("metrics");
            for (Similarity sim : Similarity.values()) {
                ObjectNode m = metrics.putObject(sim.label());
                PairEvaluation.SimilarityMetrics sm = e.of(sim);
                put(m, "spearman", sm.spearman());
                put(m, "pearson", sm.pearson());
                if (sm.auc() != null) {
                    put(m, "auc", sm.auc());
                }
            }
            o.put("embed_seconds", r.embedSeconds());
            o.put("texts_per_second", r.texts() / Math.max(r.embedSeconds(), 1e-9));
            if (r.plot() != null) {
                o.put("plot", r.plot());
            }
        }
        return root;
    }

    private static void put(ObjectNode o, String name, Metric m) {
        if (m.isDefined()) {
            o.put(name, m.value());
        } else {
            o.putNull(name);
            o.put(name + "_undefined", m.undefinedReason());
        }
    }
}
